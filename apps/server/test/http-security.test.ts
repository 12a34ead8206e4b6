import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, createTestApp, type TestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { uploadMedia } from './helpers/media.js';

/**
 * Issue 8 items 10 and 11: security headers (a strict Content-Security-Policy and friends) on every
 * answer, app and API alike; and the API's hooks (origin and content-type check, session) decided
 * by the matched route, so that no way of writing a path gets around them.
 */

let t: TestApp;
let alice: TestUser;
let webDir: string;

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script></head></html>';

beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'herald-web-'));
  await mkdir(join(webDir, 'assets'));
  await writeFile(join(webDir, 'index.html'), INDEX_HTML);
  await writeFile(join(webDir, 'assets', 'app-1a2b.js'), 'console.log(1)');
  await writeFile(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await createTestApp({ env: { WEB_DIST_DIR: webDir } });
  alice = await registerUser(t.app);
});
afterAll(async () => {
  await t.close();
});

function cspOf(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(header, `CSP on ${res.statusCode}`).toBeTypeOf('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values];
      }),
  );
}

function expectSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  const csp = cspOf(res);
  expect(csp.get('default-src'), what).toEqual(["'self'"]);
  expect(csp.get('script-src'), what).toEqual(["'self'"]);
  expect(csp.get('style-src'), what).toEqual(["'self'"]);
  expect(csp.get('object-src'), what).toEqual(["'none'"]);
  expect(csp.get('base-uri'), what).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(csp.get('form-action'), what).toEqual(["'self'"]);
  expect(csp.get('connect-src'), what).toEqual(["'self'"]);
  expect(csp.get('img-src'), what).toEqual(["'self'", 'blob:']);
  expect(csp.get('media-src'), what).toEqual(["'self'", 'blob:']);
  expect(String(res.headers['content-security-policy']), what).not.toMatch(/unsafe|\*|data:/);
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['referrer-policy'], what).toBe('no-referrer');
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['cross-origin-opener-policy'], what).toBe('same-origin');
  expect(res.headers['strict-transport-security'], what).toBeUndefined();
  expect(res.headers['x-powered-by'], what).toBeUndefined();
}

