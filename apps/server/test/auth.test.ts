import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, newKdfParams, openKeyBundle, publicKeysOf, sealKeyBundle } from '@herald/crypto';
import { createTestApp, TEST_SECRET, type TestApp } from './helpers/app.js';
import { ApiClient, loginUser, registerUser, uniqueName } from './helpers/client.js';
import { newUserKeys, registrationKeys } from './helpers/e2ee.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('registration', () => {
  it('creates the account, signs in with an HttpOnly SameSite=Lax cookie, and returns the self view', async () => {
    const client = new ApiClient(t.app);
    const kdf = newKdfParams((await client.get<{ kdf: never }>('/api/auth/kdf-params')).body.data.kdf);
    const { authKey, encryptionKey } = await deriveKeys('a long passphrase', kdf);
    const username = uniqueName('Alice');
    const keys = registrationKeys(newUserKeys(), encryptionKey);
    const res = await client.post<{ user: Record<string, unknown> }>('/api/auth/register', {
      username,
      displayName: 'Alice A.',
      authKey,
      kdf,
      timeZone: 'Europe/Paris',
      keys,
    });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    // The self view carries the keys as registered (the bundle only the password opens).
    expect(res.body.data.user).toMatchObject({
      username,
      displayName: 'Alice A.',
      timeZone: 'Europe/Paris',
      ...keys,
    });
    expect(res.body.data.user).not.toHaveProperty('authHash');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/herald_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const me = await client.get<{ user: { username: string } }>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.data.user.username).toBe(username);
  });

  it('refuses a taken username, whatever its case', async () => {
    const alice = await registerUser(t.app);
    const res = await new ApiClient(t.app).post('/api/auth/register', {
      username: alice.username.toUpperCase(),
      authKey: alice.authKey,
      kdf: alice.kdf,
      keys: registrationKeys(newUserKeys(), alice.encryptionKey),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('username_taken');
  });

  it.each([
    ['ab', 'at least 3'],
    ['a'.repeat(33), 'at most 32'],
    ['bad name', 'letters, digits'],
    ['-dash', 'letters, digits'],
    ['emoji😀', 'letters, digits'],
  ])('refuses the username %j with a clear message', async (username, hint) => {
    const alice = await registerUser(t.app);
    const res = await new ApiClient(t.app).post('/api/auth/register', {
      username,
      authKey: alice.authKey,
      kdf: alice.kdf,
      keys: registrationKeys(newUserKeys(), alice.encryptionKey),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.message).toContain(hint);
  });

  it('refuses key-derivation parameters other than the server current ones', async () => {
    const alice = await registerUser(t.app);
    const res = await new ApiClient(t.app).post('/api/auth/register', {
      username: uniqueName(),
      authKey: alice.authKey,
      kdf: { ...alice.kdf, iterations: 2 },
      keys: registrationKeys(newUserKeys(), alice.encryptionKey),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/key-derivation parameters/);
  });

  it('refuses a malformed auth key and an unknown time zone', async () => {
    const alice = await registerUser(t.app);
    const res = await new ApiClient(t.app).post('/api/auth/register', {
      username: uniqueName(),
      authKey: 'short',
      kdf: alice.kdf,
      timeZone: 'Mars/Olympus',
      keys: registrationKeys(newUserKeys(), alice.encryptionKey),
    });
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['authKey', 'timeZone']));
  });
});

describe('login and prelogin', () => {
  it('logs in with the password on a new device', async () => {
    const alice = await registerUser(t.app);
    const device = await loginUser(t.app, alice.username, alice.password);
    const me = await device.get<{ user: { id: string } }>('/api/auth/me');
    expect(me.body.data.user.id).toBe(alice.id);
  });

  it('answers a wrong password and an unknown user with the same error', async () => {
    const alice = await registerUser(t.app);
    const { authKey: wrong } = await deriveKeys('wrong password', alice.kdf);
    const a = await new ApiClient(t.app).post('/api/auth/login', { username: alice.username, authKey: wrong });
    const b = await new ApiClient(t.app).post('/api/auth/login', { username: uniqueName('ghost'), authKey: wrong });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
    expect(a.body.error.code).toBe('invalid_credentials');
  });

  it('gives unknown usernames a stable, plausible salt indistinguishable from a real one', async () => {
    const alice = await registerUser(t.app);
    const client = new ApiClient(t.app);
    const known = await client.get<{ kdf: Record<string, unknown> }>(`/api/auth/prelogin?username=${alice.username}`);
    const ghost = uniqueName('ghost');
    const unknown1 = await client.get<{ kdf: Record<string, unknown> }>(`/api/auth/prelogin?username=${ghost}`);
    const unknown2 = await client.get<{ kdf: Record<string, unknown> }>(`/api/auth/prelogin?username=${ghost}`);
    const other = await client.get<{ kdf: Record<string, unknown> }>(`/api/auth/prelogin?username=${ghost}x`);
    expect(known.status).toBe(200);
    expect(unknown1.status).toBe(200);
    expect(known.body.data.kdf).toEqual(alice.kdf);
    // Same shape and cost parameters, a salt of the same length.
    expect(Object.keys(unknown1.body.data.kdf).sort()).toEqual(Object.keys(known.body.data.kdf).sort());
    const { salt: s1, ...cost1 } = unknown1.body.data.kdf;
    const { salt: s0, ...cost0 } = known.body.data.kdf;
    expect(cost1).toEqual(cost0);
    expect(String(s1).length).toBe(String(s0).length);
    // Stable for the same name (a second look cannot tell), different across names.
    expect(unknown2.body.data.kdf).toEqual(unknown1.body.data.kdf);
    expect(other.body.data.kdf.salt).not.toEqual(s1);
    expect(known.headers['content-length']).toBe(unknown1.headers['content-length']);
  });
});

