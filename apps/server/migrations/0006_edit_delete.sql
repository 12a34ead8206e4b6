-- Editing and deleting sent messages (issue 13, item 2; docs/api.md "Edit and delete messages").
--
-- edited_at: when the sender last replaced the content (a new envelope sealed on their device).
-- deleted_at: "delete for everyone": the row stays, as a tombstone, so that seq order, receipt
-- watermarks and reply quotes stay consistent; its content is wiped ('') and its media detached
-- and deleted in the same transaction.
ALTER TABLE messages ADD COLUMN edited_at timestamptz;
ALTER TABLE messages ADD COLUMN deleted_at timestamptz;

-- "Delete for me": a per-user hide. Pages, the chat list's last message and unread counts leave
-- out the viewer's hidden messages. Keyed by user first: every read asks "did this user hide m?"
-- for the user's own rows (an anti-join probing this primary key).
CREATE TABLE message_hides (
  user_id uuid NOT NULL REFERENCES users (id),
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, message_id)
);

-- A message deleted (expired, conversation gone) takes its hides along (ON DELETE CASCADE).
CREATE INDEX message_hides_by_message ON message_hides (message_id);
