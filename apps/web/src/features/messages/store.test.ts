import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@herald/shared';
import { fakeServer } from '../../test-support/network';
import { message } from '../../test-support/fixtures';
import { keyed, signInWithKeys } from '../../test-support/e2ee';
import { conversationKeys, openContent } from '../../lib/e2ee';
import { localIdFor } from './merge';
import { useMessages } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = 'a0000000-0000-4000-8000-000000000001';
const me = keyed(ME);
const bob = keyed('b0000000-0000-4000-8000-000000000002');
/** A fake server that also answers the key directory, with my keys open (as after signing in). */
async function keyedServer() {
  const server = fakeServer();
  await signInWithKeys(server, me, { [C]: [me, bob] });
  return server;
}
/** What a sealed body says, opened as Bob would. */
async function opened(content: string): Promise<string> {
  const result = await openContent({ id: `probe-${Math.random()}`, conversationId: C, senderId: ME, content });
  return result.state === 'opened' ? result.text : result.state;
}
const at = (minute: number) => `2026-03-10T10:${String(minute).padStart(2, '0')}:00.000Z`;
const ids = () => useMessages.getState().timelines[C]!.messages.map((m) => m.id);
const contents = () => useMessages.getState().timelines[C]!.messages.map((m) => m.content);

beforeEach(() => useMessages.setState({ timelines: {}, drafts: {}, replyTo: {}, refusals: {} }));

