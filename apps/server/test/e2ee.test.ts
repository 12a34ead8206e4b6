import { randomUUID } from 'node:crypto';
import { deriveKeys, generateUserKeys, newKdfParams, publicKeysOf, sealKeyBundle, sealMessage } from '@herald/crypto';
import {
  MAX_CONTENT_LENGTH,
  parseMessageEnvelope,
  type ConversationKeys,
  type MediaInfo,
  type Message,
  type PublicKeysView,
  type RecipientsMismatchDetails,
  type ScheduledMessage,
  type SelfUser,
} from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText } from './helpers/chat.js';
import { keyRingOf, openContent, openText, recipientsOf, sealContent, sealUpload } from './helpers/e2ee.js';
import { multipart, uploadSealed } from './helpers/media.js';
import { getScheduled, inMs, schedule } from './helpers/scheduling.js';

/**
 * End-to-end encryption, the server's side (DESIGN section 7, docs/api.md): new content must be a
 * sealed envelope for this conversation, this sender and this kind, addressed to exactly the
 * current members; delivery of a scheduled message follows membership at the due time; the key
 * directory; encrypted uploads. Real HTTP and sockets, real envelopes from @herald/crypto.
 */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const connect = (user: TestUser) => t.connect(user.client.cookie);
const deliverDue = () => t.app.herald.dispatcher.runOnce();
type Users<N extends number, T extends TestUser[] = []> = T['length'] extends N ? T : Users<N, [...T, TestUser]>;
/** `n` fresh users with keys, as a tuple (destructure them by name). */
const users = async <N extends number>(n: N) =>
  (await Promise.all(Array.from({ length: n }, () => registerUser(t.app)))) as Users<N>;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]!.n;
}
// People's messages (timeline events, written by the server with each group change, left out).
const messagesIn = (conversationId: string) =>
  count("messages WHERE conversation_id = $1 AND content_type <> 'event'", [conversationId]);
const scheduledBy = (user: TestUser) => count('scheduled_messages WHERE sender_id = $1', [user.id]);

const post = <T>(user: TestUser, conversationId: string, body: object) =>
  user.client.post<T>(`/api/conversations/${conversationId}/messages`, body);
// Shown as scheduled: these tests find the recipient's copy by its scheduledMessageId.
const postScheduled = (user: TestUser, body: object) =>
  user.client.post<ScheduledMessage>('/api/scheduled-messages', { showAsScheduled: true, ...body });
const keyHolders = (content: string) => Object.keys(parseMessageEnvelope(content)!.keys).sort(byId);
const ids = (...members: TestUser[]) => members.map((m) => m.id).sort(byId);

