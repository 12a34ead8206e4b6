import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_CONTENT_LENGTH, type Message, type MessagePage } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerUser } from './helpers/client.js';
import { directChat, groupChat, sealText, sendText } from './helpers/chat.js';
import { openContent, openText, openTexts, sealUpload } from './helpers/e2ee.js';
import { uploadSealed } from './helpers/media.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('sending', () => {
  it('stores a text message as sent, with the conversation last message and the recipient unread count', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const message = await sendText(a, chat.id, 'hello');
    expect(message).toMatchObject({ contentType: 'text', messageStatus: 'sent', senderId: a.id });
    expect(await openText(b, message)).toBe('hello');
    expect(message.receipts).toEqual([{ userId: b.id, deliveredAt: null, readAt: null }]);
    const list = await b.client.get<{ unreadCount: number; lastMessage: Message }[]>('/api/conversations');
    expect(list.body.data[0]).toMatchObject({ unreadCount: 1, lastMessage: { id: message.id } });
  });

  it('keeps content opaque: the sealed envelope byte for byte up to the limit, refused beyond', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const envelope = await sealText(a, chat.id, 'opaque to the server');
    expect((await sendText(a, chat.id, envelope)).content).toBe(envelope);
    // An envelope-shaped content beyond MAX_CONTENT_LENGTH (a body no client could seal).
    const huge = JSON.stringify({ ...JSON.parse(envelope), body: 'A'.repeat(MAX_CONTENT_LENGTH) });
    const big = await a.client.post(`/api/conversations/${chat.id}/messages`, { content: huge });
    expect(big.status).toBe(400);
    // Blank content is no envelope: refused (whether called empty or not encrypted).
    const empty = await a.client.post(`/api/conversations/${chat.id}/messages`, { content: '   ' });
    expect(empty.status).toBe(400);
    expect(['validation_failed', 'not_encrypted']).toContain(empty.body.error.code);
  });

  it('sends once per clientId, even when retried', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const body = { content: await sealText(a, chat.id, 'only once'), clientId: 'c-1' };
    const [r1, r2] = await Promise.all([
      a.client.post<Message>(`/api/conversations/${chat.id}/messages`, body),
      a.client.post<Message>(`/api/conversations/${chat.id}/messages`, body),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 201]);
    expect(r1.body.data.id).toBe(r2.body.data.id);
    const page = await b.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`);
    expect(page.body.data.messages).toHaveLength(1);
  });

  it('replies only to a message of the same conversation', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const other = await directChat(a, c);
    const first = await sendText(b, chat.id, 'question');
    const reply = await sendText(a, chat.id, 'answer', { replyToId: first.id });
    expect(reply.replyToId).toBe(first.id);
    const elsewhere = await sendText(a, other.id, 'elsewhere');
    const bad = await a.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'x'),
      replyToId: elsewhere.id,
    });
    expect(bad.status).toBe(404);
  });

  it('refuses a blocked user in either direction with a clear code, and works again after unblock', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    await directChat(b, a); // b opens it too (else it is not his until its first message)
    await b.client.put(`/api/users/${a.id}/block`);
    const res = await a.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'hi'),
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('recipient_unavailable');
    const reverse = await b.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(b, chat.id, 'hi'),
    });
    expect(reverse.status).toBe(403);
    const blocks = await b.client.get<{ id: string }[]>('/api/blocks');
    expect(blocks.body.data.map((u) => u.id)).toEqual([a.id]);
    const view = await b.client.get<{ blockedByMe: boolean }>(`/api/conversations/${chat.id}`);
    expect(view.body.data.blockedByMe).toBe(true);
    await b.client.delete(`/api/users/${a.id}/block`);
    const again = await a.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'hi'),
    });
    expect(again.status).toBe(201);
  });

  it('validates media messages: needs media, matching kind, own and unused upload, one-time options with media', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const url = `/api/conversations/${chat.id}/messages`;
    // Every content below is sealed with the header kind the request names, so that each refusal
    // is about the media rule under test, not about the envelope.
    const photo = async (from = a, kind: 'image' | 'video' = 'image') =>
      sealText(from, chat.id, '', { kind, media: (await sealUpload()).media });
    expect((await a.client.post(url, { content: await photo(), contentType: 'image' })).status).toBe(400);
    const { media: image, sealed } = await uploadSealed(a, 'image');
    const asVideo = { content: await photo(a, 'video'), contentType: 'video', mediaId: image.id };
    expect((await a.client.post(url, asVideo)).status).toBe(400);
    const stolen = await b.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await photo(b),
      mediaId: image.id,
    });
    expect(stolen.status).toBe(404);
    const text = await sealText(a, chat.id, 'x');
    expect((await a.client.post(url, { content: text, isOneTimeMedia: true })).status).toBe(400);
    expect((await a.client.post(url, { content: text, viewLimit: 2 })).status).toBe(400);
    const content = await sealText(a, chat.id, '', { media: sealed.media });
    const sent = await a.client.post<Message>(url, { content, mediaId: image.id });
    expect(sent.status).toBe(201);
    expect(sent.body.data).toMatchObject({ contentType: 'image', media: { id: image.id, kind: 'image' } });
    expect((await openContent(b, sent.body.data)).media?.sha256).toBe(sealed.media.sha256);
    expect((await a.client.post(url, { content: await photo(), mediaId: image.id })).status).toBe(409);
  });
});

describe('pagination', () => {
  it('pages newest first with a cursor, never skipping or repeating, even while messages arrive', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    for (let i = 0; i < 23; i++) await sendText(i % 2 ? a : b, chat.id, `m${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let extra = 0;
    do {
      const url: string = `/api/conversations/${chat.id}/messages?limit=5${cursor ? `&before=${cursor}` : ''}`;
      const page: { body: { data: MessagePage } } = await a.client.get<MessagePage>(url);
      seen.push(...(await openTexts(a, page.body.data.messages)));
      cursor = page.body.data.nextCursor;
      // New messages arriving between pages must not shift older pages.
      await sendText(b, chat.id, `late${extra++}`);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `m${22 - i}`));
  });

  it('caps the page size and refuses a bad cursor', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    expect((await a.client.get(`/api/conversations/${chat.id}/messages?limit=500`)).status).toBe(400);
    expect((await a.client.get(`/api/conversations/${chat.id}/messages?before=abc`)).status).toBe(400);
  });
});

