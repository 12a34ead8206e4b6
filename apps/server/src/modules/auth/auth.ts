import { randomUUID } from 'node:crypto';
import type { ChangePasswordBody, KdfDefaults, KdfParams, LoginBody, RegisterBody } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import type { AuthDeps, Authenticated, IssuedSession } from './auth-deps.js';
import { changePassword, deleteAccount, verifyAuthKey } from './account-changes.js';
import {
  insertSession,
  insertUser,
  revokeAllSessions,
  revokeSession,
  selectCredentialsByUsername,
  selectSessionUser,
} from './auth.sql.js';
import { assertKdfIsCurrent, fakeSalt, kdfAnswer } from './kdf.js';

export type { AuthDeps, Authenticated, IssuedSession } from './auth-deps.js';

export type Auth = ReturnType<typeof createAuth>;

/** Accounts and sessions: register, prelogin, login, sessions, password change, deletion. */
export function createAuth(deps: AuthDeps) {
  const { db, clock, tokens, hasher } = deps;

  async function issueSession(userId: string, tokenVersion: number, userAgent?: string): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const { token, expiresAt } = await tokens.sign({ userId, sessionId, tokenVersion });
    await insertSession(db, { id: sessionId, userId, expiresAt, userAgent });
    return { userId, sessionId, token, expiresAt };
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
      const fake = fakeSalt(deps.secret, username);
      return credentials ? kdfAnswer(credentials.kdf, credentials.kdf.salt) : kdfAnswer(deps.kdfDefaults, fake);
    },

    async register(body: RegisterBody, userAgent?: string): Promise<IssuedSession> {
      assertKdfIsCurrent(body.kdf, deps.kdfDefaults);
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

    /** The password's auth key of a signed-in user (setting keys): 401 invalid_credentials when wrong. */
    async verifyAuthKey(userId: string, authKey: string): Promise<void> {
      await verifyAuthKey(deps, userId, authKey);
    },

    changePassword: (userId: string, body: ChangePasswordBody, userAgent?: string) =>
      changePassword(deps, issueSession, userId, body, userAgent),

    deleteAccount: (userId: string, authKey: string) => deleteAccount(deps, userId, authKey),
  };
}
