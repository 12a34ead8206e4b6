import {
  DELETE_FOR_EVERYONE_WINDOW_SECONDS,
  EDIT_WINDOW_SECONDS,
  type Conversation,
  type Message,
  type MessagePage,
} from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { directChat, groupChat, sealText, sendText } from './helpers/chat.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { openContent, openText, recipientsOf } from './helpers/e2ee.js';
import { uploadSealed } from './helpers/media.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * Editing and deleting sent messages (issue 13, item 2; docs/api.md "Edit and delete messages"):
 * PATCH /api/messages/:id (a new envelope), DELETE /api/messages/:id?for=everyone|me.
 */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const edit = async (user: TestUser, message: Pick<Message, 'id' | 'conversationId'>, text: string) =>
  user.client.patch<Message>(`/api/messages/${message.id}`, {
    content: await sealText(user, message.conversationId, text),
  });
const remove = (user: TestUser, id: string, scope: 'everyone' | 'me') =>
  user.client.delete<Message | null>(`/api/messages/${id}?for=${scope}`);
const page = async (user: TestUser, conversationId: string) =>
  (await user.client.get<MessagePage>(`/api/conversations/${conversationId}/messages`)).body.data.messages;
const listed = async (user: TestUser, conversationId: string) =>
  (await user.client.get<Conversation[]>('/api/conversations')).body.data.find((c) => c.id === conversationId);
const socketOf = (user: TestUser) => t.connect(user.client.cookie);

/** Lets events in flight arrive (a round trip on each socket), so that "once" can be counted. */
async function settle(...sockets: TestSocket[]) {
  for (const s of sockets)
    await s.emit('typing', { conversationId: '00000000-0000-4000-8000-000000000000', typing: false });
}

describe('editing', () => {
  it('replaces the content for everyone, marks it edited, and tells each member once, live', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'edits', [b, c]);
    const message = await sendText(a, group.id, 'helo');
    const [sa, sb, sc] = [await socketOf(a), await socketOf(b), await socketOf(c)];
    t.clock.advance(60_000);
    const res = await edit(a, message, 'hello');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: message.id, seq: message.seq, editedAt: t.clock.now().toISOString() });
    expect(res.body.data.deletedAt).toBeNull();
    for (const [socket, reader] of [
      [sa, a],
      [sb, b],
      [sc, c],
    ] as const) {
      const event = await socket.next('message_updated', (m) => m.id === message.id);
      expect(event.editedAt).toBe(res.body.data.editedAt);
      expect(await openText(reader, event)).toBe('hello');
    }
    await settle(sa, sb, sc);
    for (const s of [sa, sb, sc]) expect(s.all('message_updated')).toHaveLength(1);
    const seen = (await page(b, group.id)).find((m) => m.id === message.id)!;
    expect(await openText(b, seen)).toBe('hello');
    expect(seen.editedAt).not.toBeNull();
  });

  it('is heard only by members who see the message: not by one who joined after it', async () => {
    const [a, b, late] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'latecomers', [b]);
    const message = await sendText(a, group.id, 'before you joined');
    t.clock.advance(1000);
    expect((await a.client.post(`/api/conversations/${group.id}/members`, { userIds: [late.id] })).status).toBe(200);
    const [sb, sl] = [await socketOf(b), await socketOf(late)];
    expect((await edit(a, message, 'edited after')).status).toBe(200);
    await sb.next('message_updated', (m) => m.id === message.id);
    expect((await remove(a, message.id, 'everyone')).status).toBe(200);
    await sb.next('message_updated', (m) => m.id === message.id && m.deletedAt !== null);
    await settle(sb, sl);
    expect(sl.all('message_updated')).toEqual([]);
  });

  it('edits a caption: the media stays, the kind must stay the same', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const { media, sealed } = await uploadSealed(a, 'image');
    const sent = await a.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'caption', { media: sealed.media }),
      mediaId: media.id,
    });
    expect(sent.status).toBe(201);
    const wrongKind = await edit(a, sent.body.data, 'as text');
    expect(wrongKind.status).toBe(400);
    const res = await a.client.patch<Message>(`/api/messages/${sent.body.data.id}`, {
      content: await sealText(a, chat.id, 'new caption', { media: sealed.media }),
    });
    expect(res.status).toBe(200);
    expect(res.body.data.media?.id).toBe(media.id);
    const opened = await openContent(b, res.body.data);
    expect(opened.text).toBe('new caption');
    expect(opened.media?.sha256).toBe(sealed.media.sha256);
  });

  it('is the sender’s alone: 403 for another member, 404 for strangers and former members', async () => {
    const [a, b, c, d] = [
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
    ];
    const group = await groupChat(a, 'owners', [b, c]);
    const message = await sendText(a, group.id, 'mine');
    const other = await b.client.patch(`/api/messages/${message.id}`, {
      content: await sealText(b, group.id, 'hijack'),
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const stranger = await d.client.patch(`/api/messages/${message.id}`, { content: await sealText(a, group.id, 'x') });
    expect(stranger.status).toBe(404);
    const unknown = await edit(
      a,
      { id: '5b3c3c1e-0000-4000-8000-000000000000' as Message['id'], conversationId: group.id },
      'x',
    );
    expect(unknown.status).toBe(404);
    // The sender leaves: their messages are no longer theirs to change.
    const bobs = await sendText(b, group.id, 'from bob');
    expect((await b.client.post(`/api/conversations/${group.id}/leave`)).status).toBeLessThan(300);
    const gone = await b.client.patch(`/api/messages/${bobs.id}`, {
      content: await sealText(b, group.id, 'after leaving', { recipients: recipientsOf([a, c]) }),
    });
    expect(gone.status).toBe(404);
    const held = (await page(a, group.id)).filter((m) => m.id === message.id || m.id === bobs.id);
    expect(await Promise.all(held.map((m) => openText(a, m)))).toEqual(['from bob', 'mine']);
  });

  it('is checked like a send: an envelope for the current members, else nothing changes', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'checks', [b]);
    const message = await sendText(a, group.id, 'original');
    const plain = await a.client.patch(`/api/messages/${message.id}`, { content: 'plaintext' });
    expect(plain.status).toBe(400);
    expect(plain.body.error.code).toBe('not_encrypted');
    const missingB = await a.client.patch(`/api/messages/${message.id}`, {
      content: await sealText(a, group.id, 'only me', { recipients: recipientsOf([a]) }),
    });
    expect(missingB.status).toBe(409);
    expect(missingB.body.error).toMatchObject({ code: 'recipients_mismatch', details: { missing: [b.id], extra: [] } });
    const extraC = await a.client.patch(`/api/messages/${message.id}`, {
      content: await sealText(a, group.id, 'with c', { recipients: recipientsOf([a, b, c]) }),
    });
    expect(extraC.status).toBe(409);
    const otherChat = await directChat(a, b);
    const elsewhere = await a.client.patch(`/api/messages/${message.id}`, {
      content: await sealText(a, otherChat.id, 'elsewhere'),
    });
    expect(elsewhere.status).toBe(400);
    const after = (await page(b, group.id)).find((m) => m.id === message.id)!;
    expect(after).toMatchObject({ content: message.content, editedAt: null });
  });

  it('closes after the edit window (fake clock) and never opens a tombstone', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const message = await sendText(a, chat.id, 'soon old');
    t.clock.advance(EDIT_WINDOW_SECONDS * 1000);
    expect((await edit(a, message, 'just in time')).status).toBe(200);
    t.clock.advance(1);
    const late = await edit(a, message, 'too late');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_state');
    expect(late.body.message).toMatch(/48 hours/);

    const fresh = await sendText(a, chat.id, 'to delete');
    expect((await remove(a, fresh.id, 'everyone')).status).toBe(200);
    const onTombstone = await edit(a, fresh, 'back from the dead');
    expect(onTombstone.status).toBe(409);
  });
});