describe('plaintext is refused and nothing is written', () => {
  it('live over HTTP', async () => {
    const [alice, bob] = await users(2);
    const chat = await directChat(alice, bob);
    for (const content of ['hello', '{"header":{},"body":"x"}', JSON.stringify({ text: 'hello' })]) {
      const res = await post(alice, chat.id, { content });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('not_encrypted');
    }
    expect(await messagesIn(chat.id)).toBe(0);
  });

  it('live over the socket', async () => {
    const [alice, bob] = await users(2);
    const chat = await directChat(alice, bob);
    const socket = await connect(alice);
    const ack = await socket.emit('send_message', { conversationId: chat.id, content: 'hello' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_encrypted' } });
    expect(await messagesIn(chat.id)).toBe(0);
  });

  it('scheduled, at creation and at a content edit', async () => {
    const [alice, bob] = await users(2);
    const chat = await directChat(alice, bob);
    const refused = await postScheduled(alice, {
      conversationId: chat.id,
      content: 'hello',
      scheduledTime: inMs(t, 60_000),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('not_encrypted');
    expect(await scheduledBy(alice)).toBe(0);

    const s = await schedule(alice, { conversationId: chat.id, content: 'sealed', scheduledTime: inMs(t, 60_000) });
    const edit = await alice.client.put(`/api/scheduled-messages/${s.id}`, {
      content: 'in the clear',
      version: s.version,
    });
    expect(edit.status).toBe(400);
    expect(edit.body.error.code).toBe('not_encrypted');
    const after = await getScheduled(alice, s.id);
    expect(after).toMatchObject({ content: s.content, version: s.version });
    expect(await openText(bob, after)).toBe('sealed');
  });
});

describe('the header names this conversation, this sender and this kind', () => {
  it('refuses an envelope sealed for another conversation, by someone else, or of another kind (400)', async () => {
    const [alice, bob, carol] = await users(3);
    const withBob = await directChat(alice, bob);
    const withCarol = await directChat(alice, carol);
    const cases: [object, string][] = [
      [{ content: await sealText(alice, withCarol.id, 'wrong chat') }, 'content.header.conversationId'],
      [{ content: await sealText(bob, withBob.id, 'not mine') }, 'content.header.senderId'],
      [
        {
          content: await sealText(alice, withBob.id, 'an image?', { kind: 'image', media: (await sealUpload()).media }),
        },
        'content.header.kind',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await post(alice, withBob.id, body);
      expect(res.status, path).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path }] });
    }
    const scheduled = await postScheduled(alice, {
      conversationId: withBob.id,
      content: await sealText(alice, withCarol.id, 'wrong chat'),
      scheduledTime: inMs(t, 60_000),
    });
    expect(scheduled.status).toBe(400);
    expect(scheduled.body.error).toMatchObject({ details: [{ path: 'content.header.conversationId' }] });
    expect(await messagesIn(withBob.id)).toBe(0);
    expect(await scheduledBy(alice)).toBe(0);
  });

  it('accepts an image whose header kind is the contentType, with its sealed upload', async () => {
    const [alice, bob] = await users(2);
    const chat = await directChat(alice, bob);
    const { media, sealed } = await uploadSealed(alice, 'image');
    const content = await sealText(alice, chat.id, 'a photo', { kind: 'image', media: sealed.media });
    const res = await post<Message>(alice, chat.id, { content, contentType: 'image', mediaId: media.id });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ contentType: 'image', media: { id: media.id } });
    expect((await openContent(bob, res.body.data)).media).toEqual(sealed.media);
  });
});

