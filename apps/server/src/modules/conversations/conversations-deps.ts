import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { PresenceReader } from '../../lib/presence.js';
import type { MembershipEndedStep } from '../membership/index.js';

/** What the conversations use-cases need; each takes it as its first argument. */
export interface ConversationsDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  presence: PresenceReader;
  /** Run in the transaction that ends a membership (leave, removal, delete chat). */
  membershipEndedSteps: readonly MembershipEndedStep[];
}