describe('security headers (item 10)', () => {
  it('are on the app, its assets, API answers, errors, media, health and metrics', async () => {
    const media = await uploadMedia(alice);
    const cases: [string, () => Promise<LightMyRequestResponse>, number][] = [
      ['SPA index', () => t.app.inject({ method: 'GET', url: '/' }), 200],
      ['SPA route', () => t.app.inject({ method: 'GET', url: '/chats/abc' }), 200],
      ['static asset', () => t.app.inject({ method: 'GET', url: '/assets/app-1a2b.js' }), 200],
      ['favicon', () => t.app.inject({ method: 'GET', url: '/favicon.svg' }), 200],
      ['API JSON', () => t.app.inject({ method: 'GET', url: '/api/config' }), 200],
      [
        'API with session',
        () => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: alice.client.cookie! } }),
        200,
      ],
      ['API 401', () => t.app.inject({ method: 'GET', url: '/api/auth/me' }), 401],
      ['API 404', () => t.app.inject({ method: 'GET', url: '/api/nope' }), 404],
      [
        'API 400',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            headers: { 'content-type': 'application/json' },
            payload: '{"username":',
          }),
        400,
      ],
      [
        'API 403 (cross-site)',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/logout',
            headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
          }),
        403,
      ],
      [
        'API 415',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/logout',
            headers: { 'content-type': 'text/plain' },
            payload: 'x',
          }),
        415,
      ],
      [
        'media',
        () => t.app.inject({ method: 'GET', url: `/api/media/${media.id}`, headers: { cookie: alice.client.cookie! } }),
        200,
      ],
      ['healthz', () => t.app.inject({ method: 'GET', url: '/healthz' }), 200],
      ['readyz', () => t.app.inject({ method: 'GET', url: '/readyz' }), 200],
      ['metrics', () => t.app.inject({ method: 'GET', url: '/metrics' }), 200],
      ['POST 404 outside the API', () => t.app.inject({ method: 'POST', url: '/nope' }), 404],
    ];
    for (const [what, send, status] of cases) {
      const res = await send();
      expect(res.statusCode, what).toBe(status);
      expectSecurityHeaders(res, what);
    }
  });

  it('are on answers to malformed URLs too, which get the envelope (400, or 404 for an over-long id)', async () => {
    for (const url of ['/api/%zz', '/%', '/api/users/%E0%A4%A', '/assets/%']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ success: false, error: { code: 'validation_failed' } });
      expect(res.json().message).toMatch(/percent-encoding/);
      expectSecurityHeaders(res, url);
    }
    const long = await t.app.inject({ method: 'GET', url: `/api/users/${'a'.repeat(150)}` });
    expect(long.statusCode).toBe(404);
    expect(long.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
    expectSecurityHeaders(long, 'over-long id');
  });

  it('are on the Socket.IO handshake and polling answers, which Fastify does not make', async () => {
    const local = await createListeningApp();
    try {
      const res = await fetch(`${local.baseUrl}/socket.io/?EIO=4&transport=polling`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    } finally {
      await local.close();
    }
  });

  it('keeps media an attachment of opaque bytes', async () => {
    const media = await uploadMedia(alice);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/media/${media.id}`,
      headers: { cookie: alice.client.cookie! },
    });
    expect(res.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment',
      'x-content-type-options': 'nosniff',
    });
  });

  it('sends HSTS only when served over HTTPS with COOKIE_SECURE, for HSTS_MAX_AGE_SECONDS', async () => {
    const secure = await createTestApp({ env: { COOKIE_SECURE: 'true', TRUST_PROXY: 'true' } });
    const short = await createTestApp({
      env: { COOKIE_SECURE: 'true', TRUST_PROXY: 'true', HSTS_MAX_AGE_SECONDS: '600' },
    });
    const off = await createTestApp({ env: { COOKIE_SECURE: 'true', TRUST_PROXY: 'true', HSTS_MAX_AGE_SECONDS: '0' } });
    const plain = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      const https = { 'x-forwarded-proto': 'https' };
      const overHttps = await secure.app.inject({ method: 'GET', url: '/api/config', headers: https });
      expect(overHttps.headers['strict-transport-security']).toBe('max-age=31536000');
      const error = await secure.app.inject({ method: 'GET', url: '/api/nope', headers: https });
      expect(error.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(cspOf(overHttps).has('upgrade-insecure-requests')).toBe(true);
      const overHttp = await secure.app.inject({ method: 'GET', url: '/api/config' });
      expect(overHttp.headers['strict-transport-security']).toBeUndefined();
      const custom = await short.app.inject({ method: 'GET', url: '/healthz', headers: https });
      expect(custom.headers['strict-transport-security']).toBe('max-age=600');
      const disabled = await off.app.inject({ method: 'GET', url: '/healthz', headers: https });
      expect(disabled.headers['strict-transport-security']).toBeUndefined();
      const notSecure = await plain.app.inject({ method: 'GET', url: '/healthz', headers: https });
      expect(notSecure.headers['strict-transport-security']).toBeUndefined();
      expect(cspOf(notSecure).has('upgrade-insecure-requests')).toBe(false);
    } finally {
      for (const app of [secure, short, off, plain]) await app.close();
    }
  });
});

/** Ways to write the logout path that a URL-prefix check would not recognise. */
const ODD_LOGOUT_PATHS = [
  '/%61pi/auth/logout',
  '/%61%70%69/auth/logout',
  '/api/%61uth/logout',
  '/api/auth/logou%74',
  '/%2561pi/auth/logout',
  '/API/auth/logout',
  '/Api/auth/logout',
  '//api/auth/logout',
  '/api//auth/logout',
  '/./api/auth/logout',
  '/api/./auth/logout',
  '/api/auth/../auth/logout',
  '/x/../api/auth/logout',
  '/api%2Fauth%2Flogout',
  '/%2Fapi/auth/logout',
  '/api/auth/logout/',
  '/api/auth/logout?',
  '/api/auth/logout;x',
  '/\\api/auth/logout',
];

describe('the API scope decides by the matched route (item 11)', () => {
  it('refuses a cross-site text/plain POST to logout however the path is written', async () => {
    const failures: string[] = [];
    for (const url of ODD_LOGOUT_PATHS) {
      for (const headers of [
        { origin: 'https://evil.example', 'content-type': 'text/plain' },
        { 'content-type': 'text/plain' },
        { origin: 'https://evil.example', 'content-type': 'application/json' },
      ]) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { ...headers, cookie: alice.client.cookie! },
          payload: '{}',
        });
        if (res.statusCode < 400 || String(res.headers['set-cookie'] ?? '').includes('herald_session=;')) {
          failures.push(`${url} ${JSON.stringify(headers)}: ${res.statusCode} ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
  });

  it('reads the session on an API route however its path is written', async () => {
    for (const url of ['/%61pi/auth/me', '/api/%61uth/me', '/api/auth/m%65']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: alice.client.cookie! } });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().data.user.id).toBe(alice.id);
    }
  });

  it('answers unknown API paths with the JSON 404 envelope, never the web app', async () => {
    for (const url of [
      '/api/nope',
      '/api',
      '/api/',
      '/%61pi/nope',
      '/%2561pi/nope',
      '/API/nope',
      '//api/nope',
      '/./api/nope',
      '/x/../api/nope',
      '/api%2Fnope',
      '/socket.io/nope',
      '/%73ocket.io/nope',
      '/metrics/nope',
    ]) {
      for (const method of ['GET', 'HEAD'] as const) {
        const res = await t.app.inject({ method, url });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(String(res.headers['content-type']), `${method} ${url}`).toMatch(/^application\/json/);
        if (method === 'GET') expect(res.json(), url).toMatchObject({ success: false, error: { code: 'not_found' } });
      }
    }
  });

  it('still serves the web app for its own routes', async () => {
    for (const url of ['/', '/chats/123', '/settings', '/apinews', '/login?next=%2Fapi']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX_HTML);
    }
  });

  it('keeps public routes outside the API scope', async () => {
    const health = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { cookie: 'herald_session=garbage' },
    });
    expect(health.statusCode).toBe(200);
  });
});
