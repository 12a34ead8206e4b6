import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@herald/shared';
import { useConversations } from '../features/conversations/store';
import { useMessageChanges } from '../features/messages/changes';
import { useMessages } from '../features/messages/store';
import { conversation, message } from '../test-support/fixtures';
import { fakeServer } from '../test-support/network';
import { applyDeletedMessages, applyUpdatedMessage } from './message-change-events';

const chat = conversation();
const C = chat.id;
const first = message({ conversationId: C, content: 'first', createdAt: '2026-03-10T10:01:00.000Z' });
const last = message({ conversationId: C, content: 'last', createdAt: '2026-03-10T10:02:00.000Z' });
const contents = () => useMessages.getState().timelines[C]!.messages.map((m) => m.content);

beforeEach(() => {
  useMessages.setState({ timelines: {}, drafts: {}, replyTo: {}, refusals: {} });
  useMessageChanges.getState().close();
  useConversations.setState({ byId: { [C]: { ...chat, lastMessage: last, unreadCount: 2 } }, loaded: true });
  useMessages.getState().receive(first);
  useMessages.getState().receive(last);
});

describe('edits and deletes heard on the socket', () => {
  it('message_updated with an edit replaces the copy held and the chat list preview, counting nothing', () => {
    const edited: Message = { ...last, content: 'last, edited', editedAt: '2026-03-10T10:05:00.000Z' };
    applyUpdatedMessage(edited);
    expect(contents()).toEqual(['first', 'last, edited']);
    expect(useConversations.getState().byId[C]).toMatchObject({
      lastMessage: { content: 'last, edited' },
      unreadCount: 2,
    });
  });

  it('message_updated for a message not loaded here leaves the timeline alone (no lone old message above a gap)', () => {
    const older = message({ conversationId: C, content: 'older', createdAt: '2026-03-10T09:00:00.000Z' });
    applyUpdatedMessage({ ...older, editedAt: '2026-03-10T10:05:00.000Z' });
    expect(contents()).toEqual(['first', 'last']);
  });

  it('message_updated with a tombstone replaces the message in place, closes my editor on it and asks for the new unread count', async () => {
    const server = fakeServer().on('GET', `/api/conversations/${C}`, () => ({
      data: { ...chat, lastMessage: { ...first, content: '', deletedAt: 'x' }, unreadCount: 1 },
    }));
    useMessageChanges.getState().startEdit(first.id);
    applyUpdatedMessage({ ...first, content: '', deletedAt: '2026-03-10T10:06:00.000Z' });
    expect(useMessages.getState().timelines[C]!.messages.map((m) => [m.id, m.deletedAt !== null])).toEqual([
      [first.id, true],
      [last.id, false],
    ]);
    expect(useMessageChanges.getState().editing).toBeNull();
    await expect.poll(() => useConversations.getState().byId[C]!.unreadCount).toBe(1);
    expect(server.callsTo('GET', `/api/conversations/${C}`)).toHaveLength(1);
  });

  it('message_deleted (for me, on another device) removes it and refreshes the list when it was the last message', async () => {
    const server = fakeServer().on('GET', `/api/conversations/${C}`, () => ({
      data: { ...chat, lastMessage: first, unreadCount: 1 },
    }));
    applyDeletedMessages({ conversationId: C, messageIds: [last.id] });
    expect(contents()).toEqual(['first']);
    await expect.poll(() => useConversations.getState().byId[C]!.lastMessage?.id).toBe(first.id);
    // Not the last message: nothing to ask.
    applyDeletedMessages({ conversationId: C, messageIds: ['m-unknown' as Message['id']] });
    expect(server.callsTo('GET', `/api/conversations/${C}`)).toHaveLength(1);
  });
});
