import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.js';
import type { Authenticated } from '../modules/auth/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook in app.ts when the request carries a live session cookie. */
    auth: Authenticated | null;
  }
}

/**
 * Identity only: the session check may answer from memory (modules/auth/session-cache.ts), so it
 * carries nothing a user can change; a route that needs the username or time zone reads the row.
 */
export interface CurrentUser {
  id: string;
  sessionId: string;
}

/** The signed-in user, from the session, never from the request body. 401 without a session. */
export function requireUser(request: FastifyRequest): CurrentUser {
  const auth = request.auth;
  if (!auth) throw new AppError('unauthenticated');
  return { id: auth.user.id, sessionId: auth.sessionId };
}
