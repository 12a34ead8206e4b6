-- A scheduled message may answer an earlier message of its conversation; the link is kept at
-- delivery. No foreign key: the original may disappear (temporary mode) before the due time, and
-- delivery then fails the row with `reply_missing` instead of sending a reply to nothing.
ALTER TABLE scheduled_messages ADD COLUMN reply_to_id uuid;
