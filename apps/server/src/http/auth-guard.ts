import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.js';
import type { Authenticated } from '../modules/auth/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook in app.ts when the request carries a live session cookie. */
    auth: Authenticated | null;
  }
}

export interface CurrentUser {
  id: string;
  sessionId: string;
  username: string;
  timeZone: string;
}

/** The signed-in user, from the session, never from the request body. 401 without a session. */
export function requireUser(request: FastifyRequest): CurrentUser {
  const auth = request.auth;
  if (!auth) throw new AppError('unauthenticated');
  return { id: auth.user.id, sessionId: auth.sessionId, username: auth.user.username, timeZone: auth.user.timeZone };
}
