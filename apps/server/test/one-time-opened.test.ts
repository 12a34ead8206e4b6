import type { MediaInfo, Message } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText } from './helpers/chat.js';
import type { SealedUpload } from './helpers/e2ee.js';
import { uploadSealed } from './helpers/media.js';

/**
 * "Opened" for the sender of one-time media (issue 13, item 9): the sender's copy lists who opened
 * it and when (history and a live media_opened event to the sender only); nobody else sees it.
 */
let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const fetchMedia = (user: TestUser, id: string) => user.client.request({ method: 'GET', url: `/api/media/${id}` });

async function sendOneTime(
  from: TestUser,
  conversationId: string,
  upload: { media: MediaInfo; sealed: SealedUpload },
  extra: object = {},
): Promise<Message> {
  const res = await from.client.post<Message>(`/api/conversations/${conversationId}/messages`, {
    content: await sealText(from, conversationId, '', { media: upload.sealed.media }),
    mediaId: upload.media.id,
    isOneTimeMedia: true,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`send media: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function history(user: TestUser, conversationId: string): Promise<Message[]> {
  const page = await user.client.get<{ messages: Message[] }>(`/api/conversations/${conversationId}/messages`);
  expect(page.status).toBe(200);
  return page.body.data.messages;
}

describe('one-time media: Opened, for the sender only', () => {
  it('lists nobody until the recipient opens it, then who and when, live to the sender only', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const upload = await uploadSealed(a);
    const message = await sendOneTime(a, chat.id, upload);
    expect((await history(a, chat.id))[0]!.openedBy).toEqual([]);
    // The recipient's copy says nothing about opens (their own count is myViews).
    expect((await history(b, chat.id))[0]!.openedBy).toBeUndefined();

    const [senderSocket, recipientSocket] = [await t.connect(a.client.cookie), await t.connect(b.client.cookie)];
    const opened = senderSocket.next('media_opened', (e) => e.messageId === message.id);
    expect((await fetchMedia(b, upload.media.id)).status).toBe(200);
    const event = await opened;
    expect(event).toMatchObject({ conversationId: chat.id, messageId: message.id });
    expect(event.openedBy).toEqual([{ userId: b.id, views: 1, lastOpenedAt: t.clock.now().toISOString() }]);
    expect(recipientSocket.all('media_opened')).toEqual([]);

    const mine = (await history(a, chat.id))[0]!;
    expect(mine.openedBy).toEqual(event.openedBy);
    const theirs = (await history(b, chat.id))[0]!;
    expect(theirs.openedBy).toBeUndefined();
    expect(theirs.myViews).toBe(1);
    // A refused second fetch (410) counts nothing and announces nothing.
    expect((await fetchMedia(b, upload.media.id)).status).toBe(410);
    expect(senderSocket.all('media_opened')).toHaveLength(1);
  });

  it('in a group, says who opened it (and how often), not the other members', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Once', [b, c]);
    const upload = await uploadSealed(a);
    const message = await sendOneTime(a, group.id, upload, { viewLimit: 2 });
    const cSocket = await t.connect(c.client.cookie);
    expect((await fetchMedia(b, upload.media.id)).status).toBe(200);
    t.clock.advance(60_000);
    expect((await fetchMedia(b, upload.media.id)).status).toBe(200);
    const mine = (await history(a, group.id)).find((m) => m.id === message.id)!;
    expect(mine.openedBy).toEqual([{ userId: b.id, views: 2, lastOpenedAt: t.clock.now().toISOString() }]);
    expect((await history(c, group.id)).find((m) => m.id === message.id)!.openedBy).toBeUndefined();
    expect(cSocket.all('media_opened')).toEqual([]);
  });

  it('leaves ordinary media and text without openedBy', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const upload = await uploadSealed(a);
    const res = await a.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(a, chat.id, 'plain', { media: upload.sealed.media }),
      mediaId: upload.media.id,
    });
    expect(res.status).toBe(201);
    expect((await fetchMedia(b, upload.media.id)).status).toBe(200);
    for (const m of await history(a, chat.id)) expect(m.openedBy).toBeUndefined();
  });
});
