import type { PublicUser, SelfUser } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { loginUser, registerUser, type TestUser } from './helpers/client.js';
import { directChat } from './helpers/chat.js';
import { b64, paddedPng, solidPng, tinyWebp } from './helpers/avatar-image.js';

/** Account avatars (issue 13, item 10): public profile pictures, checked by their bytes. */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const setAvatar = (user: TestUser, bytes: Buffer | string) =>
  user.client.put<PublicUser>('/api/users/me/avatar', { image: typeof bytes === 'string' ? bytes : b64(bytes) });
const getAvatar = (user: TestUser, url: string, headers: Record<string, string> = {}) =>
  user.client.request({ method: 'GET', url, headers });
const profile = async (viewer: TestUser, id: string) =>
  (await viewer.client.get<PublicUser>(`/api/users/${id}`)).body.data;

describe('setting, replacing and removing my picture', () => {
  it('serves it as an image with safe headers, a versioned URL, live to my devices and my contacts', async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    await directChat(a, b);
    const aPhone = await t.connect((await loginUser(t.app, a.username, a.password)).cookie);
    const bSocket = await t.connect(b.client.cookie);
    const strangerSocket = await t.connect(stranger.client.cookie);
    expect((await profile(b, a.id)).avatarUrl).toBeNull();

    const png = solidPng(16);
    const res = await setAvatar(a, png);
    expect(res.status).toBe(200);
    const url = res.body.data.avatarUrl!;
    expect(url).toMatch(new RegExp(`^/api/users/${a.id}/avatar\\?v=[A-Za-z0-9_-]+$`));
    expect((await aPhone.next('user_updated')).avatarUrl).toBe(url);
    const seen = await bSocket.next('user_updated');
    expect(seen).toMatchObject({ id: a.id, avatarUrl: url, online: false, lastSeenAt: null });
    expect((await profile(b, a.id)).avatarUrl).toBe(url);
    expect((await a.client.get<{ user: SelfUser }>('/api/auth/me')).body.data.user.avatarUrl).toBe(url);

    const served = await getAvatar(b, url);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'");
    expect(served.headers['content-disposition']).toBe('inline');
    expect(served.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(served.raw.rawPayload.equals(png)).toBe(true);
    // An unversioned or stale URL is revalidated; the ETag answers 304.
    const plain = await getAvatar(b, `/api/users/${a.id}/avatar`);
    expect(plain.headers['cache-control']).toBe('private, no-cache');
    const etag = String(plain.headers.etag);
    expect((await getAvatar(b, `/api/users/${a.id}/avatar`, { 'if-none-match': etag })).status).toBe(304);

    // Replaced: a new version, new bytes, the old ETag no longer matches.
    const webp = tinyWebp();
    const replaced = await setAvatar(a, webp);
    expect(replaced.status).toBe(200);
    const url2 = replaced.body.data.avatarUrl!;
    expect(url2).not.toBe(url);
    expect((await bSocket.next('user_updated')).avatarUrl).toBe(url2);
    const servedWebp = await getAvatar(b, url2);
    expect(servedWebp.headers['content-type']).toBe('image/webp');
    expect(servedWebp.raw.rawPayload.equals(webp)).toBe(true);
    expect((await getAvatar(b, `/api/users/${a.id}/avatar`, { 'if-none-match': etag })).status).toBe(200);
    expect((await getAvatar(b, url)).headers['cache-control']).toBe('private, no-cache');

    // Removed: initials again everywhere, the picture is gone.
    const removed = await a.client.delete<PublicUser>('/api/users/me/avatar');
    expect(removed.status).toBe(200);
    expect(removed.body.data.avatarUrl).toBeNull();
    expect((await bSocket.next('user_updated', (u) => u.avatarUrl === null)).id).toBe(a.id);
    expect((await getAvatar(b, url2)).status).toBe(404);
    expect((await profile(b, a.id)).avatarUrl).toBeNull();
    // Someone who shares no chat heard nothing.
    expect(strangerSocket.all('user_updated')).toEqual([]);
  });

  it('anyone signed in sees it (the rule of GET /api/users/:id); nobody else; unknown users are 404', async () => {
    const [a, stranger] = [await registerUser(t.app), await registerUser(t.app)];
    const url = (await setAvatar(a, solidPng())).body.data.avatarUrl!;
    expect((await getAvatar(stranger, url)).status).toBe(200);
    const anonymous = await t.app.inject({ method: 'GET', url });
    expect(anonymous.statusCode).toBe(401);
    const unknown = await getAvatar(stranger, '/api/users/00000000-0000-4000-8000-000000000000/avatar');
    expect(unknown.status).toBe(404);
    const none = await getAvatar(a, `/api/users/${stranger.id}/avatar`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual(unknown.body);
    expect((await getAvatar(a, '/api/users/not-a-uuid/avatar')).status).toBe(404);
  });

  it('an account deletion removes the picture: 404, and the row is gone', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const url = (await setAvatar(a, solidPng())).body.data.avatarUrl!;
    expect((await a.client.delete('/api/users/me', { authKey: a.authKey })).status).toBe(200);
    expect((await getAvatar(b, url)).status).toBe(404);
    expect((await profile(b, a.id)).avatarUrl).toBeNull();
    const { rows } = await t.db.query('SELECT 1 FROM user_avatars WHERE user_id = $1', [a.id]);
    expect(rows).toEqual([]);
  });
});

