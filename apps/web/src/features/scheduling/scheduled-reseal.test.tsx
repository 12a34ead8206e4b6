import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateUserKeys, KeyRing, openMessage, publicKeysOf, sealMessage, type UserKeys } from '@herald/crypto';
import type { PublicKeysView, ScheduledMessage } from '@herald/shared';
import { conversationKeys, membersChanged, unlockWith } from '../../lib/e2ee';
import { wipeKeyState } from '../../lib/e2ee/key-state';
import { scheduled } from '../../test-support/fixtures';
import { fakeServer } from '../../test-support/network';
import { ScheduledList } from './components/scheduled-list';
import { startAutoReseal } from './reseal';
import { useScheduling } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const CAROL = 'c0000000-0000-4000-8000-00000000000c';

const keys: Record<string, UserKeys> = {
  [ME]: generateUserKeys(),
  [BOB]: generateUserKeys(),
  [CAROL]: generateUserKeys(),
};
const view = (userId: string): PublicKeysView =>
  ({ userId, ...publicKeysOf(keys[userId]!), keysChangedAt: null }) as PublicKeysView;
const ringOf = (userId: string) => new KeyRing({ userId, keys: keys[userId]! });

/** Sealed by me, as the app does, for these members. */
async function sealedFor(members: string[], text: string): Promise<string> {
  return sealMessage(
    ringOf(ME),
    {
      conversationId: C,
      kind: 'text',
      recipients: members.map((id) => ({ userId: id, x25519PublicKey: view(id).x25519PublicKey })),
    },
    { text },
  );
}

/** What `reader` reads in the envelope the server was given. */
async function readAs(reader: string, content: string): Promise<string> {
  const plaintext = await openMessage(
    ringOf(reader),
    content,
    { conversationId: C, senderId: ME },
    publicKeysOf(keys[ME]!),
  );
  return plaintext.text;
}

