import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../http';
import { fakeServer } from '../../test-support/network';
import { keyed, signInWithKeys, viewOf, type TestPerson } from '../../test-support/e2ee';
import {
  NOTICES,
  conversationKeys,
  loadDeviceCopy,
  openContent,
  saveDeviceCopy,
  sealContent,
  sendSealed,
  useKeyChanges,
  userKeysChanged,
  wipeDeviceKeys,
} from './index';

const C = 'c0000000-0000-4000-8000-000000000001';
const OTHER = 'c0000000-0000-4000-8000-000000000002';
const alice = keyed('a0000000-0000-4000-8000-00000000000a');
const bob = keyed('b0000000-0000-4000-8000-00000000000b');
const carol = keyed('c0000000-0000-4000-8000-00000000000c');
const keyless: TestPerson = { userId: 'd0000000-0000-4000-8000-00000000000d', keys: null };

let seq = 0;
const msg = (senderId: string, content: string, conversationId = C) => ({
  id: `m-${++seq}`,
  conversationId,
  senderId,
  content,
});

/** Seal as `from` to the members, then sign in as `reader` (a fresh page: nothing cached). */
async function sealAs(from: TestPerson, members: TestPerson[], text: string): Promise<string> {
  await signInWithKeys(fakeServer(), from, { [C]: members });
  return sealContent(C, 'text', { text });
}
async function readAs(reader: TestPerson, members: TestPerson[]) {
  await signInWithKeys(fakeServer(), reader, { [C]: members, [OTHER]: members });
}

beforeEach(async () => {
  await wipeDeviceKeys();
});

describe('lib/e2ee: sealing and opening messages', () => {
  it('round trip: what Alice seals for the chat, Bob (and Alice herself) opens; the envelope holds no text', async () => {
    const envelope = await sealAs(alice, [alice, bob], 'Dinner at 8?');
    expect(envelope).not.toContain('Dinner');
    const parsed = JSON.parse(envelope) as { header: { recipients: string[]; conversationId: string } };
    expect(parsed.header.recipients).toEqual([alice.userId, bob.userId]);
    expect(parsed.header.conversationId).toBe(C);

    await readAs(bob, [alice, bob]);
    expect(await openContent(msg(alice.userId, envelope))).toEqual({
      state: 'opened',
      text: 'Dinner at 8?',
      media: null,
    });
    await readAs(alice, [alice, bob]);
    expect(await openContent(msg(alice.userId, envelope))).toMatchObject({ state: 'opened', text: 'Dinner at 8?' });
  });

  it('content stored before encryption shows as it is, marked legacy', async () => {
    await readAs(bob, [alice, bob]);
    expect(await openContent(msg(alice.userId, 'hello from 2025'))).toEqual({
      state: 'legacy',
      text: 'hello from 2025',
    });
    expect(await openContent(msg(alice.userId, '{"not":"an envelope"}'))).toMatchObject({ state: 'legacy' });
  });

  it('someone who joined later gets the placeholder that says what to do, never a crash', async () => {
    const envelope = await sealAs(alice, [alice, bob], 'before Carol');
    await readAs(carol, [alice, bob, carol]);
    const opened = await openContent(msg(alice.userId, envelope));
    expect(opened).toEqual({
      state: 'unreadable',
      reason: 'not_a_recipient',
      notice: 'This message was encrypted before you joined; ask the sender to send it again.',
    });
  });

  it('a member without keys yet is addressed without a wrapped key, and others still read it', async () => {
    const envelope = await sealAs(alice, [alice, bob, keyless], 'hi all');
    const parsed = JSON.parse(envelope) as { header: { recipients: string[] }; keys: Record<string, string> };
    expect(parsed.header.recipients).toContain(keyless.userId);
    expect(Object.keys(parsed.keys)).not.toContain(keyless.userId);
    await readAs(bob, [alice, bob, keyless]);
    expect(await openContent(msg(alice.userId, envelope))).toMatchObject({ state: 'opened', text: 'hi all' });
  });

  it('tampered, wrongly attributed or moved messages are hidden with one sentence', async () => {
    const envelope = await sealAs(alice, [alice, bob], 'pay 10 euros');
    const parsed = JSON.parse(envelope) as { body: string };
    const flipped = parsed.body.slice(0, 10) + (parsed.body[10] === 'A' ? 'B' : 'A') + parsed.body.slice(11);
    const tampered = JSON.stringify({ ...parsed, body: flipped });
    await readAs(bob, [alice, bob]);
    const hidden = { state: 'unreadable', reason: 'unverified', notice: NOTICES.unverified };
    expect(NOTICES.unverified).toBe('This message could not be verified and is hidden.');
    expect(await openContent(msg(alice.userId, tampered))).toEqual(hidden);
    // The server says Bob sent it, or it turns up in another chat: rejected.
    expect(await openContent(msg(bob.userId, envelope))).toEqual(hidden);
    expect(await openContent(msg(alice.userId, envelope, OTHER))).toEqual(hidden);
    // A broken envelope is not mistaken for legacy text.
    expect(await openContent(msg(alice.userId, '{"header":{"v":1}}'))).toEqual(hidden);
  });

  it("a message sealed before the sender's key change says so (the directory serves current keys only)", async () => {
    const envelope = await sealAs(alice, [alice, bob], 'old times');
    const server = fakeServer();
    const newAlice = keyed(alice.userId);
    await signInWithKeys(server, bob, { [C]: [newAlice, bob] });
    server.on('GET', `/api/users/${alice.userId}/keys`, () => ({
      data: { ...viewOf(newAlice), keysChangedAt: '2026-03-11T00:00:00.000Z' },
    }));
    const sent = { ...msg(alice.userId, envelope), createdAt: '2026-03-10T10:00:00.000Z' };
    expect(await openContent(sent)).toEqual({
      state: 'unreadable',
      reason: 'sender_keys_changed',
      notice: NOTICES.sender_keys_changed,
    });
  });

  it('while the keys are locked, nothing is opened and the result is not kept', async () => {
    const envelope = await sealAs(alice, [alice, bob], 'later');
    await wipeDeviceKeys();
    const m = msg(alice.userId, envelope);
    expect(await openContent(m)).toMatchObject({ state: 'unreadable', reason: 'locked' });
    await readAs(bob, [alice, bob]);
    expect(await openContent(m)).toMatchObject({ state: 'opened', text: 'later' });
  });

  it('opens a 50-message page once each (cached by id and content), asking the directory once per sender', async () => {
    const envelopes: string[] = [];
    await signInWithKeys(fakeServer(), alice, { [C]: [alice, bob] });
    for (let i = 0; i < 50; i++) envelopes.push(await sealContent(C, 'text', { text: `message ${i}` }));
    const server = fakeServer();
    await signInWithKeys(server, bob, { [C]: [alice, bob] });
    const page = envelopes.map((e) => msg(alice.userId, e));
    const started = performance.now();
    const opened = await Promise.all(page.map(openContent));
    const ms = performance.now() - started;
    expect(opened.map((o) => (o.state === 'opened' ? o.text : o.state))).toEqual(
      envelopes.map((_, i) => `message ${i}`),
    );
    expect(server.callsTo('GET', `/api/users/${alice.userId}/keys`)).toHaveLength(1);
    await Promise.all(page.map(openContent));
    expect(server.callsTo('GET', `/api/users/${alice.userId}/keys`)).toHaveLength(1);
    console.log(`[measured] opened 50 messages in ${ms.toFixed(1)} ms (jsdom, Node crypto)`);
  });
});

