import { fireEvent, render, screen, within } from '@testing-library/react';
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

describe('the chat list filter (issue 13, item 3)', { timeout: 15_000 }, () => {
  it('filters as you type by name, username, group title and the last message, ignoring case and accents', () => {
    setUp();
    expect(titles()).toEqual(['Alice Martin', 'Bob', 'Book club']);
    const box = screen.getByRole('searchbox', { name: 'Search chats' });
    fireEvent.change(box, { target: { value: 'ALICE' } });
    expect(titles()).toEqual(['Alice Martin', 'Book club']);
    fireEvent.change(box, { target: { value: 'bobby' } });
    expect(titles()).toEqual(['Bob', 'Book club']);
    fireEvent.change(box, { target: { value: 'book' } });
    expect(titles()).toEqual(['Book club']);
    // The last message's words as opened on this device, markers and accents aside.
    fireEvent.change(box, { target: { value: 'creperie' } });
    expect(titles()).toEqual(['Alice Martin']);
  });

  it('says when nothing matches; Escape and the clear button empty the box', () => {
    setUp();
    const box = screen.getByRole('searchbox', { name: 'Search chats' });
    fireEvent.change(box, { target: { value: 'zebra' } });
    expect(screen.getByRole('status')).toHaveTextContent('No chats match “zebra”.');
    expect(titles()).toEqual([]);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(box).toHaveValue('');
    expect(titles()).toHaveLength(3);
    fireEvent.change(box, { target: { value: 'bob' } });
    fireEvent.click(screen.getByRole('button', { name: 'Clear search' }));
    expect(box).toHaveValue('');
    expect(titles()).toHaveLength(3);
  });

  it('shows previews without the formatting markers', () => {
    setUp();
    expect(screen.getByText('Lunch at the Crêperie?')).toBeInTheDocument();
  });
});
