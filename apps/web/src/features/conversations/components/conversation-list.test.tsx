import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { conversation, message, user } from '../../../test-support/fixtures';
import { useConversations } from '../store';
import { ConversationList } from './conversation-list';

const me = user({ displayName: 'Me', username: 'me' });
const alice = user({ displayName: 'Alice Martin', username: 'alice' });
const bob = user({ displayName: 'Bob', username: 'bobby' });
const member = (u: typeof me) => ({ user: u, role: 'member' as const, joinedAt: '2026-03-01T10:00:00.000Z' });

function setUp() {
  const withAlice = conversation({
    id: 'c0000000-0000-4000-8000-00000000000a' as never,
    members: [member(me), member(alice)],
    // Legacy (unsealed) content opens at once, like a message already opened on this device.
    lastMessage: message({ content: 'Lunch at the **Crêperie**?', senderId: alice.id }),
    lastActivityAt: '2026-03-10T10:00:00.000Z',
  });
  const withBob = conversation({
    id: 'c0000000-0000-4000-8000-00000000000b' as never,
    members: [member(me), member(bob)],
    lastMessage: message({ content: 'See you tomorrow', senderId: bob.id }),
    lastActivityAt: '2026-03-09T10:00:00.000Z',
  });
  const group = conversation({
    id: 'c0000000-0000-4000-8000-00000000000c' as never,
    kind: 'group',
    title: 'Book club',
    members: [member(me), member(alice), member(bob)],
    lastActivityAt: '2026-03-08T10:00:00.000Z',
  });
  useConversations.setState({
    byId: { [withAlice.id]: withAlice, [withBob.id]: withBob, [group.id]: group },
    loaded: true,
  });
  render(
    <ConversationList myId={me.id} timeZone="UTC" activeId={null} hrefFor={(id) => `/c/${id}`} onOpen={() => {}} />,
  );
}

/** The chats shown (none when the list is hidden). */
function titles() {
  const nav = screen.queryByRole('navigation', { name: 'Chats' });
  if (!nav) return [];
  return within(nav)
    .queryAllByRole('link')
    .map((a) => a.querySelector('.conversation-row-title')?.textContent);
}

describe('the chat list filter (issue 13, item 3)', () => {
  it('filters as you type by name, username, group title and the last message, ignoring case and accents', async () => {
    setUp();
    expect(titles()).toEqual(['Alice Martin', 'Bob', 'Book club']);
    const box = screen.getByRole('searchbox', { name: 'Search chats' });
    await userEvent.type(box, 'ALICE');
    expect(titles()).toEqual(['Alice Martin', 'Book club']);
    await userEvent.clear(box);
    await userEvent.type(box, 'bobby');
    expect(titles()).toEqual(['Bob', 'Book club']);
    await userEvent.clear(box);
    await userEvent.type(box, 'book');
    expect(titles()).toEqual(['Book club']);
    await userEvent.clear(box);
    // The last message's words as opened on this device, markers and accents aside.
    await userEvent.type(box, 'creperie');
    expect(titles()).toEqual(['Alice Martin']);
  });

  it('says when nothing matches; Escape and the clear button empty the box', async () => {
    setUp();
    const box = screen.getByRole('searchbox', { name: 'Search chats' });
    await userEvent.type(box, 'zebra');
    expect(screen.getByRole('status')).toHaveTextContent('No chats match “zebra”.');
    expect(titles()).toEqual([]);
    await userEvent.keyboard('{Escape}');
    expect(box).toHaveValue('');
    expect(titles()).toHaveLength(3);
    await userEvent.type(box, 'bob');
    await userEvent.click(screen.getByRole('button', { name: 'Clear search' }));
    expect(box).toHaveValue('');
    expect(titles()).toHaveLength(3);
  });

  it('shows previews without the formatting markers', () => {
    setUp();
    expect(screen.getByText('Lunch at the Crêperie?')).toBeInTheDocument();
  });
});