describe('receipts', () => {
  it('moves a direct message from sent to delivered to read', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const m1 = await sendText(a, chat.id, 'one');
    const m2 = await sendText(a, chat.id, 'two');
    await b.client.post(`/api/conversations/${chat.id}/delivered`, { messageIds: [m1.id] });
    let page = (await a.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`)).body.data.messages;
    const texts = await openTexts(a, page);
    expect(page.map((m, i) => [texts[i], m.messageStatus])).toEqual([
      ['two', 'sent'],
      ['one', 'delivered'],
    ]);
    await b.client.post(`/api/conversations/${chat.id}/read`);
    page = (await a.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`)).body.data.messages;
    expect(page.map((m) => m.messageStatus)).toEqual(['read', 'read']);
    expect(page[0]!.receipts[0]).toMatchObject({ userId: b.id });
    expect(page[0]!.receipts[0]!.readAt).not.toBeNull();
    expect(m2.id).toBe(page[0]!.id);
  });

  it('aggregates group receipts: read only when every recipient read', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'R', [b, c]);
    const m = await sendText(a, group.id, 'all of you');
    await b.client.post(`/api/conversations/${group.id}/read`);
    let seen = (await a.client.get<MessagePage>(`/api/conversations/${group.id}/messages`)).body.data.messages[0]!;
    expect(seen.messageStatus).toBe('sent');
    expect(seen.receipts.find((r) => r.userId === b.id)!.readAt).not.toBeNull();
    await c.client.post(`/api/conversations/${group.id}/delivered`, { messageIds: [m.id] });
    seen = (await a.client.get<MessagePage>(`/api/conversations/${group.id}/messages`)).body.data.messages[0]!;
    expect(seen.messageStatus).toBe('delivered');
    await c.client.post(`/api/conversations/${group.id}/read`);
    seen = (await a.client.get<MessagePage>(`/api/conversations/${group.id}/messages`)).body.data.messages[0]!;
    expect(seen.messageStatus).toBe('read');
  });
});

