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
  selectLiveSession,
} from './auth.sql.js';
import { assertKdfIsCurrent, fakeSalt, kdfAnswer } from './kdf.js';
import { SessionCache, sessionNotice } from './session-cache.js';

export type { AuthDeps, Authenticated, IssuedSession } from './auth-deps.js';

export type Auth = ReturnType<typeof createAuth>;

/** Accounts and sessions: register, prelogin, login, sessions, password change, deletion. */
export function createAuth(deps: AuthDeps) {
  const { db, clock, tokens, hasher } = deps;
  const sessions = new SessionCache(db);

  /**
   * The session behind a token: from memory when the cache may answer (`cached`), else from the
   * database, whose answer then fills the cache.
   */
  async function sessionOf(token: string, cached: boolean): Promise<Authenticated | null> {
    const claims = await tokens.verify(token);
    if (!claims) return null;
    const now = clock.now();
    const authenticated = { user: { id: claims.userId }, sessionId: claims.sessionId };
    if (cached && sessions.get(claims, now)) return authenticated;
    const ticket = sessions.beginRead();
    const live = await selectLiveSession(db, claims, now);
    if (!live) return null;
    sessions.fill(ticket, claims.sessionId, live);
    return authenticated;
  }

  /**
   * Runs a write that ends sessions (its statement or transaction sends `notice` to every
   * process), then drops what it ended from this process's cache before answering, committed or
   * not (dropping is always safe).
   */
  async function revoking<T>(notice: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      sessions.dropNotice(notice);
    }
  }

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

    /**
     * A request's session check: no database round trip for a session this process knows live
     * and has heard nothing against since (session-cache.ts says when that holds).
     */
    authenticateCached: (token: string): Promise<Authenticated | null> => sessionOf(token, true),

    /**
     * The database's word, always: for a socket handshake, once per connection that then lives for
     * hours, and which must be refused "not now" rather than admitted while the database is down.
     */
    authenticate: (token: string): Promise<Authenticated | null> => sessionOf(token, false),

    /** Stops the session cache listening (the API scope closes it with the app). */
    stopSessionCache: (): Promise<void> => sessions.stop(),

    async logout(userId: string, sessionId: string): Promise<void> {
      await revoking(sessionNotice.session(sessionId), () => revokeSession(db, sessionId));
      deps.sessionEvents.sessionEnded(userId, sessionId);
    },

    async logoutEverywhere(userId: string): Promise<void> {
      await revoking(sessionNotice.user(userId), () => db.transaction((tx) => revokeAllSessions(tx, userId)));
      deps.sessionEvents.userSessionsEnded(userId);
    },

    /** The password's auth key of a signed-in user (setting keys): 401 invalid_credentials when wrong. */
    async verifyAuthKey(userId: string, authKey: string): Promise<void> {
      await verifyAuthKey(deps, userId, authKey);
    },

    changePassword: (userId: string, body: ChangePasswordBody, userAgent?: string) =>
      revoking(sessionNotice.user(userId), () =>
        changePassword(deps, issueSession, () => sessions.dropUser(userId), userId, body, userAgent),
      ),

    deleteAccount: (userId: string, authKey: string) =>
      revoking(sessionNotice.user(userId), () => deleteAccount(deps, userId, authKey)),
  };
}
