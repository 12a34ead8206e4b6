-- Notifications (issue 13): a member mutes a chat's notifications on all their devices until an
-- instant, or for good ('infinity'). Null = not muted. Per member, because muting is mine alone:
-- the others never learn of it. Nothing reads it in bulk (it is read with the member's row), so it
-- needs no index.
ALTER TABLE conversation_members ADD COLUMN muted_until timestamptz;