describe('messages store: REST pages merged with socket events', () => {
  it('opens a conversation from one request, oldest first', async () => {
    const page = [
      message({ content: 'c', createdAt: at(3) }),
      message({ content: 'b', createdAt: at(2) }),
      message({ content: 'a', createdAt: at(1) }),
    ];
    const server = fakeServer().on('GET', `/api/conversations/${C}/messages`, () => ({
      data: { messages: page, nextCursor: 'cursor-1' },
    }));
    await useMessages.getState().loadLatest(C);
    expect(contents()).toEqual(['a', 'b', 'c']);
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]!.query.get('limit')).toBe('50');
    expect(useMessages.getState().timelines[C]!.nextCursor).toBe('cursor-1');
  });

  it('never shows a message twice when the same one comes by socket and by REST, in any order', async () => {
    const a = message({ content: 'a', createdAt: at(1) });
    const b = message({ content: 'b', createdAt: at(2) });
    const live = message({ content: 'live', createdAt: at(5) });
    useMessages.getState().receive(live); // the socket was faster than the page
    fakeServer().on('GET', `/api/conversations/${C}/messages`, () => ({
      data: { messages: [live, b, a], nextCursor: null },
    }));
    await useMessages.getState().loadLatest(C);
    useMessages.getState().receive(b); // and a late duplicate event
    useMessages.getState().receive(live);
    expect(contents()).toEqual(['a', 'b', 'live']);
  });

  it('keeps chronological order when events arrive out of order, and older pages go before', async () => {
    const server = fakeServer().on('GET', `/api/conversations/${C}/messages`, (call) =>
      call.query.get('before') === 'older'
        ? {
            data: {
              messages: [
                message({ content: 'old-2', createdAt: at(2) }),
                message({ content: 'old-1', createdAt: at(1) }),
              ],
              nextCursor: null,
            },
          }
        : { data: { messages: [message({ content: 'p', createdAt: at(10) })], nextCursor: 'older' } },
    );
    await useMessages.getState().loadLatest(C);
    useMessages.getState().receive(message({ content: 'late-2', createdAt: at(12) }));
    useMessages.getState().receive(message({ content: 'late-1', createdAt: at(11) }));
    await useMessages.getState().loadOlder(C);
    expect(contents()).toEqual(['old-1', 'old-2', 'p', 'late-1', 'late-2']);
    expect(useMessages.getState().timelines[C]!.nextCursor).toBeNull();
    expect(server.callsTo('GET', `/api/conversations/${C}/messages`)).toHaveLength(2);
  });

  it('shows an optimistic message at once and replaces it with the server one by clientId', async () => {
    let sent: Message | undefined;
    const server = (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string };
      sent = message({
        content: body.content,
        clientId: body.clientId,
        createdAt: at(30),
        senderId: ME as Message['senderId'],
      });
      return { status: 201, data: sent };
    });
    const pending = useMessages.getState().send(C, ME, { plaintext: { text: 'hi there' }, contentType: 'text' });
    const optimistic = useMessages.getState().timelines[C]!.messages[0]!;
    expect(optimistic.localStatus).toBe('sending');
    expect(optimistic.id).toBe(localIdFor(optimistic.clientId!));
    await pending;
    const post = server.callsTo('POST', `/api/conversations/${C}/messages`)[0]!;
    expect(post.headers['Content-Type']).toBe('application/json');
    // What went out is an envelope sealed for the members, not the text.
    const content = (post.body as { content: string }).content;
    expect(content).not.toContain('hi there');
    expect(await opened(content)).toBe('hi there');
    expect(ids()).toEqual([sent!.id]);
    expect(useMessages.getState().timelines[C]!.messages[0]!.localStatus).toBeUndefined();
    // The same message echoed by the socket does not come back as a second copy.
    useMessages.getState().receive(sent!);
    expect(ids()).toEqual([sent!.id]);
  });

  it('replaces the optimistic copy even when the socket echo beats the HTTP answer', async () => {
    let answer: (response: Response) => void = () => {};
    await keyedServer();
    await conversationKeys(C); // the members' keys are known: sealing asks nothing
    let posted: () => void = () => {};
    const sending = new Promise<void>((resolve) => (posted = resolve));
    vi.stubGlobal(
      'fetch',
      vi.fn(() => {
        posted();
        return new Promise<Response>((resolve) => (answer = resolve));
      }),
    );
    const pending = useMessages.getState().send(C, ME, { plaintext: { text: 'x' } });
    const clientId = useMessages.getState().timelines[C]!.messages[0]!.clientId!;
    await sending;
    const server = message({ content: 'x', clientId, createdAt: at(30) });
    useMessages.getState().receive(server); // the socket echo arrives first
    expect(ids()).toEqual([server.id]);
    answer(new Response(JSON.stringify({ success: true, message: 'OK', data: server }), { status: 201 }));
    await pending;
    expect(ids()).toEqual([server.id]);
  });

  it('marks a failed send and retries it with the same clientId', async () => {
    let attempts = 0;
    const clientIds: string[] = [];
    (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, (call) => {
      attempts += 1;
      clientIds.push((call.body as { clientId: string }).clientId);
      return attempts === 1
        ? { status: 503, error: { code: 'not_ready', message: 'The service is not ready.' } }
        : { status: 201, data: message({ clientId: clientIds[0]!, content: 'again', createdAt: at(40) }) };
    });
    await useMessages.getState().send(C, ME, { plaintext: { text: 'again' } });
    const failed = useMessages.getState().timelines[C]!.messages[0]!;
    expect(failed.localStatus).toBe('failed');
    expect(failed.localError).toBe('The service is not ready.');
    await useMessages.getState().retry(C, failed.id);
    expect(clientIds[0]).toBe(clientIds[1]);
    expect(useMessages.getState().timelines[C]!.messages).toHaveLength(1);
    expect(useMessages.getState().timelines[C]!.messages[0]!.localStatus).toBeUndefined();
  });

  it('after a reconnect, a latest page that overlaps is merged; one with a gap restarts the timeline', () => {
    const old = [message({ content: 'o1', createdAt: at(1) }), message({ content: 'o2', createdAt: at(2) })];
    useMessages.getState().mergeLatestPage(C, { messages: [...old].reverse(), nextCursor: 'c1' });
    const next = message({ content: 'n1', createdAt: at(3) });
    useMessages.getState().mergeLatestPage(C, { messages: [next, old[1]!], nextCursor: 'c2' });
    expect(contents()).toEqual(['o1', 'o2', 'n1']);
    expect(useMessages.getState().timelines[C]!.nextCursor).toBe('c1');
    // Away for long: the page does not reach what we hold, so older messages may be missing.
    const far = [message({ content: 'f2', createdAt: at(50) }), message({ content: 'f1', createdAt: at(49) })];
    useMessages.getState().mergeLatestPage(C, { messages: far, nextCursor: 'c9' });
    expect(contents()).toEqual(['f1', 'f2']);
    expect(useMessages.getState().timelines[C]!.nextCursor).toBe('c9');
  });

  it('applies receipts: statuses only move forward, groups show the least advanced', () => {
    const other = 'u0000000-0000-4000-8000-0000000000aa';
    const third = 'u0000000-0000-4000-8000-0000000000bb';
    const m = message({
      senderId: ME as Message['senderId'],
      receipts: [
        { userId: other as Message['senderId'], deliveredAt: null, readAt: null },
        { userId: third as Message['senderId'], deliveredAt: null, readAt: null },
      ],
    });
    useMessages.getState().receive(m);
    const event = (userId: string, status: 'delivered' | 'read') => ({
      conversationId: C as Message['conversationId'],
      userId: userId as Message['senderId'],
      status,
      at: at(20),
      messageIds: [m.id],
    });
    useMessages.getState().applyStatus(event(other, 'read'));
    expect(useMessages.getState().timelines[C]!.messages[0]!.messageStatus).toBe('sent');
    useMessages.getState().applyStatus(event(third, 'delivered'));
    expect(useMessages.getState().timelines[C]!.messages[0]!.messageStatus).toBe('delivered');
    useMessages.getState().applyStatus(event(third, 'read'));
    expect(useMessages.getState().timelines[C]!.messages[0]!.messageStatus).toBe('read');
    // A stale copy from a REST page cannot move it back.
    useMessages.getState().receive({ ...m, messageStatus: 'delivered' });
    expect(useMessages.getState().timelines[C]!.messages[0]!.messageStatus).toBe('read');
  });
});

