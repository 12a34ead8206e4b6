import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '@herald/shared';
import { useConversations } from '../features/conversations/store';
import { useNotificationSettings } from '../features/notifications/settings';
import { primeOpened } from '../lib/e2ee';
import { conversation, message, user } from '../test-support/fixtures';
import { applyTabBadge, notifyIncoming } from './notifications';

const ME = 'u0000000-0000-4000-8000-00000000000a';
const bob = user({ id: 'u0000000-0000-4000-8000-00000000000b' as never, displayName: 'Bob' });
const me = user({ id: ME as never, displayName: 'Me' });
const DIRECT = 'c0000000-0000-4000-8000-000000000001';
const GROUP = 'c0000000-0000-4000-8000-000000000002';

/** The page-level Notification (jsdom has no service worker): what was shown, and clicks. */
let shown: {
  title: string;
  body: string | undefined;
  tag: string | undefined;
  instance: { onclick: (() => void) | null };
}[];

beforeEach(() => {
  shown = [];
  class FakeNotification {
    static permission: NotificationPermission = 'granted';
    static requestPermission = vi.fn(async () => 'granted' as const);
    onclick: (() => void) | null = null;
    constructor(title: string, options: NotificationOptions = {}) {
      shown.push({ title, body: options.body, tag: options.tag, instance: this });
    }
    close() {}
  }
  vi.stubGlobal('Notification', FakeNotification);
  useNotificationSettings.setState({ enabled: true, preview: true, permission: 'granted' });
  const chats: Conversation[] = [
    conversation({ id: DIRECT as never, members: [member(me), member(bob)] }),
    conversation({ id: GROUP as never, kind: 'group', title: 'Book club', members: [member(me), member(bob)] }),
  ];
  useConversations.setState({ byId: Object.fromEntries(chats.map((c) => [c.id, c])), loaded: true });
  vi.spyOn(document, 'hasFocus').mockReturnValue(true);
  vi.spyOn(window, 'focus').mockImplementation(() => {});
});
afterEach(() => {
  document.querySelector('link[rel="icon"]')?.remove();
});

function member(u: ReturnType<typeof user>) {
  return { user: u, role: 'member' as const, joinedAt: '2026-03-01T10:00:00.000Z' };
}

function incoming(conversationId: string, text: string, over: Parameters<typeof message>[0] = {}) {
  const m = message({ conversationId: conversationId as never, senderId: bob.id, ...over });
  primeOpened(m, { text });
  return m;
}

describe('a live message, as the person sees it', () => {
  it('shows the sender and the text opened on the device (markdown stripped); a click opens the chat', async () => {
    await notifyIncoming(incoming(DIRECT, 'See you **at 9**'), ME);
    expect(shown).toMatchObject([{ title: 'Bob', body: 'See you at 9', tag: `chat:${DIRECT}` }]);
    shown[0]!.instance.onclick!();
    expect(location.pathname).toBe(`/c/${DIRECT}`);
  });

  it('in a group: "Bob in Book club"; with preview off: "New message" only', async () => {
    await notifyIncoming(incoming(GROUP, 'Chapter 3 tonight'), ME);
    useNotificationSettings.getState().set({ preview: false });
    await notifyIncoming(incoming(GROUP, 'secret words'), ME);
    expect(shown.map((n) => [n.title, n.body])).toEqual([
      ['Bob in Book club', 'Chapter 3 tonight'],
      ['Herald', 'New message'],
    ]);
  });

  it('nothing for the chat on screen in a focused tab; something once the tab loses focus', async () => {
    history.pushState(null, '', `/c/${DIRECT}`);
    await notifyIncoming(incoming(DIRECT, 'I see you'), ME);
    expect(shown).toEqual([]);
    vi.mocked(document.hasFocus).mockReturnValue(false);
    await notifyIncoming(incoming(DIRECT, 'Are you there?'), ME);
    expect(shown.map((n) => n.body)).toEqual(['Are you there?']);
  });

  it('nothing for a muted chat, my own message, an event row, or with notifications off here', async () => {
    useConversations.setState((s) => ({
      byId: { ...s.byId, [GROUP]: { ...s.byId[GROUP]!, mutedUntil: 'forever' } },
    }));
    await notifyIncoming(incoming(GROUP, 'muted'), ME);
    await notifyIncoming(incoming(DIRECT, 'from my phone', { senderId: ME as never }), ME);
    await notifyIncoming(incoming(DIRECT, '', { contentType: 'event' as never }), ME);
    useNotificationSettings.getState().set({ enabled: false });
    await notifyIncoming(incoming(DIRECT, 'off'), ME);
    expect(shown).toEqual([]);
  });
});

describe('the tab title and favicon', () => {
  it('"(N) Herald" and the badge icon from unread chats that are not muted; back to plain at zero', () => {
    const link = document.createElement('link');
    link.rel = 'icon';
    link.href = '/favicon.svg';
    document.head.append(link);
    const byId = useConversations.getState().byId;
    const now = Date.parse('2026-03-10T10:00:00.000Z');
    const count = applyTabBadge(
      {
        [DIRECT]: { ...byId[DIRECT]!, unreadCount: 3 },
        [GROUP]: { ...byId[GROUP]!, unreadCount: 7, mutedUntil: '2026-03-10T11:00:00.000Z' },
      },
      now,
    );
    expect(count).toBe(3);
    expect(document.title).toBe('(3) Herald');
    expect(link.getAttribute('href')).toBe('/favicon-3.svg');
    // The mute ends: its unread count counts again.
    applyTabBadge(
      {
        [DIRECT]: { ...byId[DIRECT]!, unreadCount: 3 },
        [GROUP]: { ...byId[GROUP]!, unreadCount: 7, mutedUntil: '2026-03-10T11:00:00.000Z' },
      },
      now + 3_600_000,
    );
    expect(document.title).toBe('(10) Herald');
    expect(link.getAttribute('href')).toBe('/favicon-9plus.svg');
    applyTabBadge({}, now);
    expect(document.title).toBe('Herald');
    expect(link.getAttribute('href')).toBe('/favicon.svg');
  });
});
