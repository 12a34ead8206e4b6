import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { INT4_MAX, SessionId, UserId } from '@herald/shared';
import type { Clock } from '../../lib/clock.js';

export const SESSION_COOKIE = 'herald_session';

export interface SessionClaims {
  userId: string;
  sessionId: string;
  tokenVersion: number;
}

/**
 * The claims a session token must carry, checked before any of them reaches a query: a token
 * signed with our secret but shaped otherwise (a sub or sid that is not a uuid, a ver that is not a
 * whole number within the token_version column) is simply not a session.
 */
const Claims = z.object({
  sub: UserId,
  sid: SessionId,
  ver: z.int().min(0).max(INT4_MAX),
});

/**
 * Session tokens: HS256 JWTs, and only HS256 (a token naming any other algorithm, `none`
 * included, is refused). The token is a pointer to a session row; the row and the user's
 * token_version decide whether it still works.
 */
export class SessionTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  get lifetimeSeconds(): number {
    return this.ttlSeconds;
  }

  async sign(claims: SessionClaims): Promise<{ token: string; expiresAt: Date }> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const exp = nowSeconds + this.ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId, ver: claims.tokenVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<SessionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const claims = Claims.safeParse(payload);
      if (!claims.success) return null;
      const { sub, sid, ver } = claims.data;
      return { userId: sub, sessionId: sid, tokenVersion: ver };
    } catch {
      return null;
    }
  }
}
