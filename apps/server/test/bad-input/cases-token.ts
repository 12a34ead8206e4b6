import { SignJWT } from 'jose';
import { TEST_SECRET } from '../helpers/app.js';
import { custom, http, type BadCase } from './case.js';
import { rawSocket, type BadInputContext } from './context.js';

/**
 * Replayed and forged session tokens. The token is an HS256 JWT naming a session row (DESIGN
 * section 8: one algorithm, `exp` checked, revoked by token_version). Each forgery below names
 * alice's live session, so that only the forged part can be why it is refused: 401
 * unauthenticated over HTTP, a refused handshake on a socket.
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const cookie = (token: string) => `herald_session=${token}`;

function claims(ctx: BadInputContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(ctx.t.clock.now().getTime() / 1000);
  return { sid: ctx.sessionClaims.sid, ver: 0, sub: ctx.sessionClaims.sub, iat: now, exp: now + 3600, ...extra };
}

async function hs(ctx: BadInputContext, alg: string, payload: Record<string, unknown>, secret = TEST_SECRET) {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** Each forgery: a function giving the cookie to send. */
const FORGERIES: [string, (ctx: BadInputContext) => Promise<string> | string][] = [
  [
    'an expired token',
    async (ctx) =>
      cookie(await hs(ctx, 'HS256', claims(ctx, { exp: Math.floor(ctx.t.clock.now().getTime() / 1000) - 1 }))),
  ],
  ['alg none, unsigned', (ctx) => cookie(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(ctx))}.`)],
  ['HS512 with the right secret', async (ctx) => cookie(await hs(ctx, 'HS512', claims(ctx)))],
  [
    'header RS256, body signed HS256',
    async (ctx) => {
      const [, payload, signature] = (await hs(ctx, 'HS256', claims(ctx))).split('.');
      return cookie(`${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`);
    },
  ],
  [
    'a wrong signature',
    async (ctx) => {
      const token = await hs(ctx, 'HS256', claims(ctx));
      return cookie(`${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    },
  ],
  [
    'signed with another secret',
    async (ctx) => cookie(await hs(ctx, 'HS256', claims(ctx), 'another-secret-another-secret-another-secret')),
  ],
  [
    'no exp claim',
    async (ctx) => {
      const { exp: _exp, ...rest } = claims(ctx);
      return cookie(await hs(ctx, 'HS256', rest));
    },
  ],
  [
    'the payload swapped for bob (signature of alice)',
    async (ctx) => {
      const [header, , signature] = (await hs(ctx, 'HS256', claims(ctx))).split('.');
      return cookie(`${header}.${b64(claims(ctx, { sub: ctx.bob.id }))}.${signature}`);
    },
  ],
  ['a stale token_version', async (ctx) => cookie(await hs(ctx, 'HS256', claims(ctx, { ver: 1 })))],
  ['not a JWT', () => cookie('definitely-not-a-token')],
  ['10 KB of garbage', () => cookie('x'.repeat(10_000))],
  ['of a deleted account', (ctx) => ctx.cookies.deleted],
  ['after logout', (ctx) => ctx.cookies.loggedOut],
  ['from before a password change', (ctx) => ctx.cookies.beforePasswordChange],
];

export function tokenCases(): BadCase[] {
  return FORGERIES.flatMap(([name, forge]): BadCase[] => [
    http(
      'token',
      `GET /api/auth/me with ${name}`,
      { cookie: '' },
      async (ctx) => ({
        method: 'GET',
        url: '/api/auth/me',
        headers: { cookie: await forge(ctx) },
      }),
      { code: 'unauthenticated' },
    ),
    http(
      'token',
      `create a group with ${name}`,
      { cookie: '' },
      async (ctx) => ({
        method: 'POST',
        url: '/api/conversations/group',
        headers: { cookie: await forge(ctx), 'content-type': 'application/json' },
        json: { title: 'Forged', memberIds: [] },
      }),
      { code: 'unauthenticated' },
    ),
    custom(
      'token',
      `socket handshake with ${name}`,
      async (ctx) => {
        try {
          const socket = await rawSocket(ctx, await forge(ctx));
          socket.close();
          return { kind: 'ack', ok: true, code: undefined };
        } catch (error) {
          return { kind: 'refused', message: (error as Error).message };
        }
      },
      { refused: /unauthenticated/ },
    ),
  ]);
}
