import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import type { Conversation, KdfDefaults, Message, ScheduledMessage } from '@herald/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createListeningApp, TEST_SECRET, type ListeningTestApp } from './helpers/app.js';
import { ApiClient, registerUser, uniqueName, type Response, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText, sendText } from './helpers/chat.js';
import { newUserKeys, openText, registrationKeys, sealUpload } from './helpers/e2ee.js';
import { multipart, uploadSealed } from './helpers/media.js';
import { inMs, schedule } from './helpers/scheduling.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * Bad input gets a clear 4xx and changes nothing (issue 8, items 3, 4, 5, 12 and 13): NUL and
 * other control characters in every string, integers beyond what the database holds, forged
 * session claims, and the prelogin answer's bytes for known and unknown names.
 */

let t: ListeningTestApp;
const errorLines: string[] = [];

let alice: TestUser, bob: TestUser;
let chat: Conversation, group: Conversation;
let bobsMessage: Message;
let scheduled: ScheduledMessage;
let mediaId: string;
/**
 * Well-formed content sealed by alice for the direct chat with bob: a text, and an image about
 * `mediaId`. Every poisoned request below carries one, so that what it is refused for is the
 * poisoned field, never plaintext content (the server refuses that too: not_encrypted).
 */
let sealed: { text: string; image: string };

beforeAll(async () => {
  t = await createListeningApp({
    deps: {
      // Every error-level line the server logs: a 500 or a crashed handshake shows up here.
      logger: {
        level: 'error',
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            errorLines.push(chunk.toString());
            done();
          },
        }),
      },
    },
  });
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
  chat = await directChat(alice, bob);
  group = await groupChat(alice, 'Hardening', [bob]);
  bobsMessage = await sendText(bob, chat.id, 'hello alice');
  scheduled = await schedule(alice, { conversationId: chat.id, content: 'later', scheduledTime: inMs(t, 3_600_000) });
  const upload = await uploadSealed(alice, 'image');
  mediaId = upload.media.id;
  sealed = {
    text: await sealText(alice, chat.id, 'hello'),
    image: await sealText(alice, chat.id, '', { media: upload.sealed.media }),
  };
});
beforeEach(() => {
  errorLines.splice(0);
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const KEY = 'A'.repeat(43);
const UUID = '00000000-0000-4000-8000-000000000000';
const enc = encodeURIComponent;
/**
 * Real keys for registrations that must be refused for another field (keys are required): the
 * bundle is sealed under a random key, as these accounts are never opened.
 */
const someKeys = () => registrationKeys(newUserKeys(), crypto.getRandomValues(new Uint8Array(32)));

/** Row counts of everything a refused request could have written. */
async function footprint(): Promise<Record<string, number | string>> {
  const tables = [
    'users',
    'sessions',
    'conversations',
    'conversation_members',
    'messages',
    'reactions',
    'blocks',
    'scheduled_messages',
    'media',
  ];
  const counts: Record<string, number | string> = {};
  for (const table of tables) {
    const { rows } = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0]!.n);
  }
  const hidden = await t.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM conversation_members WHERE hidden_at IS NOT NULL OR left_at IS NOT NULL',
  );
  counts.hiddenOrLeft = Number(hidden.rows[0]!.n);
  const profiles = await t.db.query<{ p: string }>(
    "SELECT md5(string_agg(display_name || '|' || time_zone || '|' || token_version, ',' ORDER BY id)) AS p FROM users",
  );
  counts.profiles = profiles.rows[0]!.p;
  return counts;
}

function withPath(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let cursor: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>;
  cursor[keys.at(-1)!] = value;
  return copy;
}

/** One way to send a poisoned value through one field; `status` is what a refusal answers. */
interface FieldCase {
  name: string;
  send: (value: string) => Promise<Response>;
  /** 400 for body and query fields; 404 for ids in the path (a malformed id names nothing). */
  status: 400 | 404 | 415;
}