describe('deleting for everyone', () => {
  it('leaves a tombstone in place: content, media, reactions and views gone, live for each member once', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const before = await sendText(a, chat.id, 'before');
    const { media, sealed } = await uploadSealed(a, 'image');
    const sent = await a.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'a photo', { media: sealed.media }),
      mediaId: media.id,
    });
    const photo = sent.body.data;
    const after = await sendText(b, chat.id, 'after');
    const reply = await sendText(b, chat.id, 're: photo', { replyToId: photo.id });
    expect((await b.client.put(`/api/messages/${photo.id}/reaction`, { emoji: '👍' })).status).toBe(200);
    expect((await b.client.request({ method: 'GET', url: `/api/media/${media.id}` })).status).toBe(200);
    const [sa, sb] = [await socketOf(a), await socketOf(b)];

    const res = await remove(a, photo.id, 'everyone');
    expect(res.status).toBe(200);
    const tombstone = res.body.data!;
    expect(tombstone).toMatchObject({
      id: photo.id,
      seq: photo.seq,
      content: '',
      media: null,
      reactions: [],
      deletedAt: t.clock.now().toISOString(),
    });
    for (const s of [sa, sb]) {
      const event = await s.next('message_updated', (m) => m.id === photo.id);
      expect(event).toMatchObject({ content: '', media: null, reactions: [], deletedAt: tombstone.deletedAt });
    }
    await settle(sa, sb);
    for (const s of [sa, sb]) expect(s.all('message_updated')).toHaveLength(1);

    // In the timeline, in its place; the reply still points at it.
    const ids = (await page(b, chat.id)).map((m) => m.id);
    expect(ids).toEqual([reply.id, after.id, photo.id, before.id]);
    expect((await page(b, chat.id)).find((m) => m.id === reply.id)?.replyToId).toBe(photo.id);
    // The blob is gone for everyone, the sender included; the stored row holds nothing.
    expect((await b.client.request({ method: 'GET', url: `/api/media/${media.id}` })).status).toBe(404);
    expect([404, 410]).toContain((await a.client.request({ method: 'GET', url: `/api/media/${media.id}` })).status);
    const { rows } = await t.db.query<{ content: string; media_id: string | null }>(
      'SELECT content, media_id FROM messages WHERE id = $1',
      [photo.id],
    );
    expect(rows).toEqual([{ content: '', media_id: null }]);
    const { rows: stored } = await t.db.query<{ deleted: boolean }>(
      'SELECT deleted_at IS NOT NULL AS deleted FROM media WHERE id = $1',
      [media.id],
    );
    expect(stored).toEqual([{ deleted: true }]);
    expect((await t.db.query('SELECT 1 FROM reactions WHERE message_id = $1', [photo.id])).rows).toHaveLength(0);
    // Nothing more can hang on it: no reaction, no reply.
    expect((await b.client.put(`/api/messages/${photo.id}/reaction`, { emoji: '❤️' })).status).toBe(409);
    const replyToDeleted = await b.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(b, chat.id, 'late reply'),
      replyToId: photo.id,
    });
    expect(replyToDeleted.status).toBe(404);
    // A retry answers the same tombstone and tells nobody again.
    const again = await remove(a, photo.id, 'everyone');
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ id: photo.id, deletedAt: tombstone.deletedAt });
    await settle(sa, sb);
    for (const s of [sa, sb]) expect(s.all('message_updated')).toHaveLength(1);
  });

  it('is the sender’s alone, within the window; the unread count and last message follow', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const old = await sendText(a, chat.id, 'old');
    t.clock.advance(DELETE_FOR_EVERYONE_WINDOW_SECONDS * 1000 + 1);
    const late = await remove(a, old.id, 'everyone');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_state');
    const fresh = await sendText(a, chat.id, 'oops');
    expect(await listed(b, chat.id)).toMatchObject({ unreadCount: 2, lastMessage: { id: fresh.id } });
    const notMine = await remove(b, fresh.id, 'everyone');
    expect(notMine.status).toBe(403);
    expect((await remove(a, fresh.id, 'everyone')).status).toBe(200);
    // A deleted message is not unread; it stays the last entry, as a tombstone.
    expect(await listed(b, chat.id)).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: fresh.id, content: '', deletedAt: expect.any(String) },
    });
  });
});