describe('messages store: refusals and failures (item 19)', () => {
  it('a refused message leaves no bubble: the words and the reply go back to the composer with the reason', async () => {
    (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, () => ({
      status: 403,
      error: { code: 'recipient_unavailable', message: 'You cannot send messages to this user.' },
    }));
    const outcome = await useMessages.getState().send(C, ME, {
      plaintext: { text: 'hello there' },
      replyToId: 'm0000000-0000-4000-8000-000000000077',
    });
    expect(outcome).toEqual({ status: 'refused', error: 'You cannot send messages to this person.' });
    expect(useMessages.getState().timelines[C]!.messages).toEqual([]);
    expect(useMessages.getState().drafts[C]).toBe('hello there');
    expect(useMessages.getState().replyTo[C]).toBe('m0000000-0000-4000-8000-000000000077');
    expect(useMessages.getState().refusals[C]).toBe('You cannot send messages to this person.');
  });

  it('what was typed meanwhile is kept after the refused words', async () => {
    (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, () => ({
      status: 400,
      error: { code: 'validation_failed', message: 'The message is empty.' },
    }));
    const pending = useMessages.getState().send(C, ME, { plaintext: { text: 'first' } });
    useMessages.getState().setDraft(C, 'second');
    await pending;
    expect(useMessages.getState().drafts[C]).toBe('first\nsecond');
  });

  it('a failed message (worth retrying) can be discarded', async () => {
    (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, () => ({
      status: 503,
      error: { code: 'not_ready', message: 'The service is not ready.' },
    }));
    const outcome = await useMessages.getState().send(C, ME, { plaintext: { text: 'later' } });
    expect(outcome.status).toBe('failed');
    const failed = useMessages.getState().timelines[C]!.messages[0]!;
    useMessages.getState().discard(C, failed.id);
    expect(useMessages.getState().timelines[C]!.messages).toEqual([]);
    await useMessages.getState().retry(C, failed.id); // nothing left to retry
    expect(useMessages.getState().timelines[C]!.messages).toEqual([]);
  });
});

describe('messages store: replies to messages that are gone', () => {
  it('a deleted message is no longer replied to', () => {
    const m = message({ createdAt: at(1) });
    useMessages.getState().receive(m);
    useMessages.getState().setReplyTo(C, m.id);
    useMessages.getState().remove(C, [m.id]); // message_deleted (temporary mode, account deleted)
    expect(useMessages.getState().replyTo[C]).toBeUndefined();
  });

  it('a send refused because its original is gone comes back without the reply', async () => {
    (await keyedServer()).on('POST', `/api/conversations/${C}/messages`, () => ({
      status: 404,
      error: { code: 'not_found', message: 'The message you reply to is not in this conversation.' },
    }));
    const outcome = await useMessages
      .getState()
      .send(C, ME, { plaintext: { text: 'late answer' }, replyToId: 'm0000000-0000-4000-8000-000000000099' });
    expect(outcome).toEqual({ status: 'refused', error: 'The message you reply to is not in this conversation.' });
    expect(useMessages.getState().drafts[C]).toBe('late answer');
    expect(useMessages.getState().replyTo[C]).toBeUndefined();
  });
});

describe('messages store: applying a message is idempotent', () => {
  it('the same message again (HTTP answer, socket echo, overlapping page) notifies nobody', () => {
    const m = message({ createdAt: at(1) });
    useMessages.getState().mergeLatestPage(C, { messages: [m], nextCursor: null });
    const listener = vi.fn();
    const unsubscribe = useMessages.subscribe(listener);
    useMessages.getState().receive({ ...m });
    useMessages.getState().mergeLatestPage(C, { messages: [{ ...m }], nextCursor: null });
    useMessages.getState().applyStatus({
      conversationId: C as Message['conversationId'],
      userId: ME as Message['senderId'],
      status: 'read',
      at: at(2),
      messageIds: ['m0000000-0000-4000-8000-00000000dead' as Message['id']],
    });
    unsubscribe();
    expect(listener).not.toHaveBeenCalled();
  });
});
