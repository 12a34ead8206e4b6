-- Scheduling a message in one statement (issue 11). A creation counts the sender's pending
-- messages against the quotas under the sender's quota lock, so that it sees every earlier
-- creation of theirs. Under READ COMMITTED a statement reads one snapshot, taken when it starts:
-- counts in the statement that waited for the lock would miss the rows it waited for, so the
-- counts had to be a later statement of an explicit transaction (BEGIN, the lock, the insert,
-- COMMIT: four round trips). The queries of a VOLATILE function each take a fresh snapshot: this
-- one takes the lock and then counts, and the insert calls it, as one statement in its own
-- transaction (create-scheduled.sql.ts). The lock is the one restore-scheduled.sql.ts takes
-- (same key: 'herald:schedule-quota:' and the sender's id), held until the transaction ends.
-- Counts stop at the limits, so they cost O(limit) at most.
CREATE FUNCTION herald_lock_pending_counts(
  sender uuid, conversation uuid, conversation_limit integer, total_limit integer
) RETURNS TABLE (in_conversation integer, total integer)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('herald:schedule-quota:' || sender::text, 0));
  RETURN QUERY SELECT
    (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages s
       WHERE s.sender_id = sender AND s.conversation_id = conversation AND s.status = 'pending'
       LIMIT conversation_limit) a)::integer,
    (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages s
       WHERE s.sender_id = sender AND s.status = 'pending'
       LIMIT total_limit) b)::integer;
END
$$;
