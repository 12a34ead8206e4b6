import type { Message } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser } from './helpers/client.js';
import { directChat, sealText } from './helpers/chat.js';
import { openTexts } from './helpers/e2ee.js';

/**
 * Live sends and socket commands are rate-limited per user, like logins and scheduling: an outside
 * test stored and pushed 1,000 socket send_message events in 2.4 s. HTTP and socket sends share one
 * budget; every socket command counts against another.
 */
let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp({
    env: { RATE_LIMIT_MESSAGES_PER_MINUTE: '5', RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: '8' },
  });
});
afterEach(() => {
  t.closeSockets();
  t.clock.advance(120_000); // a fresh window for the next test
});
afterAll(async () => {
  await t.close();
});
const connect = (cookie: string | undefined) => t.connect(cookie);
const stored = async (conversationId: string) =>
  (
    await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [
      conversationId,
    ])
  ).rows[0]!.n;

describe('live sends', () => {
  it('HTTP and socket sends share one budget per user: the next one is refused with 429 / an ack error, and nothing is stored or pushed', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const bobSocket = await connect(bob.client.cookie);
    const sealed = (text: string) => sealText(alice, chat.id, text);
    for (let i = 0; i < 5; i++) {
      const res = await alice.client.post(`/api/conversations/${chat.id}/messages`, { content: await sealed(`m${i}`) });
      expect(res.status).toBe(201);
    }
    const refused = await alice.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealed('one too many'),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({
      success: false,
      error: { code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } },
    });
    expect(refused.body.message).toMatch(/^You are sending messages too fast; try again in \d+ s\.$/);
    const aliceSocket = await connect(alice.client.cookie);
    const ack = await aliceSocket.emit('send_message', { conversationId: chat.id, content: await sealed('by socket') });
    expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await stored(chat.id)).toBe(5);
    // A minute later the budget is back.
    t.clock.advance(61_000);
    const again = await aliceSocket.emit('send_message', { conversationId: chat.id, content: await sealed('later') });
    expect(again).toMatchObject({ ok: true });
    await bobSocket.next('receive_message', (m: Message) => again.ok && m.id === again.data.id);
    expect(await openTexts(bob, bobSocket.all('receive_message'))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'later']);
  });

  it('a flood of 1,000 socket sends stores and pushes only what the budget allows', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const bobSocket = await connect(bob.client.cookie);
    const aliceSocket = await connect(alice.client.cookie);
    // One envelope sent 1,000 times: the budget counts sends, not contents (and sealing 1,000
    // would cost seconds of CPU before the flood starts).
    const content = await sealText(alice, chat.id, 'flood');
    const acks = await Promise.all(
      Array.from({ length: 1000 }, () => aliceSocket.emit('send_message', { conversationId: chat.id, content })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    expect(acks.filter((a) => !a.ok && a.error.code === 'rate_limited')).toHaveLength(995);
    expect(await stored(chat.id)).toBe(5);
    await expect.poll(() => bobSocket.all('receive_message').length).toBe(5);
  });
});

describe('socket commands', () => {
  it('every command counts: past the limit each is refused with a rate_limited ack until the window ends', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const socket = await connect(alice.client.cookie);
    const results = [];
    for (let i = 0; i < 10; i++)
      results.push(await socket.emit('typing', { conversationId: chat.id, typing: i % 2 === 0 }));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true, true, false, false]);
    expect(results[8]).toMatchObject({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(/^Too many requests on this connection; try again in \d+ s\.$/),
      },
    });
    // Another socket of the same user shares the budget.
    const second = await connect(alice.client.cookie);
    expect(await second.emit('mark_read', { conversationId: chat.id })).toMatchObject({ ok: false });
    t.clock.advance(61_000);
    expect(await second.emit('mark_read', { conversationId: chat.id })).toMatchObject({ ok: true });
  });
});
