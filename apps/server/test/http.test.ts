import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createTestApp, TEST_SECRET, testConfig, type TestApp } from './helpers/app.js';
import { ApiClient, registerUser } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health', () => {
  it('answers /healthz and /readyz in the envelope', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ success: true, message: 'OK', data: { status: 'up' } });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().data.status).toBe('ready');
  });

  it('reports not ready (503) when the database is gone, while /healthz still answers', async () => {
    const local = await createTestApp();
    await local.db.close();
    const ready = await local.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('not_ready');
    expect((await local.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await local.app.close();
    await local.testDb.drop().catch(() => {});
  });

  it('echoes a request id header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(200);
  });
});

describe('CSRF and content types', () => {
  it('refuses a cross-site POST (foreign Origin) with 403, before doing anything', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', host: 'localhost:3000' },
      payload: { username: 'mallory', authKey: 'x'.repeat(43), kdf: {} },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_rejected');
  });

  it('refuses a cross-site multipart form post', async () => {
    const alice = await registerUser(t.app);
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/auth/logout-all',
      headers: {
        origin: 'http://evil.example',
        host: 'localhost:3000',
        'content-type': 'multipart/form-data; boundary=x',
      },
      payload: '--x--\r\n',
    });
    expect(res.status).toBe(403);
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
  });

  it('accepts a same-origin POST', async () => {
    const alice = await registerUser(t.app);
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { origin: 'http://localhost:3000', host: 'localhost:3000', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
  });

  it('accepts an origin listed in ALLOWED_ORIGINS', async () => {
    const local = await createTestApp({ env: { ALLOWED_ORIGINS: 'http://localhost:5173' } });
    try {
      const res = await local.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { origin: 'http://localhost:5173', host: 'localhost:3000', 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });

  it.each(['application/x-www-form-urlencoded', 'text/plain'])('answers a %s POST with 415', async (type) => {
    const alice = await registerUser(t.app);
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/auth/logout-all',
      headers: { 'content-type': type },
      payload: 'a=b',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
  });

  it('answers a POST without a content type with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(res.statusCode).toBe(415);
  });

  it('answers malformed JSON with 400 and a too large body with 413', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ success: false, error: { code: 'validation_failed' } });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
  });
});

describe('rate limits', () => {
  it('limits login attempts per client with 429 and Retry-After, then lets them through after the window', async () => {
    const local = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '3' } });
    try {
      const alice = await registerUser(local.app);
      const client = new ApiClient(local.app);
      const attempt = () => client.post('/api/auth/login', { username: alice.username, authKey: 'A'.repeat(43) });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Even the right password is refused while limited...
      const right = await client.post('/api/auth/login', { username: alice.username, authKey: alice.authKey });
      expect(right.status).toBe(429);
      // ...and accepted once the window has passed.
      local.clock.advance(61_000);
      const later = await client.post('/api/auth/login', { username: alice.username, authKey: alice.authKey });
      expect(later.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('limits registrations per client', async () => {
    const local = await createTestApp({ env: { RATE_LIMIT_REGISTER_PER_HOUR: '2' } });
    try {
      await registerUser(local.app);
      await registerUser(local.app);
      await expect(registerUser(local.app)).rejects.toThrow(/429/);
    } finally {
      await local.close();
    }
  });
});

describe('unexpected errors', () => {
  it('answers 500 without internals and logs the stack', async () => {
    const logs: string[] = [];
    const app = await buildApp({
      config: testConfig(),
      db: t.db,
      secret: TEST_SECRET,
      clock: new FakeClock(),
      logger: { level: 'error', stream: { write: (line: string) => logs.push(line) } },
    });
    app.get('/api/boom', async () => {
      throw new Error('secret internal detail at db.query');
    });
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/api/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      success: false,
      message: 'Something went wrong on our side.',
      error: { code: 'internal_error' },
    });
    expect(res.body).not.toContain('secret internal detail');
    expect(logs.join('\n')).toContain('secret internal detail');
    expect(logs.join('\n')).toContain('"stack"');
    await app.close();
  });
});
