import type { TimelineEventBody } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { MESSAGE_COLUMNS, type MessageRow } from '../messages/index.js';

/**
 * Writes one timeline event (a server-authored row of messages, contentType 'event') inside the
 * caller's transaction, and returns it as a message row.
 *  1. locks the conversation row FOR NO KEY UPDATE, as the message writer does: writers to one
 *     conversation take turns, so events and messages commit in seq order there;
 *  2. records the display names of the actor and the targets as they are now (`names`), so that
 *     the line still names someone who later left, was removed or renamed; a deleted account's
 *     name is already wiped (''), and is left out: clients show "Deleted account";
 *  3. content '' (nothing secret: the server knows all of it as metadata), no expiry (temporary
 *     mode deletes messages, not the record of who joined or left), no media, no client id.
 */
export async function insertTimelineEvent(
  q: Queryable,
  e: { conversationId: string; actorId: string; body: TimelineEventBody; now: Date },
): Promise<MessageRow | undefined> {
  const named = [e.actorId, ...targetsOf(e.body)];
  const { rows } = await q.query<MessageRow>(
    `WITH locked AS MATERIALIZED (
       SELECT c.id FROM conversations c WHERE c.id = $1 FOR NO KEY UPDATE
     ),
     inserted AS (
       INSERT INTO messages (conversation_id, sender_id, content, content_type, event, created_at)
       SELECT l.id, $2, '', 'event',
         $3::jsonb || jsonb_build_object('names', COALESCE(
           (SELECT jsonb_object_agg(u.id, u.display_name) FROM users u
            WHERE u.id = ANY($4::uuid[]) AND u.display_name <> ''), '{}'::jsonb)),
         $5
       FROM locked l
       RETURNING *
     )
     SELECT ${MESSAGE_COLUMNS} FROM inserted m LEFT JOIN media md ON md.id = m.media_id`,
    [e.conversationId, e.actorId, JSON.stringify(e.body), named, e.now],
  );
  const row = rows[0];
  return row ? { ...row, seq: Number(row.seq) } : undefined;
}

function targetsOf(body: TimelineEventBody): string[] {
  switch (body.kind) {
    case 'group_created':
    case 'members_added':
      return body.userIds;
    case 'member_removed':
    case 'role_changed':
    case 'owner_inherited':
      return [body.userId];
    default:
      return [];
  }
}
