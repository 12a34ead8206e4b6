-- Events in the timeline (issue 13, item 5) and direct chats that appear with their first
-- message (item 6); docs/architecture.md "Timeline events".
--
-- An event is a row of messages written by the server in the same transaction as the change it
-- records (group created, members added/removed/left/gone, roles, title, disappearing messages),
-- so it gets a seq and pages, orders and reaches members like any message. content is '' (there
-- is nothing to encrypt: the server already knows all of it as metadata), sender_id is the actor,
-- and `event` holds what happened (kind, target user ids and their display names then, the new
-- title, the ttl). Events never count as unread, have no receipts, never expire with temporary
-- mode, and cannot be edited, deleted, reacted to or replied to.
ALTER TABLE messages DROP CONSTRAINT messages_content_type_check;
ALTER TABLE messages ADD CONSTRAINT messages_content_type_check
  CHECK (content_type IN ('text', 'image', 'video', 'event'));
ALTER TABLE messages ADD COLUMN event jsonb;
ALTER TABLE messages ADD CONSTRAINT messages_event_shape
  CHECK ((content_type = 'event') = (event IS NOT NULL));

-- A direct chat someone else opened stays out of this member's list (and GET answers 404)
-- until the conversation holds a message (or an event): set for the other person when a direct
-- chat is created, cleared when they open it themselves. Decided on read (EXISTS over the
-- messages_page index), so that neither a live send nor scheduled delivery writes anything more.
ALTER TABLE conversation_members ADD COLUMN awaiting_first_message boolean NOT NULL DEFAULT false;