function bodyCases(
  label: string,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  base: Record<string, unknown>,
  fields: string[],
  client: () => ApiClient,
): FieldCase[] {
  return fields.map((field) => ({
    name: `${label} ${field}`,
    status: 400,
    send: (value) => {
      const payload = JSON.stringify(withPath(base, field, value));
      return client().request({ method, url, headers: { 'content-type': 'application/json' }, payload });
    },
  }));
}

function queryCases(label: string, url: (value: string) => string, client: () => ApiClient): FieldCase {
  return { name: label, status: 400, send: (value) => client().get(url(value)) };
}

function pathCases(label: string, method: string, url: (value: string) => string, body?: unknown): FieldCase {
  return {
    name: label,
    status: 404,
    send: (value) =>
      alice.client.request({
        method: method,
        url: url(enc(value)),
        headers: { 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }),
      }),
  };
}

function multipartCase(label: string, url: string, base: Record<string, string>, field: string): FieldCase {
  return {
    name: `${label} ${field}`,
    status: 400,
    send: (value) => {
      const form = multipart({ ...base, [field]: value });
      return alice.client.request({
        method: 'POST',
        url,
        headers: { 'content-type': form.contentType },
        payload: form.body,
      });
    },
  };
}

function httpCases(): FieldCase[] {
  const anon = () => new ApiClient(t.app);
  const me = () => alice.client;
  const kdf = { algorithm: 'argon2id', salt: 'B'.repeat(22), memoryKiB: 8, iterations: 1, parallelism: 1 };
  const keys = { x25519PublicKey: KEY, ed25519PublicKey: KEY, encryptedPrivateKeys: 'abc' };
  const scheduledBody = {
    receiverId: bob.id,
    conversationId: chat.id,
    content: sealed.text,
    contentType: 'text',
    mediaId,
    replyToId: bobsMessage.id,
    scheduledTime: inMs(t, 3_600_000),
    clientId: 'c1',
  };
  return [
    queryCases('prelogin username', (v) => `/api/auth/prelogin?username=${enc(v)}`, anon),
    ...bodyCases(
      'register',
      'POST',
      '/api/auth/register',
      { username: uniqueName(), displayName: 'Name', authKey: KEY, kdf, timeZone: 'UTC', keys },
      [
        'username',
        'displayName',
        'authKey',
        'timeZone',
        'kdf.algorithm',
        'kdf.salt',
        'keys.x25519PublicKey',
        'keys.ed25519PublicKey',
        'keys.encryptedPrivateKeys',
      ],
      anon,
    ),
    ...bodyCases(
      'login',
      'POST',
      '/api/auth/login',
      { username: alice.username, authKey: KEY },
      ['username', 'authKey'],
      anon,
    ),
    ...bodyCases(
      'change-password',
      'POST',
      '/api/auth/change-password',
      { currentAuthKey: KEY, newAuthKey: KEY, newKdf: kdf, encryptedPrivateKeys: 'abc' },
      ['currentAuthKey', 'newAuthKey', 'newKdf.salt', 'newKdf.algorithm', 'encryptedPrivateKeys'],
      me,
    ),
    ...bodyCases('delete account', 'DELETE', '/api/users/me', { authKey: KEY }, ['authKey'], me),
    queryCases('user search', (v) => `/api/users?search=${enc(v)}`, me),
    queryCases('user search limit', (v) => `/api/users?search=a&limit=${enc(v)}`, me),
    pathCases('user id', 'GET', (v) => `/api/users/${v}`),
    ...bodyCases(
      'profile',
      'PATCH',
      '/api/users/me',
      { displayName: 'N', timeZone: 'UTC' },
      ['displayName', 'timeZone'],
      me,
    ),
    pathCases('block id', 'PUT', (v) => `/api/users/${v}/block`),
    pathCases('unblock id', 'DELETE', (v) => `/api/users/${v}/block`),
    ...bodyCases('direct chat', 'POST', '/api/conversations/direct', { userId: bob.id }, ['userId'], me),
    ...bodyCases(
      'group',
      'POST',
      '/api/conversations/group',
      { title: 'T', memberIds: [bob.id] },
      ['title', 'memberIds.0'],
      me,
    ),
    pathCases('conversation id', 'GET', (v) => `/api/conversations/${v}`),
    ...bodyCases('rename group', 'PATCH', `/api/conversations/${group.id}`, { title: 'T' }, ['title'], me),
    pathCases('patch conversation id', 'PATCH', (v) => `/api/conversations/${v}`, { title: 'x' }),
    pathCases('delete conversation id', 'DELETE', (v) => `/api/conversations/${v}`),
    ...bodyCases(
      'add members',
      'POST',
      `/api/conversations/${group.id}/members`,
      { userIds: [bob.id] },
      ['userIds.0'],
      me,
    ),
    pathCases('remove member id', 'DELETE', (v) => `/api/conversations/${group.id}/members/${v}`),
    pathCases('role member id', 'PATCH', (v) => `/api/conversations/${group.id}/members/${v}`, { role: 'admin' }),
    ...bodyCases('role', 'PATCH', `/api/conversations/${group.id}/members/${bob.id}`, { role: 'admin' }, ['role'], me),
    pathCases('leave id', 'POST', (v) => `/api/conversations/${v}/leave`),
    queryCases('page cursor', (v) => `/api/conversations/${chat.id}/messages?before=${enc(v)}`, me),
    queryCases('page limit', (v) => `/api/conversations/${chat.id}/messages?limit=${enc(v)}`, me),
    pathCases('messages conversation id', 'GET', (v) => `/api/conversations/${v}/messages`),
    ...bodyCases(
      'send',
      'POST',
      `/api/conversations/${chat.id}/messages`,
      { content: sealed.text, clientId: 'k', contentType: 'text', replyToId: bobsMessage.id },
      ['content', 'clientId', 'contentType', 'mediaId', 'replyToId'],
      me,
    ),
    pathCases('read id', 'POST', (v) => `/api/conversations/${v}/read`),
    ...bodyCases(
      'delivered',
      'POST',
      `/api/conversations/${chat.id}/delivered`,
      { messageIds: [bobsMessage.id] },
      ['messageIds.0'],
      me,
    ),
    ...bodyCases('reaction', 'PUT', `/api/messages/${bobsMessage.id}/reaction`, { emoji: '👍' }, ['emoji'], me),
    pathCases('reaction message id', 'PUT', (v) => `/api/messages/${v}/reaction`, { emoji: '👍' }),
    pathCases('unreact message id', 'DELETE', (v) => `/api/messages/${v}/reaction`),
    multipartCase('upload', '/api/media', {}, 'kind'),
    pathCases('media id', 'GET', (v) => `/api/media/${v}`),
    ...bodyCases(
      'schedule',
      'POST',
      '/api/scheduled-messages',
      { ...scheduledBody, senderId: alice.id },
      [
        'senderId',
        'receiverId',
        'conversationId',
        'content',
        'contentType',
        'mediaId',
        'replyToId',
        'scheduledTime',
        'clientId',
      ],
      me,
    ),
    ...[
      'senderId',
      'receiverId',
      'conversationId',
      'content',
      'contentType',
      'replyToId',
      'scheduledTime',
      'clientId',
      'mediaId',
      'isOneTimeMedia',
      'viewLimit',
      'mediaExpiryDuration',
    ].map((field) =>
      multipartCase(
        'schedule (multipart)',
        '/api/scheduled-messages',
        {
          senderId: alice.id,
          receiverId: bob.id,
          conversationId: chat.id,
          content: sealed.text,
          contentType: 'text',
          replyToId: bobsMessage.id,
          scheduledTime: inMs(t, 3_600_000),
          clientId: 'm1',
        },
        field,
      ),
    ),
    queryCases('scheduled list conversationId', (v) => `/api/scheduled-messages?conversationId=${enc(v)}`, me),
    queryCases('scheduled list status', (v) => `/api/scheduled-messages?status=${enc(v)}`, me),
    queryCases('scheduled list includeDismissed', (v) => `/api/scheduled-messages?includeDismissed=${enc(v)}`, me),
    pathCases('scheduled id', 'GET', (v) => `/api/scheduled-messages/${v}`),
    pathCases('edit scheduled id', 'PUT', (v) => `/api/scheduled-messages/${v}`, { content: sealed.text }),
    ...bodyCases(
      'edit scheduled',
      'PUT',
      `/api/scheduled-messages/${scheduled.id}`,
      { content: sealed.text, scheduledTime: inMs(t, 7_200_000), version: 1 },
      ['content', 'scheduledTime'],
      me,
    ),
    pathCases('cancel scheduled id', 'DELETE', (v) => `/api/scheduled-messages/${v}`),
    pathCases('send-now id', 'POST', (v) => `/api/scheduled-messages/${v}/send-now`),
    pathCases('dismiss id', 'POST', (v) => `/api/scheduled-messages/${v}/dismiss`),
  ];
}