describe('sessions', () => {
  it('requires a session for /me', async () => {
    const res = await new ApiClient(t.app).get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: { code: 'unauthenticated' } });
  });

  it('logout makes the old cookie fail when replayed', async () => {
    const alice = await registerUser(t.app);
    const cookie = alice.client.cookie!;
    const other = await loginUser(t.app, alice.username, alice.password);
    const out = await alice.client.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/herald_session=;/);
    const replay = await new ApiClient(t.app, cookie).get('/api/auth/me');
    expect(replay.status).toBe(401);
    // Only that device: the other one stays signed in.
    expect((await other.get('/api/auth/me')).status).toBe(200);
  });

  it('logout everywhere ends every session of the user', async () => {
    const alice = await registerUser(t.app);
    const phone = await loginUser(t.app, alice.username, alice.password);
    const bob = await registerUser(t.app);
    const res = await alice.client.post('/api/auth/logout-all');
    expect(res.status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await new ApiClient(t.app, alice.client.cookie).get('/api/auth/me')).status).toBe(401);
    expect((await bob.client.get('/api/auth/me')).status).toBe(200);
    // A fresh login works again.
    const again = await loginUser(t.app, alice.username, alice.password);
    expect((await again.get('/api/auth/me')).status).toBe(200);
  });

  it('refuses a tampered token', async () => {
    const alice = await registerUser(t.app);
    const token = alice.client.cookie!.split('=')[1]!;
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })).toString(
      'base64url',
    );
    const res = await new ApiClient(t.app, `herald_session=${h}.${forged}.${s}`).get('/api/auth/me');
    expect(res.status).toBe(401);
    const badSig = await new ApiClient(t.app, `herald_session=${h}.${p}.${s!.slice(0, -4)}AAAA`).get('/api/auth/me');
    expect(badSig.status).toBe(401);
  });

  it('refuses alg none and any algorithm other than HS256, even with a valid payload', async () => {
    const alice = await registerUser(t.app);
    const token = alice.client.cookie!.split('=')[1]!;
    const payload = token.split('.')[1]!;
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await new ApiClient(t.app, `herald_session=${none}.${payload}.`).get('/api/auth/me')).status).toBe(401);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await new ApiClient(t.app, `herald_session=${hs512}`).get('/api/auth/me')).status).toBe(401);
    // The same claims correctly signed with HS256 do work: the refusals above are about the algorithm.
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await new ApiClient(t.app, `herald_session=${hs256}`).get('/api/auth/me')).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const local = await createTestApp({ env: { SESSION_TTL_HOURS: '1' } });
    try {
      const alice = await registerUser(local.app);
      expect((await alice.client.get('/api/auth/me')).status).toBe(200);
      local.clock.advance(61 * 60 * 1000);
      expect((await alice.client.get('/api/auth/me')).status).toBe(401);
    } finally {
      await local.close();
    }
  });

  it('sets Secure on the cookie when COOKIE_SECURE is on', async () => {
    const local = await createTestApp({ env: { COOKIE_SECURE: 'true' } });
    try {
      const alice = await registerUser(local.app);
      expect(alice.client.cookie).toBeDefined();
      const res = await loginUser(local.app, alice.username, alice.password);
      expect(res.cookie).toBeDefined();
      const raw = await local.app.inject({ method: 'GET', url: `/api/auth/prelogin?username=${alice.username}` });
      expect(raw.statusCode).toBe(200);
      const login = await local.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: { username: alice.username, authKey: alice.authKey },
      });
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await local.close();
    }
  });
});

