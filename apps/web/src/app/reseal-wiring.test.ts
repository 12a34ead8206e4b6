import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateUserKeys, KeyRing, openMessage, publicKeysOf, sealMessage, type UserKeys } from '@herald/crypto';
import type { ConversationMember, PublicKeysView, ScheduledMessage } from '@herald/shared';
import { useConversations } from '../features/conversations/store';
import { useScheduling } from '../features/scheduling/store';
import { unlockWith } from '../lib/e2ee';
import { conversation, scheduled, user } from '../test-support/fixtures';
import { fakeServer } from '../test-support/network';
import { wireAutoReseal } from './wiring';

const C = 'c0000000-0000-4000-8000-0000000000c1';
const ME = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const CAROL = 'c0000000-0000-4000-8000-00000000000c';
const keys: Record<string, UserKeys> = {
  [ME]: generateUserKeys(),
  [BOB]: generateUserKeys(),
  [CAROL]: generateUserKeys(),
};
const view = (userId: string) => ({ userId, ...publicKeysOf(keys[userId]!), keysChangedAt: null }) as PublicKeysView;
const member = (id: string): ConversationMember => ({
  user: user({ id: id as ConversationMember['user']['id'] }),
  role: 'member',
  joinedAt: '2026-03-01T10:00:00.000Z',
});

async function pendingFor(members: string[], text: string): Promise<ScheduledMessage> {
  const content = await sealMessage(
    new KeyRing({ userId: ME, keys: keys[ME]! }),
    {
      conversationId: C,
      kind: 'text',
      recipients: members.map((id) => ({ userId: id, x25519PublicKey: view(id).x25519PublicKey })),
    },
    { text },
  );
  return scheduled({
    senderId: ME as ScheduledMessage['senderId'],
    conversationId: C as ScheduledMessage['conversationId'],
    content,
    scheduledTime: '2099-01-01T00:00:00.000Z',
  });
}

/** The server: this pending message, these current members; PUTs are recorded and accepted. */
function serve(item: ScheduledMessage, members: string[]) {
  let current = { ...item };
  const server = fakeServer()
    .on('GET', '/api/scheduled-messages', () => ({ data: [current] }))
    .on('GET', `/api/conversations/${C}/keys`, () => ({ data: { conversationId: C, members: members.map(view) } }))
    .on('PUT', `/api/scheduled-messages/${item.id}`, (call) => {
      const body = call.body as { content: string; version: number };
      current = { ...current, content: body.content, version: current.version + 1 };
      return { data: current };
    });
  const keyLookups = () => server.callsTo('GET', `/api/conversations/${C}/keys`).length;
  return Object.assign(
    () =>
      server
        .callsTo('PUT', `/api/scheduled-messages/${item.id}`)
        .map((c) => c.body as { content: string; version: number }),
    { keyLookups },
  );
}

const readAs = async (reader: string, content: string) =>
  (
    await openMessage(
      new KeyRing({ userId: reader, keys: keys[reader]! }),
      content,
      { conversationId: C, senderId: ME },
      publicKeysOf(keys[ME]!),
    )
  ).text;

let unwire: (() => void) | null = null;
beforeEach(async () => {
  useConversations.setState({
    byId: { [C]: conversation({ id: C as never, kind: 'group', members: [member(ME), member(BOB)] }) },
  });
  await unlockWith(ME, keys[ME]!);
});
// (The key ring, its caches and the stores are reset after each test by test-support/setup.ts.)
afterEach(() => {
  unwire?.();
  unwire = null;
});

describe('pending scheduled messages follow the members, with no click', () => {
  it('a member seen joining (conversations store) gets the message sealed for them', async () => {
    const item = await pendingFor([ME, BOB], 'see you all at 8');
    const members = [ME, BOB];
    const puts = serve(item, members);
    unwire = wireAutoReseal(ME);
    // The catch-up looked at the members (after its short debounce) and found nobody missing.
    await vi.waitFor(() => expect(puts.keyLookups()).toBe(1));
    await vi.waitFor(() => expect(useScheduling.getState().byId[item.id]).toBeDefined());
    expect(puts()).toEqual([]);

    members.push(CAROL);
    useConversations.getState().memberJoined(C, member(CAROL));
    await vi.waitFor(() => expect(puts()).toHaveLength(1));
    expect(puts()[0]!.version).toBe(1);
    expect(await readAs(CAROL, puts()[0]!.content)).toBe('see you all at 8');
  });

  it('catches up after sign-in on changes made while no device of mine was online', async () => {
    const item = await pendingFor([ME, BOB], 'hello from the past');
    const puts = serve(item, [ME, BOB, CAROL]);
    unwire = wireAutoReseal(ME);
    await vi.waitFor(() => expect(puts()).toHaveLength(1));
    expect(await readAs(CAROL, puts()[0]!.content)).toBe('hello from the past');
  });
});
