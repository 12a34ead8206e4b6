import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ChangePasswordBody,
  DeleteAccountBody,
  LoginBody,
  PreloginQuery,
  RegisterBody,
  type SelfUser,
} from '@herald/shared';
import type { Db } from '../../db/db.js';
import { notFound } from '../../lib/app-error.js';
import type { RateLimitRules } from '../../lib/rate-limiter.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { selectUserById, toPublicUser } from '../users/index.js';
import type { Auth, IssuedSession } from './auth.js';
import { SESSION_COOKIE } from './tokens.js';

export interface AuthRoutesDeps {
  db: Db;
  auth: Auth;
  limits: Pick<RateLimitRules, 'login' | 'register'>;
  cookieSecure: boolean;
  /** How many failed scheduled messages the user has not seen (the scheduling module answers). */
  countUnseenFailedScheduled: (userId: string) => Promise<number>;
}

function setSessionCookie(reply: FastifyReply, session: IssuedSession, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: session.expiresAt,
  });
}

function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** The signed-in user as they see themselves (sign-in, registration, reload). */
async function selfUser(deps: AuthRoutesDeps, userId: string): Promise<SelfUser> {
  const row = await selectUserById(deps.db, userId);
  if (!row || row.deletedAt) throw notFound();
  return {
    ...toPublicUser(row, true),
    createdAt: row.createdAt.toISOString(),
    encryptedPrivateKeys: row.encryptedPrivateKeys,
    unseenFailedScheduled: await deps.countUnseenFailedScheduled(userId),
  };
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesDeps> = async (app, deps) => {
  const { auth, cookieSecure } = deps;
  // Whatever checks a password (an Argon2id hash each) shares the sign-in budget.
  const passwordAttempt = limitedBy(deps.limits.login);

  const open = { public: true };

  app.get('/api/auth/kdf-params', { config: open }, async () => ok({ kdf: auth.kdfDefaults() }));

  app.get('/api/auth/prelogin', { config: open, schema: { querystring: PreloginQuery } }, async (request) => {
    return ok({ kdf: await auth.prelogin(request.query.username) });
  });

  const register = { config: { ...open, rateLimit: limitedBy(deps.limits.register) }, schema: { body: RegisterBody } };
  app.post('/api/auth/register', register, async (request, reply) => {
    const session = await auth.register(request.body, request.headers['user-agent']);
    setSessionCookie(reply, session, cookieSecure);
    return reply.status(201).send(ok({ user: await selfUser(deps, session.userId) }, 'Account created'));
  });

  const login = { config: { ...open, rateLimit: passwordAttempt }, schema: { body: LoginBody } };
  app.post('/api/auth/login', login, async (request, reply) => {
    const session = await auth.login(request.body, request.headers['user-agent']);
    setSessionCookie(reply, session, cookieSecure);
    return ok({ user: await selfUser(deps, session.userId) }, 'Signed in');
  });

  app.post('/api/auth/logout', { config: open }, async (request, reply) => {
    if (request.auth) await auth.logout(request.auth.user.id, request.auth.sessionId);
    clearSessionCookie(reply, cookieSecure);
    return ok(null, 'Signed out');
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const me = requireUser(request);
    await auth.logoutEverywhere(me.id);
    clearSessionCookie(reply, cookieSecure);
    return ok(null, 'Signed out on every device');
  });

  app.get('/api/auth/me', async (request) => {
    const me = requireUser(request);
    return ok({ user: await selfUser(deps, me.id) });
  });

  const changePassword = { config: { rateLimit: passwordAttempt }, schema: { body: ChangePasswordBody } };
  app.post('/api/auth/change-password', changePassword, async (request, reply) => {
    const me = requireUser(request);
    const session = await auth.changePassword(me.id, request.body, request.headers['user-agent']);
    setSessionCookie(reply, session, cookieSecure);
    return ok({ user: await selfUser(deps, me.id) }, 'Password changed; other devices were signed out');
  });

  const deleteAccount = { config: { rateLimit: passwordAttempt }, schema: { body: DeleteAccountBody } };
  app.delete('/api/users/me', deleteAccount, async (request, reply) => {
    const me = requireUser(request);
    await auth.deleteAccount(me.id, request.body.authKey);
    clearSessionCookie(reply, cookieSecure);
    return ok(null, 'Account deleted');
  });
};