/** A server whose conversation has `members` now; PUTs answer with the next version. */
function serve(item: ScheduledMessage, members: string[]) {
  let current = { ...item };
  const server = fakeServer()
    .on('GET', '/api/scheduled-messages', () => ({ data: [current] }))
    .on('GET', `/api/conversations/${C}/keys`, () => ({ data: { conversationId: C, members: members.map(view) } }))
    .on('GET', `/api/scheduled-messages/${item.id}`, () => ({ data: current }))
    .on('PUT', `/api/scheduled-messages/${item.id}`, (call) => {
      const body = call.body as { content?: string; version?: number };
      if (body.version !== current.version) {
        return {
          status: 409,
          error: { code: 'version_conflict', message: 'It was changed meanwhile; reload and try again.' },
        };
      }
      current = {
        ...current,
        content: body.content ?? current.content,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      return { data: current };
    });
  return { server, put: () => server.callsTo('PUT', `/api/scheduled-messages/${item.id}`), latest: () => current };
}

beforeEach(async () => {
  useScheduling.setState({ byId: {}, loaded: {}, cancelling: {} });
  await unlockWith(ME, keys[ME]!);
});
afterEach(() => wipeKeyState());

describe('scheduled messages in encrypted chats', () => {
  it('edits are sealed again on this device for the current members, with the version edited', async () => {
    const item = scheduled({
      senderId: ME as ScheduledMessage['senderId'],
      conversationId: C as ScheduledMessage['conversationId'],
      content: await sealedFor([ME, BOB], 'see you at 8'),
    });
    const { put } = serve(item, [ME, BOB]);
    render(
      <ScheduledList
        conversationId={C}
        timeZone="UTC"
        pickerMinLeadSeconds={60}
        maxHorizonDays={367}
        onOpenMessage={() => {}}
      />,
    );
    const user = userEvent.setup();
    const row = (await screen.findByText('see you at 8')).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    const box = screen.getByRole('textbox', { name: 'Message text' });
    await user.clear(box);
    await user.type(box, 'see you at 9');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    // (The textarea holds the words too: wait for the saved row itself.)
    await vi.waitFor(() => expect(screen.queryByRole('textbox', { name: 'Message text' })).toBeNull());
    expect(row.querySelector('.scheduled-content')).toHaveTextContent('see you at 9');
    const body = put()[0]!.body as { content: string; version: number };
    expect(body.version).toBe(1);
    expect(body.content).not.toContain('see you');
    expect(await readAs(BOB, body.content)).toBe('see you at 9');
  });

  it('an edit refused with recipients_mismatch is sealed again once for the fresh member list', async () => {
    const item = scheduled({
      senderId: ME as ScheduledMessage['senderId'],
      conversationId: C as ScheduledMessage['conversationId'],
      content: await sealedFor([ME, BOB], 'lunch?'),
    });
    const members = [ME, BOB];
    const { server, put } = serve(item, members);
    await conversationKeys(C, { fresh: true });
    // Carol joined a moment ago; this tab has not heard of it yet.
    members.push(CAROL);
    let refused = false;
    server.on('PUT', `/api/scheduled-messages/${item.id}`, (call) => {
      const body = call.body as { content: string };
      const listed = (JSON.parse(body.content) as { header: { recipients: string[] } }).header.recipients;
      if (!listed.includes(CAROL)) {
        refused = true;
        return {
          status: 409,
          error: { code: 'recipients_mismatch', message: 'Members changed.', details: { missing: [CAROL], extra: [] } },
        };
      }
      return { data: { ...item, content: body.content, version: 2, updatedAt: new Date().toISOString() } };
    });
    render(
      <ScheduledList
        conversationId={C}
        timeZone="UTC"
        pickerMinLeadSeconds={60}
        maxHorizonDays={367}
        onOpenMessage={() => {}}
      />,
    );
    const user = userEvent.setup();
    const row = (await screen.findByText('lunch?')).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    const box = screen.getByRole('textbox', { name: 'Message text' });
    await user.clear(box);
    await user.type(box, 'lunch at 1?');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(put()).toHaveLength(2));
    expect(refused).toBe(true);
    expect(await readAs(CAROL, (put()[1]!.body as { content: string }).content)).toBe('lunch at 1?');
    await vi.waitFor(() => expect(screen.queryByRole('textbox', { name: 'Message text' })).toBeNull());
  });

  it('says "1 new member can\'t read this yet" and "Encrypt for them" seals it for them', async () => {
    const item = scheduled({
      senderId: ME as ScheduledMessage['senderId'],
      conversationId: C as ScheduledMessage['conversationId'],
      content: await sealedFor([ME, BOB], 'party at 8'),
    });
    const { put } = serve(item, [ME, BOB, CAROL]);
    await conversationKeys(C, { fresh: true });
    render(
      <ScheduledList
        conversationId={C}
        timeZone="UTC"
        pickerMinLeadSeconds={60}
        maxHorizonDays={367}
        onOpenMessage={() => {}}
      />,
    );
    const gap = await screen.findByTestId('reader-gap');
    expect(gap).toHaveTextContent("1 new member can't read this yet");
    await userEvent.setup().click(within(gap).getByRole('button', { name: 'Encrypt for them' }));
    await vi.waitFor(() => expect(screen.queryByTestId('reader-gap')).toBeNull());
    const body = put()[0]!.body as { content: string; version: number };
    expect(body.version).toBe(1);
    expect(await readAs(CAROL, body.content)).toBe('party at 8');
    expect(await readAs(BOB, body.content)).toBe('party at 8');
  });

  it('re-seals by itself when the members change, reloading once on a version conflict', async () => {
    const item = scheduled({
      senderId: ME as ScheduledMessage['senderId'],
      conversationId: C as ScheduledMessage['conversationId'],
      content: await sealedFor([ME, BOB], 'dinner?'),
    });
    const members = [ME, BOB];
    const { put, latest } = serve(item, members);
    useScheduling.getState().upsert(item, 'load');
    await conversationKeys(C, { fresh: true });
    const auto = startAutoReseal(ME);
    try {
      // Edited on another device meanwhile: this tab's copy is one version behind.
      const edited = await sealedFor([ME, BOB], 'dinner at 7?');
      useScheduling.setState({ byId: { [item.id]: item } });
      Object.assign(latest(), { content: edited, version: 2 });
      members.push(CAROL);
      membersChanged(C);
      await vi.waitFor(() => expect(put()).toHaveLength(2), { timeout: 3000 });
      expect((put()[0]!.body as { version: number }).version).toBe(1);
      const second = put()[1]!.body as { content: string; version: number };
      expect(second.version).toBe(2);
      expect(await readAs(CAROL, second.content)).toBe('dinner at 7?');
      expect(useScheduling.getState().byId[item.id]!.version).toBe(3);
    } finally {
      auto.stop();
    }
  });
});