describe('password change', () => {
  it('re-keys the account: old password fails, new works, other devices are signed out', async () => {
    const alice = await registerUser(t.app);
    const phone = await loginUser(t.app, alice.username, alice.password);
    const newKdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    const { authKey: newAuthKey, encryptionKey: newEncryptionKey } = await deriveKeys('a brand new passphrase', newKdf);
    const res = await alice.client.post('/api/auth/change-password', {
      currentAuthKey: alice.authKey,
      newAuthKey,
      newKdf,
      // The same private keys, re-sealed under the new password's key (the account has keys).
      encryptedPrivateKeys: sealKeyBundle(alice.keys, newEncryptionKey),
    });
    expect(res.status).toBe(200);
    // This device keeps working with its fresh cookie; the phone is out.
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    await expect(loginUser(t.app, alice.username, alice.password)).rejects.toThrow(/401/);
    const again = await loginUser(t.app, alice.username, 'a brand new passphrase');
    const me = await again.get<{ user: { encryptedPrivateKeys: string } }>('/api/auth/me');
    expect(me.status).toBe(200);
    // The new password opens the same keys.
    expect(publicKeysOf(openKeyBundle(me.body.data.user.encryptedPrivateKeys, newEncryptionKey))).toEqual(
      publicKeysOf(alice.keys),
    );
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const alice = await registerUser(t.app);
    const newKdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    const { authKey: wrong } = await deriveKeys('not it', alice.kdf);
    const res = await alice.client.post('/api/auth/change-password', {
      currentAuthKey: wrong,
      newAuthKey: wrong,
      newKdf,
      encryptedPrivateKeys: sealKeyBundle(alice.keys, alice.encryptionKey),
    });
    expect(res.status).toBe(401);
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
    await loginUser(t.app, alice.username, alice.password);
  });
});

describe('account deletion', () => {
  it('needs the password, then ends sessions, refuses login and frees the username', async () => {
    const alice = await registerUser(t.app);
    const cookie = alice.client.cookie;
    const { authKey: wrong } = await deriveKeys('nope', alice.kdf);
    expect((await alice.client.delete('/api/users/me', { authKey: wrong })).status).toBe(401);
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);

    const res = await alice.client.delete('/api/users/me', { authKey: alice.authKey });
    expect(res.status).toBe(200);
    expect((await new ApiClient(t.app, cookie).get('/api/auth/me')).status).toBe(401);
    await expect(loginUser(t.app, alice.username, alice.password)).rejects.toThrow(/401/);
    // Others see a deleted account, with nothing identifying left.
    const bob = await registerUser(t.app);
    const seen = await bob.client.get<Record<string, unknown>>(`/api/users/${alice.id}`);
    expect(seen.body.data).toMatchObject({ deleted: true, displayName: 'Deleted account', online: false });
    expect(seen.body.data.username).not.toBe(alice.username);
    // The name is free again.
    const newcomer = await registerUser(t.app, alice.username);
    expect(newcomer.id).not.toBe(alice.id);
  });
});

describe('users', () => {
  it('searches by username prefix and returns public fields only', async () => {
    const stem = uniqueName('zed');
    const z1 = await registerUser(t.app, `${stem}a`);
    await registerUser(t.app, `${stem}b`);
    const res = await z1.client.get<Record<string, unknown>[]>(`/api/users?search=${stem}`);
    expect(res.status).toBe(200);
    // The caller is not in their own results.
    expect(res.body.data.map((u) => u.username)).toEqual([`${stem}b`]);
    expect(Object.keys(res.body.data[0]!).sort()).toEqual(
      [
        'avatarUrl',
        'deleted',
        'displayName',
        'ed25519PublicKey',
        'id',
        'lastSeenAt',
        'online',
        'timeZone',
        'username',
        'x25519PublicKey',
      ].sort(),
    );
  });

  it('escapes LIKE wildcards in the search term', async () => {
    const alice = await registerUser(t.app);
    const res = await alice.client.get<unknown[]>('/api/users?search=%25');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('answers 404 for unknown and malformed ids, 401 without a session, 400 without a term', async () => {
    const alice = await registerUser(t.app);
    expect((await alice.client.get('/api/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await alice.client.get('/api/users/not-a-uuid')).status).toBe(404);
    expect((await new ApiClient(t.app).get(`/api/users/${alice.id}`)).status).toBe(401);
    expect((await new ApiClient(t.app).get('/api/users?search=a')).status).toBe(401);
    expect((await alice.client.get('/api/users')).status).toBe(400);
  });

  it('updates the display name and time zone of the signed-in user only', async () => {
    const alice = await registerUser(t.app);
    const res = await alice.client.patch('/api/users/me', { displayName: 'Ally', timeZone: 'Asia/Tokyo' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ displayName: 'Ally', timeZone: 'Asia/Tokyo' });
    expect((await alice.client.patch('/api/users/me', { timeZone: 'Nowhere/Land' })).status).toBe(400);
    expect((await alice.client.patch('/api/users/me', {})).status).toBe(400);
  });
});