describe('lying and bad uploads are refused, nothing stored', () => {
  const png = solidPng();
  const cases: [string, () => Promise<{ status: number; body: unknown }>, number][] = [];
  let a: TestUser;
  beforeAll(async () => {
    a = await registerUser(t.app);
  });
  const refused = (name: string, status: number, send: () => Promise<{ status: number; body: unknown }>) =>
    cases.push([name, send, status]);

  refused('SVG with an image name', 415, () =>
    setAvatar(a, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
  );
  refused('HTML', 415, () => setAvatar(a, Buffer.from('<!doctype html><script>alert(1)</script>')));
  refused('GIF', 415, () => setAvatar(a, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')));
  refused('a truncated PNG', 422, () => setAvatar(a, png.subarray(0, png.length - 20)));
  refused('a PNG with HTML after its end (polyglot)', 422, () =>
    setAvatar(a, Buffer.concat([png, Buffer.from('<html><script>alert(1)</script></html>')])),
  );
  refused('a PNG carrying a script in a chunk (polyglot)', 422, () =>
    setAvatar(
      a,
      Buffer.concat([
        png.subarray(0, 33),
        Buffer.from([0, 0, 0, 8]),
        Buffer.from('tEXt<script>'),
        Buffer.alloc(4),
        png.subarray(33),
      ]),
    ),
  );
  refused('a JPEG start with no end', 422, () => setAvatar(a, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6])));
  refused('a WebP whose RIFF size lies', 422, () => setAvatar(a, Buffer.concat([tinyWebp(), Buffer.from('extra')])));
  refused('over 100 KB', 400, () => setAvatar(a, paddedPng(100 * 1024)));
  refused('just over 100 KB once decoded', 413, () => setAvatar(a, paddedPng(100 * 1024 - png.length - 12 + 1)));
  refused('10 MB', 413, () => setAvatar(a, Buffer.alloc(10 * 1024 * 1024, 1)));
  refused('an empty image', 400, () => setAvatar(a, ''));
  refused('no body', 400, () => a.client.put('/api/users/me/avatar'));
  refused('not base64', 400, () => setAvatar(a, '<svg>'));
  refused('NUL in the field', 400, () => setAvatar(a, 'AAAA\u0000'));
  refused('raw bytes as image/png', 415, () =>
    a.client.request({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: { 'content-type': 'image/png' },
      payload: png,
    }),
  );
  refused('from another site', 403, () =>
    a.client.request({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: JSON.stringify({ image: b64(png) }),
    }),
  );

  it.each(cases.map(([name, send, status]) => ({ name, send, status })))('$name: $status', async ({ send, status }) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect((await profile(a, a.id)).avatarUrl).toBeNull();
    const { rows } = await t.db.query('SELECT 1 FROM user_avatars WHERE user_id = $1', [a.id]);
    expect(rows).toEqual([]);
  });
});
