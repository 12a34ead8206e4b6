import type { TimelineEventBody } from '@herald/shared';
import type { Tx } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import { selectCurrentMemberIds } from '../membership/index.js';
import { toMessage } from '../messages/index.js';
import { insertTimelineEvent } from './timeline-events.sql.js';

/**
 * Records a timeline event in the transaction of the change it describes (after that change, so
 * that the audience is the membership it produced) and returns what to do after commit:
 * `receive_message` with the event to every current member's devices, like any message. A member
 * removed or gone gets nothing (they get `conversation_removed`); a member just added sees the
 * line (it is written at their join time).
 */
export async function recordEvent(
  deps: { broadcaster: Broadcaster },
  tx: Tx,
  conversationId: string,
  actorId: string,
  body: TimelineEventBody,
  now: Date,
): Promise<() => void> {
  const row = await insertTimelineEvent(tx, { conversationId, actorId, body, now });
  if (!row) return () => {};
  const audience = await selectCurrentMemberIds(tx, conversationId);
  const message = toMessage(row, []);
  return () => deps.broadcaster.toUsers(audience, 'receive_message', message);
}