describe('reactions', () => {
  it('adds, changes and removes one emoji per user per message', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const m = await sendText(a, chat.id, 'react to me');
    const url = `/api/messages/${m.id}/reaction`;
    expect((await b.client.put(url, { emoji: '👍' })).body.data).toEqual([{ userId: b.id, emoji: '👍' }]);
    expect((await b.client.put(url, { emoji: '🎉' })).body.data).toEqual([{ userId: b.id, emoji: '🎉' }]);
    const both = await a.client.put<{ userId: string }[]>(url, { emoji: '❤️' });
    expect(both.body.data).toHaveLength(2);
    expect((await b.client.delete(url)).body.data).toEqual([{ userId: a.id, emoji: '❤️' }]);
    const page = await b.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`);
    expect(page.body.data.messages[0]!.reactions).toEqual([{ userId: a.id, emoji: '❤️' }]);
    expect((await b.client.put(url, { emoji: '' })).status).toBe(400);
  });
});

describe('temporary mode', () => {
  it('stamps messages sent after the change with expires_at, and removes them from API and disk at expiry', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const before = await sendText(a, chat.id, 'stays');
    await a.client.patch(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: 3600 });
    const { media: image, sealed } = await uploadSealed(a, 'image');
    const sent = await a.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, '', { media: sealed.media }),
      mediaId: image.id,
    });
    const ephemeral = sent.body.data;
    expect(before.expiresAt).toBeNull();
    expect(new Date(ephemeral.expiresAt!).getTime() - new Date(ephemeral.createdAt).getTime()).toBe(3_600_000);
    expect((await b.client.request({ method: 'GET', url: `/api/media/${image.id}` })).status).toBe(200);

    t.clock.advance(3_600_000 - 1);
    let page = await b.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`);
    expect(page.body.data.messages.map((m) => m.id)).toContain(ephemeral.id);

    t.clock.advance(1);
    // Never served again from the moment it expires, even before the sweep runs...
    page = await b.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`);
    // The "disappearing messages on" line is an event: it never expires.
    expect(page.body.data.messages.map((m) => m.event?.kind ?? m.id)).toEqual(['temporary_mode_changed', before.id]);
    expect((await b.client.request({ method: 'GET', url: `/api/media/${image.id}` })).status).toBe(404);
    // ...and gone from the database and the disk once it has run.
    const { rows: keys } = await t.db.query<{ key: string }>('SELECT storage_key AS key FROM media WHERE id = $1', [
      image.id,
    ]);
    const files = async () =>
      (await readdir(join(t.dataDir, 'media'), { recursive: true })).filter((f) => String(f).endsWith(keys[0]!.key));
    expect(await files()).toHaveLength(1);
    const result = await t.app.herald.housekeeping.runOnce();
    expect(result.expiredMessages).toBe(1);
    expect(await files()).toHaveLength(0);
    const { rows } = await t.db.query('SELECT 1 FROM messages WHERE id = $1', [ephemeral.id]);
    expect(rows).toHaveLength(0);
    // The chat's last entry is now the "disappearing messages on" line, written after `before`.
    const list = await b.client.get<{ lastMessage: Message }[]>('/api/conversations');
    expect(list.body.data[0]!.lastMessage).toMatchObject({
      event: { kind: 'temporary_mode_changed', ttlSeconds: 3600 },
    });
  });
});
