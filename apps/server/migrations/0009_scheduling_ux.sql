-- Scheduled messages look like any message to their recipients unless the sender chose to show
-- that they were scheduled (issue 13, item 7). The choice is stored on the scheduled row and read
-- with the delivered message through messages.scheduled_message_id (MESSAGE_COLUMNS): a message
-- delivered before this migration, or whose scheduled row is gone, shows nothing to recipients.
ALTER TABLE scheduled_messages ADD COLUMN show_as_scheduled boolean NOT NULL DEFAULT false;
