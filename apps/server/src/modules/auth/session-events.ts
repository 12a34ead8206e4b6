import type { Tx } from '../../db/db.js';

/**
 * What the auth module announces when sessions end, so that the realtime layer can disconnect the
 * sockets they opened. Called after the change has committed.
 */
export interface SessionEvents {
  /** Every session of the user ended (logout everywhere, password change, account deletion). */
  userSessionsEnded(userId: string, exceptSessionId?: string): void;
  /** One session ended (logout). */
  sessionEnded(userId: string, sessionId: string): void;
}

/**
 * A step of account deletion contributed by another module (leave groups, fail pending scheduled
 * messages...). Runs inside the deletion's transaction; returns work to do after commit, if any.
 */
export type AccountDeletionStep = (tx: Tx, userId: string, now: Date) => Promise<(() => void) | void>;
