import type { KdfDefaults } from '@herald/shared';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthKeyHasher } from './passwords.js';
import type { AccountDeletionStep, SessionEvents } from './session-events.js';
import type { SessionTokens } from './tokens.js';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  tokens: SessionTokens;
  hasher: AuthKeyHasher;
  kdfDefaults: KdfDefaults;
  /** Keys the fake prelogin salts of unknown usernames. */
  secret: string;
  sessionEvents: SessionEvents;
  /** Other modules' parts of an account deletion, run in its transaction (app-services.ts). */
  accountDeletionSteps: readonly AccountDeletionStep[];
}

export interface IssuedSession {
  userId: string;
  sessionId: string;
  token: string;
  expiresAt: Date;
}

/**
 * Who is calling: identity only. A route that needs the user's other fields reads them from the
 * row, so that nothing a session check may answer from memory (session-cache.ts) can be stale.
 */
export interface Authenticated {
  user: { id: string };
  sessionId: string;
}