/** A socket command with a poisoned field; resolves with the ack. */
interface SocketCase {
  name: string;
  event: 'send_message' | 'mark_read' | 'mark_delivered' | 'typing';
  payload: (value: string) => Record<string, unknown>;
}

function socketCases(): SocketCase[] {
  const send = {
    conversationId: chat.id,
    content: sealed.text,
    clientId: 's1',
    contentType: 'text',
    replyToId: bobsMessage.id,
  };
  return [
    ...['conversationId', 'content', 'clientId', 'contentType', 'mediaId', 'replyToId'].map((field): SocketCase => ({
      name: `send_message ${field}`,
      event: 'send_message',
      payload: (v) => ({ ...send, [field]: v }),
    })),
    { name: 'mark_read conversationId', event: 'mark_read', payload: (v) => ({ conversationId: v }) },
    {
      name: 'mark_delivered conversationId',
      event: 'mark_delivered',
      payload: (v) => ({ conversationId: v, messageIds: [bobsMessage.id] }),
    },
    {
      name: 'mark_delivered messageIds',
      event: 'mark_delivered',
      payload: (v) => ({ conversationId: chat.id, messageIds: [v] }),
    },
    { name: 'typing conversationId', event: 'typing', payload: (v) => ({ conversationId: v, typing: true }) },
  ];
}