describe('lib/e2ee: members changing while sending (409 recipients_mismatch)', () => {
  it('refreshes the keys and seals once more by itself; the second envelope includes the new member', async () => {
    const server = fakeServer();
    const members = { [C]: [alice, bob] };
    await signInWithKeys(server, alice, members);
    await conversationKeys(C); // cached before Carol joins
    members[C] = [alice, bob, carol];
    const sent: string[] = [];
    const result = await sendSealed(C, 'text', { text: 'welcome' }, async (envelope) => {
      sent.push(envelope);
      const recipients = (JSON.parse(envelope) as { header: { recipients: string[] } }).header.recipients;
      if (!recipients.includes(carol.userId)) {
        throw new ApiError('recipients_mismatch', 'mismatch', 409, { missing: [carol.userId], extra: [] });
      }
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(sent).toHaveLength(2);
  });

  it('a second mismatch stops with a sentence (no loop)', async () => {
    await signInWithKeys(fakeServer(), alice, { [C]: [alice, bob] });
    let attempts = 0;
    const failing = sendSealed(C, 'text', { text: 'x' }, () => {
      attempts += 1;
      return Promise.reject(new ApiError('recipients_mismatch', 'mismatch', 409, { missing: [], extra: [] }));
    });
    await expect(failing).rejects.toThrow(/members of this chat changed while sending/);
    expect(attempts).toBe(2);
  });
});

describe('lib/e2ee: key changes', () => {
  it('warns when a contact seen before shows other keys, not at first sight', async () => {
    await signInWithKeys(fakeServer(), alice, { [C]: [alice, bob] });
    localStorage.clear();
    useKeyChanges.setState({ changed: {} });
    await conversationKeys(C);
    expect(useKeyChanges.getState().changed).toEqual({});
    const stored = localStorage.getItem(`herald.seenKeys.${alice.userId}`) ?? '';
    // Only public-key fingerprints are remembered.
    expect(stored).toContain(viewOf(bob).x25519PublicKey!.slice(0, 16));
    const bobAgain = keyed(bob.userId);
    userKeysChanged(viewOf(bobAgain));
    expect(Object.keys(useKeyChanges.getState().changed)).toEqual([bob.userId]);
  });
});

describe('lib/e2ee: the device copy', () => {
  it('without IndexedDB (jsdom) there is no device copy, and the keys are not put anywhere else', async () => {
    localStorage.clear();
    expect(typeof indexedDB).toBe('undefined');
    expect(await saveDeviceCopy(alice.userId, alice.keys!)).toBe(false);
    expect(await loadDeviceCopy(alice.userId, { x25519PublicKey: 'x', ed25519PublicKey: 'y' })).toBeNull();
    expect(localStorage.length).toBe(0);
  });
});