describe('deleting for me', () => {
  it('hides the message from my pages, last message and unread count only, on all my devices', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const first = await sendText(a, chat.id, 'first');
    const second = await sendText(a, chat.id, 'second');
    const [sa, sb1, sb2] = [await socketOf(a), await socketOf(b), await socketOf(b)];
    expect(await listed(b, chat.id)).toMatchObject({ unreadCount: 2, lastMessage: { id: second.id } });

    const res = await remove(b, second.id, 'me');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    for (const s of [sb1, sb2]) {
      expect(await s.next('message_deleted')).toEqual({ conversationId: chat.id, messageIds: [second.id] });
    }
    expect((await page(b, chat.id)).map((m) => m.id)).toEqual([first.id]);
    expect(await listed(b, chat.id)).toMatchObject({ unreadCount: 1, lastMessage: { id: first.id } });
    // The sender keeps it, and hears nothing.
    expect((await page(a, chat.id)).map((m) => m.id)).toEqual([second.id, first.id]);
    expect(await listed(a, chat.id)).toMatchObject({ lastMessage: { id: second.id } });
    // Later changes to it do not bring it back to me.
    expect((await edit(a, second, 'second, edited')).status).toBe(200);
    await sa.next('message_updated');
    await settle(sa, sb1, sb2);
    expect(sb1.all('message_updated')).toHaveLength(0);
    expect(sa.all('message_deleted')).toHaveLength(0);
    // Twice is once; a tombstone can be hidden too; a stranger gets 404.
    expect((await remove(b, second.id, 'me')).status).toBe(200);
    expect((await remove(a, first.id, 'everyone')).status).toBe(200);
    expect((await remove(b, first.id, 'me')).status).toBe(200);
    expect(await page(b, chat.id)).toEqual([]);
    const c = await registerUser(t.app);
    expect((await remove(c, first.id, 'me')).status).toBe(404);
  });
});

describe('bad input', () => {
  it('refuses a missing or unknown scope, a malformed id and an oversized body', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const message = await sendText(a, chat.id, 'stays');
    for (const url of [
      `/api/messages/${message.id}`,
      `/api/messages/${message.id}?for=all`,
      `/api/messages/${message.id}?for=`,
    ]) {
      const res = await a.client.delete(url);
      expect(res.status, url).toBe(400);
    }
    // A malformed id names no message (the id rule of every route).
    expect((await a.client.delete('/api/messages/not-a-uuid?for=me')).status).toBe(404);
    expect((await a.client.patch(`/api/messages/${message.id}`, {})).status).toBe(400);
    expect((await a.client.patch(`/api/messages/${message.id}`, { content: 42 })).status).toBe(400);
    const sealed = await sealText(a, chat.id, 'x');
    const huge = JSON.stringify({ ...JSON.parse(sealed), body: 'A'.repeat(200 * 1024) });
    expect((await a.client.patch(`/api/messages/${message.id}`, { content: huge })).status).toBe(400);
    const [still] = await page(b, chat.id);
    expect(still).toMatchObject({ id: message.id, content: message.content, editedAt: null, deletedAt: null });
  });
});
