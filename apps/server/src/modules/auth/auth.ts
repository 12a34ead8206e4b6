import { createHmac, randomUUID } from 'node:crypto';
import type { ChangePasswordBody, KdfDefaults, KdfParams, LoginBody, RegisterBody } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { AccountDeletionStep, SessionEvents } from './session-events.js';
import type { UserRow } from '../users/index.js';
import {
  insertSession,
  insertUser,
  markUserDeleted,
  revokeAllSessions,
  revokeSession,
  selectCredentialsById,
  selectCredentialsByUsername,
  selectSessionUser,
  updateCredentials,
} from './auth.sql.js';
import type { AuthKeyHasher } from './passwords.js';
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
  accountDeletionSteps: AccountDeletionStep[];
}

export interface IssuedSession {
  userId: string;
  sessionId: string;
  token: string;
  expiresAt: Date;
}

export interface Authenticated {
  user: UserRow;
  sessionId: string;
}

export type Auth = ReturnType<typeof createAuth>;

const sameKdfCost = (a: KdfDefaults, b: KdfDefaults) =>
  a.algorithm === b.algorithm &&
  a.memoryKiB === b.memoryKiB &&
  a.iterations === b.iterations &&
  a.parallelism === b.parallelism;

/** Salt size of new accounts (16 bytes, as @herald/crypto makes it), so that a fake one can match it. */
const SALT_BYTES = 16;
const SALT_LENGTH = Math.ceil((SALT_BYTES * 4) / 3);

/**
 * The one place a prelogin answer is built, keys in one fixed order: an account's parameters come
 * back from a jsonb column, whose key order differs from an object literal's, and any difference in
 * bytes between known and unknown names would tell which usernames exist.
 */
function kdfAnswer(cost: KdfDefaults, salt: string): KdfParams {
  return {
    algorithm: cost.algorithm,
    salt,
    memoryKiB: cost.memoryKiB,
    iterations: cost.iterations,
    parallelism: cost.parallelism,
  };
}