describe('recipients are exactly the current members (409 recipients_mismatch)', () => {
  it('live: missing, extra and stale, over HTTP and the socket', async () => {
    const [alice, bob, carol, dave] = await users(4);
    const group = await groupChat(alice, 'four', [bob, carol]);
    const mismatch = async (content: string) => {
      const res = await post(alice, group.id, { content });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('recipients_mismatch');
      return res.body.error.details as RecipientsMismatchDetails;
    };
    // Missing: carol left out. Extra: dave, who is not a member.
    const missing = await sealContent(alice, group.id, 'x', { recipients: recipientsOf([alice, bob]) });
    expect(await mismatch(missing)).toEqual({ missing: [carol.id], extra: [] });
    const extra = await sealContent(alice, group.id, 'x', { recipients: recipientsOf([alice, bob, carol, dave]) });
    expect(await mismatch(extra)).toEqual({ missing: [], extra: [dave.id] });

    // Stale: sealed for the members of a moment ago; carol leaves and dave joins before the send.
    const stale = await sealText(alice, group.id, 'stale');
    expect((await carol.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    expect((await alice.client.post(`/api/conversations/${group.id}/members`, { userIds: [dave.id] })).status).toBe(
      200,
    );
    expect(await mismatch(stale)).toEqual({ missing: [dave.id], extra: [carol.id] });
    const socket = await connect(alice);
    expect(await socket.emit('send_message', { conversationId: group.id, content: stale })).toMatchObject({
      ok: false,
      error: { code: 'recipients_mismatch', details: { missing: [dave.id], extra: [carol.id] } },
    });
    expect(await messagesIn(group.id)).toBe(0);

    // Sealed again for the members as they are now: accepted, over both.
    const fresh = await sealText(alice, group.id, 'fresh');
    expect(keyHolders(fresh)).toEqual(ids(alice, bob, dave));
    expect((await post(alice, group.id, { content: fresh })).status).toBe(201);
    const ack = await socket.emit('send_message', {
      conversationId: group.id,
      content: await sealText(alice, group.id, 'again'),
    });
    expect(ack.ok).toBe(true);
    expect(await messagesIn(group.id)).toBe(2);
  });

  it('scheduled: create and edit refuse a stale recipient list and write nothing', async () => {
    const [alice, bob, carol, dave] = await users(4);
    const group = await groupChat(alice, 'planners', [bob, carol]);
    const stale = await sealText(alice, group.id, 'for three');
    await carol.client.post(`/api/conversations/${group.id}/leave`);
    const refused = await postScheduled(alice, {
      conversationId: group.id,
      content: stale,
      scheduledTime: inMs(t, 60_000),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'recipients_mismatch',
      details: { missing: [], extra: [carol.id] },
    });
    expect(await scheduledBy(alice)).toBe(0);

    const s = await schedule(alice, { conversationId: group.id, content: 'for two', scheduledTime: inMs(t, 60_000) });
    const sealedForTwo = await sealText(alice, group.id, 'edited for two');
    await alice.client.post(`/api/conversations/${group.id}/members`, { userIds: [dave.id] });
    const edit = await alice.client.put(`/api/scheduled-messages/${s.id}`, {
      content: sealedForTwo,
      version: s.version,
    });
    expect(edit.status).toBe(409);
    expect(edit.body.error).toMatchObject({ code: 'recipients_mismatch', details: { missing: [dave.id], extra: [] } });
    expect(await getScheduled(alice, s.id)).toMatchObject({ content: s.content, version: s.version });
  });

  it('a scheduled message into a direct chat that does not exist yet is refused (400), and opens nothing', async () => {
    const [alice, bob] = await users(2);
    const content = await sealContent(alice, randomUUID(), 'hi', { recipients: recipientsOf([alice, bob]) });
    const res = await postScheduled(alice, { receiverId: bob.id, content, scheduledTime: inMs(t, 60_000) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.message).toMatch(/Open the chat with this person first/);
    expect(await count('conversation_members WHERE user_id = $1', [alice.id])).toBe(0);
    expect(await scheduledBy(alice)).toBe(0);
  });
});

describe('delivery: membership at the due time decides', () => {
  it('a member who left gets nothing, and their wrapped key is stripped from the message and the row', async () => {
    const [alice, bob, carol] = await users(3);
    const group = await groupChat(alice, 'trio', [bob, carol]);
    const s = await schedule(alice, { conversationId: group.id, content: 'see you', scheduledTime: inMs(t, 60_000) });
    expect(keyHolders(s.content)).toEqual(ids(alice, bob, carol));
    const [bobSocket, carolSocket] = [await connect(bob), await connect(carol)];
    await carol.client.post(`/api/conversations/${group.id}/leave`);

    t.clock.advance(60_000);
    await deliverDue();
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(keyHolders(received.content)).toEqual(ids(alice, bob));
    // The header (and the signature over it) stays as sealed: the readers left still open it.
    expect(parseMessageEnvelope(received.content)!.header.recipients).toEqual(ids(alice, bob, carol));
    expect(await openText(bob, received)).toBe('see you');
    expect(await openText(alice, received)).toBe('see you');
    await expect(openText(carol, received)).rejects.toMatchObject({ code: 'not_a_recipient' });

    const row = await getScheduled(alice, s.id);
    expect(row.status).toBe('sent');
    expect(keyHolders(row.content)).toEqual(ids(alice, bob));
    const { rows } = await t.db.query<{ content: string }>(
      "SELECT content FROM messages WHERE conversation_id = $1 AND content_type <> 'event'",
      [group.id],
    );
    expect(rows.map((r) => keyHolders(r.content))).toEqual([ids(alice, bob)]);
    expect(carolSocket.all('receive_message')).toEqual([]);
  });

  it('a member who joined receives it without a key, and can read it once the sender seals it again', async () => {
    const [alice, bob, dave, erin] = await users(4);
    const group = await groupChat(alice, 'growing', [bob]);
    const unread = await schedule(alice, {
      conversationId: group.id,
      content: 'before you',
      scheduledTime: inMs(t, 60_000),
    });
    const resealed = await schedule(alice, {
      conversationId: group.id,
      content: 'old words',
      scheduledTime: inMs(t, 60_000),
    });
    const daveSocket = await connect(dave);
    await alice.client.post(`/api/conversations/${group.id}/members`, { userIds: [dave.id] });

    // The sender's device seals the second one again for the new member list (PATCH, with version).
    const edit = await alice.client.patch<ScheduledMessage>(`/api/scheduled-messages/${resealed.id}`, {
      content: await sealText(alice, group.id, 'new words'),
      version: resealed.version,
    });
    expect(edit.status).toBe(200);
    // A re-seal against a version that moved on is a conflict, not a silent overwrite.
    const late = await alice.client.patch(`/api/scheduled-messages/${resealed.id}`, {
      content: await sealText(alice, group.id, 'newer words'),
      version: resealed.version,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('version_conflict');

    t.clock.advance(60_000);
    await deliverDue();
    const first = await daveSocket.next('receive_message', (m) => m.scheduledMessageId === unread.id);
    expect(keyHolders(first.content)).toEqual(ids(alice, bob));
    await expect(openText(dave, first)).rejects.toMatchObject({ code: 'not_a_recipient' });
    expect(await openText(bob, first)).toBe('before you');
    const second = await daveSocket.next('receive_message', (m) => m.scheduledMessageId === resealed.id);
    expect(await openText(dave, second)).toBe('new words');
    // Nothing was stripped: the row keeps exactly what the sender sealed.
    expect((await getScheduled(alice, resealed.id)).content).toBe(edit.body.data.content);
    // Someone who is not in the group got neither.
    expect(
      await count(
        'messages m JOIN conversation_members cm ON cm.conversation_id = m.conversation_id WHERE cm.user_id = $1',
        [erin.id],
      ),
    ).toBe(0);
  });

  it('legacy content (stored before encryption) is delivered unchanged', async () => {
    const [alice, bob, carol] = await users(3);
    const group = await groupChat(alice, 'old', [bob, carol]);
    const s = await schedule(alice, { conversationId: group.id, content: 'sealed', scheduledTime: inMs(t, 60_000) });
    await t.db.query('UPDATE scheduled_messages SET content = $2 WHERE id = $1', [s.id, 'legacy plain words']);
    await carol.client.post(`/api/conversations/${group.id}/leave`);
    const bobSocket = await connect(bob);
    t.clock.advance(60_000);
    await deliverDue();
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(received.content).toBe('legacy plain words');
    expect((await getScheduled(alice, s.id)).content).toBe('legacy plain words');
  });
});

describe('the key directory', () => {
  it('serves my keys, a member list sorted by id, and 404 to non-members and for unknown users', async () => {
    const [alice, bob, carol, stranger] = await users(4);
    const group = await groupChat(alice, 'keys', [bob, carol]);
    const mine = await alice.client.get<PublicKeysView>(`/api/users/${alice.id}/keys`);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual({
      userId: alice.id,
      ...publicKeysOf(alice.keys),
      keysChangedAt: t.clock.now().toISOString(),
    });
    expect((await stranger.client.get<PublicKeysView>(`/api/users/${bob.id}/keys`)).body.data).toMatchObject(
      publicKeysOf(bob.keys),
    );
    expect((await alice.client.get(`/api/users/${randomUUID()}/keys`)).status).toBe(404);

    const members = await bob.client.get<ConversationKeys>(`/api/conversations/${group.id}/keys`);
    expect(members.status).toBe(200);
    expect(members.body.data.conversationId).toBe(group.id);
    expect(members.body.data.members.map((m) => m.userId)).toEqual(ids(alice, bob, carol));
    for (const user of [alice, bob, carol]) {
      expect(members.body.data.members.find((m) => m.userId === user.id)).toMatchObject(publicKeysOf(user.keys));
    }
    expect((await stranger.client.get(`/api/conversations/${group.id}/keys`)).status).toBe(404);
    await carol.client.post(`/api/conversations/${group.id}/leave`);
    expect((await carol.client.get(`/api/conversations/${group.id}/keys`)).status).toBe(404);
    const after = await alice.client.get<ConversationKeys>(`/api/conversations/${group.id}/keys`);
    expect(after.body.data.members.map((m) => m.userId)).toEqual(ids(alice, bob));
  });

  it('PUT /users/me/keys replaces the keys and tells the user and their contacts, not strangers', async () => {
    const [alice, bob, stranger] = await users(3);
    await directChat(alice, bob);
    const [aliceSocket, bobSocket, strangerSocket] = [
      await connect(alice),
      await connect(bob),
      await connect(stranger),
    ];
    const next = generateUserKeys();
    const bundle = sealKeyBundle(next, alice.encryptionKey);
    t.clock.advance(1000);
    const res = await alice.client.put<PublicKeysView>('/api/users/me/keys', {
      ...publicKeysOf(next),
      encryptedPrivateKeys: bundle,
      authKey: alice.authKey,
    });
    expect(res.status).toBe(200);
    const view = { userId: alice.id, ...publicKeysOf(next), keysChangedAt: t.clock.now().toISOString() };
    expect(res.body.data).toEqual(view);
    expect(await bobSocket.next('user_keys_changed')).toEqual(view);
    expect(await aliceSocket.next('user_keys_changed')).toEqual(view);
    expect((await bob.client.get(`/api/users/${alice.id}/keys`)).body.data).toEqual(view);
    const me = await alice.client.get<{ user: SelfUser }>('/api/auth/me');
    expect(me.body.data.user).toMatchObject({ ...publicKeysOf(next), encryptedPrivateKeys: bundle });
    // A round trip on the stranger's socket after the others heard it: nothing came for them.
    await strangerSocket.emit('typing', { conversationId: randomUUID(), typing: true });
    expect(strangerSocket.all('user_keys_changed')).toEqual([]);
  });

  it('PUT /users/me/keys with a wrong authKey is 401 and changes nothing', async () => {
    const [alice] = await users(1);
    const before = (await alice.client.get<PublicKeysView>(`/api/users/${alice.id}/keys`)).body.data;
    const next = generateUserKeys();
    const wrong = await deriveKeys('not the password', alice.kdf);
    const res = await alice.client.put('/api/users/me/keys', {
      ...publicKeysOf(next),
      encryptedPrivateKeys: sealKeyBundle(next, alice.encryptionKey),
      authKey: wrong.authKey,
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect((await alice.client.get(`/api/users/${alice.id}/keys`)).body.data).toEqual(before);
    const me = await alice.client.get<{ user: SelfUser }>('/api/auth/me');
    expect(me.body.data.user.encryptedPrivateKeys).toBe(alice.user.encryptedPrivateKeys);
  });

  it('an account from before encryption has no keys until it sets them; registration now requires them', async () => {
    const [legacy, bob] = await users(2);
    const chat = await directChat(legacy, bob);
    await t.db.query(
      `UPDATE users SET x25519_public_key = NULL, ed25519_public_key = NULL, encrypted_private_keys = NULL,
         keys_changed_at = NULL WHERE id = $1`,
      [legacy.id],
    );
    const listed = await bob.client.get<ConversationKeys>(`/api/conversations/${chat.id}/keys`);
    expect(listed.body.data.members.find((m) => m.userId === legacy.id)).toEqual({
      userId: legacy.id,
      x25519PublicKey: null,
      ed25519PublicKey: null,
      keysChangedAt: null,
    });
    // A password change has nothing to re-seal: a bundle is refused.
    const kdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    const derived = await deriveKeys('a new password', kdf);
    const withBundle = await legacy.client.post('/api/auth/change-password', {
      currentAuthKey: legacy.authKey,
      newAuthKey: derived.authKey,
      newKdf: kdf,
      encryptedPrivateKeys: sealKeyBundle(generateUserKeys(), derived.encryptionKey),
    });
    expect(withBundle.status).toBe(400);
    const keys = generateUserKeys();
    const set = await legacy.client.put<PublicKeysView>('/api/users/me/keys', {
      ...publicKeysOf(keys),
      encryptedPrivateKeys: sealKeyBundle(keys, legacy.encryptionKey),
      authKey: legacy.authKey,
    });
    expect(set.status).toBe(200);
    expect(set.body.data.keysChangedAt).toBe(t.clock.now().toISOString());

    const registration = await legacy.client.get<{ kdf: object }>('/api/auth/kdf-params');
    const newKdf = newKdfParams(registration.body.data.kdf as Parameters<typeof newKdfParams>[0]);
    const { authKey } = await deriveKeys('pw', newKdf);
    const noKeys = await legacy.client.post('/api/auth/register', {
      username: `nokeys${Date.now()}`,
      authKey,
      kdf: newKdf,
    });
    expect(noKeys.status).toBe(400);
    expect(noKeys.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'keys' }] });
  });

  it('a password change on an account with keys needs them re-sealed (400 without)', async () => {
    const [alice] = await users(1);
    const kdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    const derived = await deriveKeys('another password', kdf);
    const res = await alice.client.post('/api/auth/change-password', {
      currentAuthKey: alice.authKey,
      newAuthKey: derived.authKey,
      newKdf: kdf,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'encryptedPrivateKeys' }] });
    // Nothing changed: the old password still signs in.
    expect((await alice.client.get('/api/auth/me')).status).toBe(200);
  });
});

describe('media is uploaded encrypted', () => {
  const upload = (user: TestUser, type: string, data: Buffer, fields: Record<string, string> = { kind: 'image' }) => {
    const { body, contentType } = multipart(fields, { field: 'file', filename: 'f', type, data });
    return user.client.request<MediaInfo>({
      method: 'POST',
      url: '/api/media',
      headers: { 'content-type': contentType },
      payload: body,
    });
  };
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('refuses a plain file (415, naming what to send) and bytes without the encrypted-file header', async () => {
    const [alice] = await users(1);
    const plain = await upload(alice, 'image/png', PNG);
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('unsupported_media_type');
    expect(plain.body.message).toMatch(/application\/octet-stream/);
    const opaque = await upload(alice, 'application/octet-stream', Buffer.concat([PNG, Buffer.alloc(64)]));
    expect(opaque.status).toBe(415);
    expect(opaque.body.message).toMatch(/not encrypted/);
    const tooShort = await upload(alice, 'application/octet-stream', Buffer.from('HRLF\x01'));
    expect(tooShort.status).toBe(415);
    expect(await count('media WHERE uploader_id = $1', [alice.id])).toBe(0);
  });

  it('accepts a sealed file and serves back exactly its sealed bytes', async () => {
    const [alice] = await users(1);
    const { media, sealed } = await uploadSealed(alice, 'video');
    expect(media).toMatchObject({ kind: 'video', mimeType: 'application/octet-stream' });
    const res = await alice.client.request({ method: 'GET', url: `/api/media/${media.id}` });
    expect(res.status).toBe(200);
    expect(res.raw.rawPayload.equals(sealed.ciphertext)).toBe(true);
  });
});

describe('size limits', () => {
  it('a 192 KiB envelope goes through HTTP and the socket; larger content is a clear 400 or 413', async () => {
    const [alice, bob] = await users(2);
    const chat = await directChat(alice, bob);
    // Text is at most MAX_TEXT_LENGTH, but a sealed plaintext keeps unknown fields: pad with one.
    const padded = (padding: number) =>
      sealMessage(
        keyRingOf(alice),
        { conversationId: chat.id, kind: 'text', recipients: recipientsOf([alice, bob]) },
        { text: 'big', padding: 'p'.repeat(padding) },
      );
    const big = await padded(145_000);
    expect(big.length).toBeGreaterThan(190_000);
    expect(big.length).toBeLessThanOrEqual(MAX_CONTENT_LENGTH);
    expect((await post(alice, chat.id, { content: big })).status).toBe(201);
    const socket = await connect(alice);
    const viaSocket = await socket.emit('send_message', {
      conversationId: chat.id,
      content: await padded(145_000),
    });
    expect(viaSocket.ok).toBe(true);

    // sealMessage itself refuses to make one this long: lengthen a real envelope's body.
    const envelope = parseMessageEnvelope(big)!;
    const tooLong = JSON.stringify({
      ...envelope,
      body: envelope.body + 'A'.repeat(MAX_CONTENT_LENGTH - big.length + 1),
    });
    expect(tooLong.length).toBeGreaterThan(MAX_CONTENT_LENGTH);
    const refused = await post(alice, chat.id, { content: tooLong });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'content' }] });
    expect(await socket.emit('send_message', { conversationId: chat.id, content: tooLong })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    const huge = await post(alice, chat.id, { content: 'a'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect(await messagesIn(chat.id)).toBe(2);
  });
});