function aliceSocket(): Promise<TestSocket> {
  return t.connect(alice.client.cookie);
}

/** Poisoned variants of a field value: NUL alone, NUL inside, and after a valid id. */
const NUL_VALUES = ['\u0000', 'a\u0000b', `${UUID}\u0000`];

describe('NUL in any string (item 3)', () => {
  it('is refused with a 4xx by every field of every HTTP route, and changes nothing', async () => {
    const before = await footprint();
    const failures: string[] = [];
    for (const c of httpCases()) {
      for (const value of NUL_VALUES) {
        const res = await c.send(value);
        const expected = c.status;
        const okStatus = res.status === expected || (expected === 404 && res.status === 400);
        if (!okStatus || res.body?.success !== false) {
          failures.push(`${c.name} ${JSON.stringify(value)}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await footprint()).toEqual(before);
    expect(errorLines).toEqual([]);
  });

  it('is refused with a validation error naming the field by every socket command', async () => {
    const socket = await aliceSocket();
    const before = await footprint();
    const failures: string[] = [];
    for (const c of socketCases()) {
      for (const value of NUL_VALUES) {
        const ack = await socket.emit(c.event, c.payload(value) as never);
        if (ack.ok || ack.error.code !== 'validation_failed') {
          failures.push(`${c.name} ${JSON.stringify(value)}: ${JSON.stringify(ack)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await footprint()).toEqual(before);
    expect(errorLines).toEqual([]);
  });

  it('names the field and says what is wrong in a sentence', async () => {
    const res = await alice.client.post(`/api/conversations/${chat.id}/messages`, { content: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.message).toMatch(/content: must not contain control characters/);
    expect(res.body.error.details).toEqual([{ path: 'content', message: expect.stringMatching(/control characters/) }]);
  });

  it('refuses lone surrogates, which no UTF-8 column keeps', async () => {
    const search = await alice.client.get(`/api/users?search=${enc('a')}%ED%A0%80`);
    expect(search.status).toBeLessThan(500);
    const res = await alice.client.request({
      method: 'POST',
      url: `/api/conversations/${chat.id}/messages`,
      headers: { 'content-type': 'application/json' },
      payload: '{"content":"half \\ud83d a smiley"}',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/valid Unicode/);
  });

  it('still takes multi-line text, tabs, accents and emoji in messages', async () => {
    // The server sees only the envelope now: the text must come out of it unchanged for the reader.
    const message = await sendText(alice, chat.id, 'line one\nline\ttwo\r\nçà 👋🏽 مرحبا');
    expect(await openText(bob, message)).toBe('line one\nline\ttwo\r\nçà 👋🏽 مرحبا');
  });
});

describe('control and format characters in names (item 13)', () => {
  const BAD = [
    '\u202E',
    '\u200B',
    '\u200D',
    '\u2066',
    '\uFEFF',
    '\u00AD',
    '\u0007',
    '\n',
    '\u0085',
    '\u2028',
    '\u2029',
  ];

  it('refuses them in display names (register and profile) and group titles (create and rename)', async () => {
    const failures: string[] = [];
    const params = await new ApiClient(t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
    for (const ch of BAD) {
      const name = `Ali${ch}ce`;
      const attempts: [string, Response][] = [
        [
          'register',
          await new ApiClient(t.app).post('/api/auth/register', {
            username: uniqueName(),
            displayName: name,
            authKey: KEY,
            kdf: { ...params.body.data.kdf, salt: 'C'.repeat(22) },
            keys: someKeys(),
          }),
        ],
        ['profile', await alice.client.patch('/api/users/me', { displayName: name })],
        ['group', await alice.client.post('/api/conversations/group', { title: name, memberIds: [] })],
        ['rename', await alice.client.patch(`/api/conversations/${group.id}`, { title: name })],
      ];
      for (const [where, res] of attempts) {
        if (res.status !== 400 || res.body.error.code !== 'validation_failed' || !/invisible/.test(res.body.message)) {
          failures.push(`${where} U+${ch.codePointAt(0)!.toString(16)}: ${res.status} ${res.body.message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    const me = await alice.client.get<{ user: { displayName: string } }>('/api/auth/me');
    expect(me.body.data.user.displayName).toBe(alice.user.displayName);
  });

  it('refuses them in usernames (register)', async () => {
    const params = await new ApiClient(t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
    for (const ch of ['\u202E', '\u200B']) {
      const res = await new ApiClient(t.app).post('/api/auth/register', {
        username: `ali${ch}ce`,
        authKey: KEY,
        kdf: { ...params.body.data.kdf, salt: 'C'.repeat(22) },
        keys: someKeys(),
      });
      expect(res.status).toBe(400);
    }
  });

  it('keeps names in any script and with emoji', async () => {
    for (const name of ['Zoë Ødegård', 'محمد', '李小龙', 'Ana 🌻']) {
      const res = await alice.client.patch('/api/users/me', { displayName: name });
      expect(res.status).toBe(200);
    }
    const title = await alice.client.patch(`/api/conversations/${group.id}`, { title: 'חברים 🎉' });
    expect(title.status).toBe(200);
  });

  it('keeps emoji sequences with zero-width joiners as reactions, but refuses control characters there', async () => {
    for (const emoji of ['👨‍👩‍👧', '🏳️‍🌈', '👍🏽', '❤️']) {
      const res = await alice.client.put(`/api/messages/${bobsMessage.id}/reaction`, { emoji });
      expect(res.status, emoji).toBe(200);
    }
    for (const emoji of ['\u0007', '👍\u0000', '👍\n']) {
      const res = await alice.client.put(`/api/messages/${bobsMessage.id}/reaction`, { emoji });
      expect(res.status, JSON.stringify(emoji)).toBe(400);
    }
  });
});

describe('integers beyond the database (item 4)', () => {
  it('refuses version 2^31 on an edit with 400, and takes 2^31-1 as a plain mismatch (409)', async () => {
    const over = await alice.client.put(`/api/scheduled-messages/${scheduled.id}`, {
      content: sealed.text,
      version: 2 ** 31,
    });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('validation_failed');
    expect(over.body.message).toMatch(/version: must be at most 2147483647/);
    const max = await alice.client.put(`/api/scheduled-messages/${scheduled.id}`, {
      content: sealed.text,
      version: 2 ** 31 - 1,
    });
    expect(max.status).toBe(409);
    for (const version of [1.5, -1, 0, 2 ** 53, '1']) {
      const res = await alice.client.put(`/api/scheduled-messages/${scheduled.id}`, { content: sealed.text, version });
      expect(res.status, String(version)).toBe(400);
    }
  });

  it('refuses out-of-range integers in every other field, body, query, form and socket', async () => {
    const big = 2 ** 31;
    const failures: string[] = [];
    const check = (name: string, res: Response) => {
      if (res.status !== 400) failures.push(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    check('page limit', await alice.client.get(`/api/conversations/${chat.id}/messages?limit=${big}`));
    check('page limit hex', await alice.client.get(`/api/conversations/${chat.id}/messages?limit=0x10`));
    check('search limit', await alice.client.get(`/api/users?search=a&limit=${big}`));
    check('page cursor', await alice.client.get(`/api/conversations/${chat.id}/messages?before=${'9'.repeat(30)}`));
    for (const field of ['viewLimit', 'mediaExpiryDuration']) {
      check(
        `send ${field}`,
        await alice.client.post(`/api/conversations/${chat.id}/messages`, {
          content: sealed.image,
          mediaId,
          isOneTimeMedia: true,
          [field]: big,
        }),
      );
      check(
        `schedule ${field}`,
        await alice.client.post('/api/scheduled-messages', {
          conversationId: chat.id,
          content: sealed.image,
          mediaId,
          isOneTimeMedia: true,
          scheduledTime: inMs(t, 3_600_000),
          [field]: big,
        }),
      );
      const form = multipart({
        conversationId: chat.id,
        content: sealed.image,
        mediaId,
        scheduledTime: inMs(t, 3_600_000),
        isOneTimeMedia: 'true',
        [field]: '99999999999999999999',
      });
      check(
        `schedule form ${field}`,
        await alice.client.request({
          method: 'POST',
          url: '/api/scheduled-messages',
          headers: { 'content-type': form.contentType },
          payload: form.body,
        }),
      );
    }
    check(
      'schedule time',
      await alice.client.post('/api/scheduled-messages', {
        conversationId: chat.id,
        content: sealed.text,
        scheduledTime: 1e300,
      }),
    );
    const params = await new ApiClient(t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
    check(
      'kdf memory',
      await new ApiClient(t.app).post('/api/auth/register', {
        username: uniqueName(),
        authKey: KEY,
        kdf: { ...params.body.data.kdf, salt: 'C'.repeat(22), memoryKiB: big },
        keys: someKeys(),
      }),
    );
    expect(failures).toEqual([]);
    const socket = await aliceSocket();
    const ack = await socket.emit('send_message', {
      conversationId: chat.id,
      content: sealed.image,
      mediaId,
      isOneTimeMedia: true,
      viewLimit: big,
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(errorLines).toEqual([]);
  });
});

describe('session tokens with malformed claims (item 5)', () => {
  async function forge(claims: Record<string, unknown>, subject?: unknown): Promise<string> {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const jwt = new SignJWT({ ...claims, sub: subject } as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600);
    return `herald_session=${await jwt.sign(new TextEncoder().encode(TEST_SECRET))}`;
  }

  const FORGED: [string, Record<string, unknown>, unknown][] = [
    ['sub not a uuid', { sid: UUID, ver: 0 }, 'not-a-uuid'],
    ['sid not a uuid', { sid: 'not-a-uuid', ver: 0 }, UUID],
    ['sid with NUL', { sid: `${UUID}\u0000`, ver: 0 }, UUID],
    ['ver 2^31', { sid: UUID, ver: 2 ** 31 }, UUID],
    ['ver 1.5', { sid: UUID, ver: 1.5 }, UUID],
    ['ver negative', { sid: UUID, ver: -1 }, UUID],
    ['ver a string', { sid: UUID, ver: '0' }, UUID],
    ['sub a number', { sid: UUID, ver: 0 }, 5],
  ];

  it('answers 401 over HTTP, on every API route, without a server error', async () => {
    for (const [name, claims, sub] of FORGED) {
      const cookie = await forge(claims, sub);
      const me = await new ApiClient(t.app, cookie).get('/api/auth/me');
      expect(me.status, name).toBe(401);
      expect(me.body.error.code, name).toBe('unauthenticated');
      const logout = await new ApiClient(t.app, cookie).post('/api/auth/logout');
      expect(logout.status, name).toBe(200);
    }
    expect(errorLines).toEqual([]);
  });

  it('refuses the socket handshake as unauthenticated, without a server error', async () => {
    for (const [name, claims, sub] of FORGED) {
      const cookie = await forge(claims, sub);
      await expect(t.connect(cookie), name).rejects.toThrow(/unauthenticated/);
    }
    expect(errorLines).toEqual([]);
  });

  it('still accepts a well-formed token for a live session', async () => {
    const me = await alice.client.get('/api/auth/me');
    expect(me.status).toBe(200);
  });
});

describe('prelogin answers known and unknown names alike (item 12)', () => {
  it('gives byte-identical shapes (key order included) for a known and an unknown name', async () => {
    const known = await t.app.inject({ method: 'GET', url: `/api/auth/prelogin?username=${alice.username}` });
    const unknown = await t.app.inject({ method: 'GET', url: `/api/auth/prelogin?username=${uniqueName('ghost')}` });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const shape = (body: string) => body.replace(/"salt":"[A-Za-z0-9_-]*"/, '"salt":"~"');
    expect(shape(known.body)).toBe(shape(unknown.body));
    expect(known.body.length).toBe(unknown.body.length);
    expect(Object.keys(JSON.parse(known.body).data.kdf)).toEqual(Object.keys(JSON.parse(unknown.body).data.kdf));
    // The same headers too, apart from the ones that vary per request anyway.
    const headerNames = (h: Record<string, unknown>) =>
      Object.keys(h).filter((k) => k !== 'date' && k !== 'x-request-id');
    expect(headerNames(known.headers)).toEqual(headerNames(unknown.headers));
  });

  it('refuses to register a salt the unknown-name answer could not imitate', async () => {
    const params = await new ApiClient(t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
    const res = await new ApiClient(t.app).post('/api/auth/register', {
      username: uniqueName(),
      authKey: KEY,
      kdf: { ...params.body.data.kdf, salt: 'D'.repeat(43) },
      keys: someKeys(),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/salt/);
  });
});

describe('other malformed input found along the way', () => {
  it('answers a malformed or truncated multipart form with 400, keeping nothing', async () => {
    const before = await footprint();
    // A sealed file (as uploads must be), its form cut before the closing boundary.
    const truncated = Buffer.concat([
      Buffer.from(
        '--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nimage\r\n' +
          '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\nContent-Type: application/octet-stream\r\n\r\n',
      ),
      (await sealUpload()).ciphertext,
      Buffer.from('\r\n'),
    ]);
    for (const url of ['/api/media', '/api/scheduled-messages']) {
      for (const [type, payload] of [
        ['multipart/form-data', 'garbage'],
        ['multipart/form-data; boundary=x', truncated],
      ] as const) {
        const res = await alice.client.request({ method: 'POST', url, headers: { 'content-type': type }, payload });
        expect(res.status, `${url} ${type}`).toBe(400);
        expect(res.body.message).toMatch(/multipart form is malformed or incomplete/);
      }
    }
    expect(await footprint()).toEqual(before);
    expect(errorLines).toEqual([]);
  });

  it('stores a session without the control characters of a User-Agent header', async () => {
    const res = await new ApiClient(t.app).request({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'user-agent': 'Agent\u0000/1\u0007.0' },
      payload: JSON.stringify({ username: alice.username, authKey: alice.authKey }),
    });
    expect(res.status).toBe(200);
    const { rows } = await t.db.query<{ ua: string }>(
      'SELECT user_agent AS ua FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [alice.id],
    );
    expect(rows[0]!.ua).toBe('Agent/1.0');
    expect(errorLines).toEqual([]);
  });
});