export function createAuth(deps: AuthDeps) {
  const { db, clock, tokens, hasher } = deps;

  async function issueSession(userId: string, tokenVersion: number, userAgent?: string): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const { token, expiresAt } = await tokens.sign({ userId, sessionId, tokenVersion });
    await insertSession(db, { id: sessionId, userId, expiresAt, userAgent });
    return { userId, sessionId, token, expiresAt };
  }

  /**
   * New accounts must use the server's current KDF cost, so that the prelogin answer for a real
   * account looks exactly like the one invented for an unknown username.
   */
  function assertKdfIsCurrent(kdf: KdfParams): void {
    if (kdf.salt.length !== SALT_LENGTH) {
      throw new AppError(
        'validation_failed',
        `The key-derivation salt must be ${SALT_BYTES} random bytes (${SALT_LENGTH} base64url characters).`,
        [{ path: 'kdf.salt', message: `must be ${SALT_LENGTH} base64url characters` }],
      );
    }
    if (!sameKdfCost(kdf, deps.kdfDefaults)) {
      throw new AppError(
        'validation_failed',
        `Use the server's key-derivation parameters (GET /api/auth/kdf-params): ${JSON.stringify(deps.kdfDefaults)}.`,
        [{ path: 'kdf', message: 'must match the server parameters' }],
      );
    }
  }

  return {
    kdfDefaults(): KdfDefaults {
      return deps.kdfDefaults;
    },

    /**
     * The salt and cost a client needs to derive its keys. For an unknown username, a stable salt
     * derived from a server secret, so that the answer does not reveal whether the account exists:
     * both paths run the same query and the same HMAC, and build the answer in kdfAnswer.
     */
    async prelogin(username: string): Promise<KdfParams> {
      const credentials = await selectCredentialsByUsername(db, username);
      const fakeSalt = createHmac('sha256', deps.secret)
        .update(`prelogin:${username.trim().toLowerCase()}`)
        .digest()
        .subarray(0, SALT_BYTES)
        .toString('base64url');
      return credentials ? kdfAnswer(credentials.kdf, credentials.kdf.salt) : kdfAnswer(deps.kdfDefaults, fakeSalt);
    },

    async register(body: RegisterBody, userAgent?: string): Promise<IssuedSession> {
      assertKdfIsCurrent(body.kdf);
      const authHash = await hasher.hash(body.authKey);
      const userId = await insertUser(db, {
        username: body.username,
        displayName: body.displayName ?? body.username,
        authHash,
        kdf: body.kdf,
        timeZone: body.timeZone ?? 'UTC',
        keys: body.keys,
        now: clock.now(),
      });
      if (!userId) throw new AppError('username_taken', 'That username is taken; choose another one.');
      return issueSession(userId, 0, userAgent);
    },

    async login(body: LoginBody, userAgent?: string): Promise<IssuedSession> {
      const credentials = await selectCredentialsByUsername(db, body.username);
      const valid = await hasher.verify(credentials?.authHash, body.authKey);
      if (!credentials || !valid) throw new AppError('invalid_credentials');
      return issueSession(credentials.id, credentials.tokenVersion, userAgent);
    },

    async authenticate(token: string): Promise<Authenticated | null> {
      const claims = await tokens.verify(token);
      if (!claims) return null;
      const user = await selectSessionUser(db, claims, clock.now());
      return user ? { user, sessionId: claims.sessionId } : null;
    },

    async logout(userId: string, sessionId: string): Promise<void> {
      await revokeSession(db, sessionId);
      deps.sessionEvents.sessionEnded(userId, sessionId);
    },

    async logoutEverywhere(userId: string): Promise<void> {
      await db.transaction((tx) => revokeAllSessions(tx, userId));
      deps.sessionEvents.userSessionsEnded(userId);
    },

    /**
     * Checks the password's auth key of a signed-in user, for actions a stolen session alone must
     * not be able to take (setting keys): 401 invalid_credentials when it is wrong.
     */
    async verifyAuthKey(userId: string, authKey: string): Promise<void> {
      const credentials = await selectCredentialsById(db, userId);
      if (!credentials || !(await hasher.verify(credentials.authHash, authKey))) {
        throw new AppError('invalid_credentials', 'The password is incorrect.');
      }
    },

    /**
     * Re-keys the account; every other device is signed out, this one gets a fresh session. The
     * private keys are sealed under the password, so an account with keys must send them re-sealed
     * under the new one (the public keys stay); one without keys has nothing to re-seal.
     */
    async changePassword(userId: string, body: ChangePasswordBody, userAgent?: string): Promise<IssuedSession> {
      assertKdfIsCurrent(body.newKdf);
      const credentials = await selectCredentialsById(db, userId);
      if (!credentials || !(await hasher.verify(credentials.authHash, body.currentAuthKey))) {
        throw new AppError('invalid_credentials', 'The current password is incorrect.');
      }
      if (credentials.hasKeys && body.encryptedPrivateKeys === undefined) {
        throw new AppError(
          'validation_failed',
          'Send encryptedPrivateKeys: your private keys re-sealed under the new password (without them they could not be opened after the change).',
          [{ path: 'encryptedPrivateKeys', message: 'required for an account with keys' }],
        );
      }
      if (!credentials.hasKeys && body.encryptedPrivateKeys !== undefined) {
        throw new AppError(
          'validation_failed',
          'This account has no keys yet: change the password without encryptedPrivateKeys, or create keys first (PUT /api/users/me/keys).',
          [{ path: 'encryptedPrivateKeys', message: 'the account has no keys' }],
        );
      }
      const authHash = await hasher.hash(body.newAuthKey);
      const tokenVersion = await db.transaction(async (tx) => {
        await updateCredentials(tx, userId, authHash, body.newKdf, body.encryptedPrivateKeys);
        return revokeAllSessions(tx, userId);
      });
      const session = await issueSession(userId, tokenVersion, userAgent);
      deps.sessionEvents.userSessionsEnded(userId, session.sessionId);
      return session;
    },

    async deleteAccount(userId: string, authKey: string): Promise<void> {
      const credentials = await selectCredentialsById(db, userId);
      if (!credentials || !(await hasher.verify(credentials.authHash, authKey))) {
        throw new AppError('invalid_credentials', 'The password is incorrect.');
      }
      const now = clock.now();
      const afterCommit = await db.transaction(async (tx) => {
        await markUserDeleted(tx, userId, now);
        const later: (() => void)[] = [];
        for (const step of deps.accountDeletionSteps) {
          const after = await step(tx, userId, now);
          if (after) later.push(after);
        }
        return later;
      });
      deps.sessionEvents.userSessionsEnded(userId);
      for (const run of afterCommit) run();
    },
  };
}
