-- Delivery at the limit (issue 11): foreign keys on messages that cost more than they protect.
-- Every message insert ran a referential-integrity trigger per key (a lookup of the referenced row
-- FOR KEY SHARE); on a burst of scheduled deliveries those triggers were about half of the insert
-- statement's time (EXPLAIN ANALYZE of a 500-row batch: conversation 13 ms, sender 11 ms,
-- scheduled message 2.5 ms of 57 ms). These three never catch anything in Herald:
--  - conversations, users and scheduled_messages rows are never deleted (accounts are erased in
--    place, chats are left, scheduled messages keep their history), so the cascades and SET NULLs
--    never run;
--  - the one writer of messages (writeMessages) inserts only into conversations it has locked in
--    the same statement, for senders that the send path or the delivery re-check found to be
--    current members, and a scheduled message id it holds locked.
-- Kept: media_id (media rows are deleted) and reply_to_id (messages are deleted: SET NULL), and
-- the unique index on scheduled_message_id, which is what makes delivery exactly once.
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_scheduled_message_fk;
