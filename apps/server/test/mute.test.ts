import type { Conversation } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { loginUser, registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sendText } from './helpers/chat.js';

/** PUT /api/conversations/:id/mute: my notifications for one chat, on all my devices, mine alone. */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const mute = (user: TestUser, id: string, until: unknown) =>
  user.client.put<Conversation>(`/api/conversations/${id}/mute`, { until });
const view = async (user: TestUser, id: string) =>
  (await user.client.get<Conversation>(`/api/conversations/${id}`)).body.data;

async function device(user: TestUser) {
  const client = await loginUser(t.app, user.username, user.password);
  return t.connect(client.cookie);
}

describe('muting a chat', () => {
  it('until an instant: my view and my other devices show it, the other member sees nothing', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    expect(chat.mutedUntil).toBeNull();
    const [aPhone, bLaptop] = [await device(a), await device(b)];
    const until = new Date(t.clock.now().getTime() + 8 * 3_600_000);

    // An offset other than Z is the same instant; the answer is in UTC.
    const local = new Date(until.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const res = await mute(a, chat.id, local);
    expect(res.status).toBe(200);
    expect(res.body.data.mutedUntil).toBe(until.toISOString());
    const pushed = await aPhone.next('conversation_updated', (c) => c.id === chat.id);
    expect(pushed.mutedUntil).toBe(until.toISOString());
    expect((await view(a, chat.id)).mutedUntil).toBe(until.toISOString());
    const list = (await a.client.get<Conversation[]>('/api/conversations')).body.data;
    expect(list.find((c) => c.id === chat.id)?.mutedUntil).toBe(until.toISOString());

    // B got no event about it (a later message arrives first and alone), and B's view is untouched.
    const message = await sendText(a, chat.id, 'after the mute');
    await bLaptop.next('receive_message', (m) => m.id === message.id);
    expect((await view(b, chat.id)).mutedUntil).toBeNull();
    expect(bLaptop.received.filter((r) => r.event === 'conversation_updated')).toEqual([]);
  });

  it('ends by itself at its time; forever stays; null unmutes', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Quiet please', [b, c]);
    const until = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    expect((await mute(b, group.id, until)).body.data.mutedUntil).toBe(until);
    t.clock.advance(3_600_000 - 1);
    expect((await view(b, group.id)).mutedUntil).toBe(until);
    t.clock.advance(1);
    expect((await view(b, group.id)).mutedUntil).toBeNull();

    expect((await mute(b, group.id, 'forever')).body.data.mutedUntil).toBe('forever');
    // Far beyond any timed mute (sessions last 30 days here).
    t.clock.advance(20 * 86_400_000);
    expect((await view(b, group.id)).mutedUntil).toBe('forever');
    expect((await view(a, group.id)).mutedUntil).toBeNull();

    const unmuted = await mute(b, group.id, null);
    expect(unmuted.status).toBe(200);
    expect(unmuted.body.data.mutedUntil).toBeNull();
    expect((await view(b, group.id)).mutedUntil).toBeNull();
  });

  it('refuses bad times and bad bodies with a reason, and changes nothing', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    await sendText(a, chat.id, 'hello');
    const soon = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    await mute(a, chat.id, soon);
    const now = t.clock.now().getTime();
    const cases: [unknown, number, string][] = [
      [new Date(now).toISOString(), 400, 'invalid_time'],
      [new Date(now - 60_000).toISOString(), 400, 'invalid_time'],
      [String(now + 60_000), 400, 'invalid_time'],
      ['2026-06-01T20:00:00', 400, 'invalid_time'],
      ['2026-02-30T20:00:00Z', 400, 'invalid_time'],
      ['tomorrow', 400, 'invalid_time'],
      ['Forever', 400, 'invalid_time'],
      [new Date(now + 367 * 86_400_000).toISOString(), 422, 'time_too_far'],
      [now + 60_000, 400, 'validation_failed'],
      [true, 400, 'validation_failed'],
      ['2026-06-01T20:00:00Z\u0000', 400, 'validation_failed'],
      ['x'.repeat(65), 400, 'validation_failed'],
    ];
    for (const [until, status, code] of cases) {
      const res = await mute(a, chat.id, until);
      expect({ until, status: res.status, code: res.body.error?.code }).toEqual({ until, status, code });
    }
    const missing = await a.client.put(`/api/conversations/${chat.id}/mute`, {});
    expect(missing.status).toBe(400);
    const extra = await a.client.put(`/api/conversations/${chat.id}/mute`, { until: null, userId: b.id });
    // Unknown fields are stripped, not obeyed: the caller's own mute is the only one that moves.
    expect(extra.status).toBe(200);
    expect((await view(b, chat.id)).mutedUntil).toBeNull();
    await mute(a, chat.id, soon);
    expect((await view(a, chat.id)).mutedUntil).toBe(soon);
  });

  it("a chat that is not mine is 404, like one that does not exist; a former member's too", async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Members only', [b]);
    const res = await mute(stranger, group.id, 'forever');
    expect(res.status).toBe(404);
    const unknown = await mute(stranger, '00000000-0000-4000-8000-000000000000', 'forever');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(res.body);
    expect((await b.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    expect((await mute(b, group.id, 'forever')).status).toBe(404);
    expect((await mute(a, 'abc', 'forever')).status).toBe(404);
    expect((await view(a, group.id)).mutedUntil).toBeNull();
  });
});
