import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { conversation, message } from '../../test-support/fixtures';
import { faviconFor, titleWithCount, unreadForBadge } from './badge';
import { MuteDialog } from './components/mute-dialog';
import { NotificationSettings } from './components/notification-settings';
import { NotificationPrompt } from './components/permission-prompt';
import { decideNotify, isMutedAt, notificationText, type NotifyContext } from './decide';
import { MUTE_CHOICES, mutedLabel, muteUntilFor } from './mute';
import { NOTIFICATION_SETTINGS_KEY, shouldOfferNotifications, useNotificationSettings } from './settings';

const ME = 'u0000000-0000-4000-8000-00000000000a';
const ctx = (over: Partial<NotifyContext> = {}): NotifyContext => ({
  myId: ME,
  active: true,
  muted: false,
  watching: false,
  ...over,
});

/** A Notification API double: the permission the browser would hold, and what it answers when asked. */
function stubNotification(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const requestPermission = vi.fn(async () => answer);
  vi.stubGlobal('Notification', Object.assign(vi.fn(), { permission, requestPermission }));
  useNotificationSettings.getState().syncPermission();
  return requestPermission;
}

describe('which message notifies', () => {
  it("someone else's message in a chat I am not looking at", () => {
    expect(decideNotify(message(), ctx())).toEqual({ notify: true });
  });

  it('not when off on this device, mine, an event row, deleted, muted, or the chat I am looking at', () => {
    expect(decideNotify(message(), ctx({ active: false }))).toEqual({ notify: false, reason: 'inactive' });
    expect(decideNotify(message({ senderId: ME as never }), ctx())).toEqual({ notify: false, reason: 'mine' });
    expect(decideNotify(message({ contentType: 'event' as never }), ctx())).toEqual({
      notify: false,
      reason: 'event',
    });
    expect(decideNotify(message({ deletedAt: '2026-03-10T10:00:01.000Z' }), ctx())).toEqual({
      notify: false,
      reason: 'deleted',
    });
    expect(decideNotify(message(), ctx({ muted: true }))).toEqual({ notify: false, reason: 'muted' });
    expect(decideNotify(message(), ctx({ watching: true }))).toEqual({ notify: false, reason: 'watching' });
  });

  it('a mute holds until its instant, forever holds always, null or a past instant is no mute', () => {
    const now = Date.parse('2026-03-10T10:00:00.000Z');
    expect(isMutedAt('2026-03-10T10:00:00.001Z', now)).toBe(true);
    expect(isMutedAt('2026-03-10T10:00:00.000Z', now)).toBe(false);
    expect(isMutedAt('forever', now)).toBe(true);
    expect(isMutedAt(null, now)).toBe(false);
    expect(isMutedAt('garbage', now)).toBe(false);
  });
});

describe('what a notification says', () => {
  const base = {
    preview: true,
    senderName: 'Bob',
    groupTitle: null,
    text: 'See you at 9',
    contentType: 'text' as const,
    oneTime: false,
  };

  it('sender and text; in a group, the group too; without preview, only "New message"', () => {
    expect(notificationText(base)).toEqual({ title: 'Bob', body: 'See you at 9' });
    expect(notificationText({ ...base, groupTitle: 'Book club' })).toEqual({
      title: 'Bob in Book club',
      body: 'See you at 9',
    });
    expect(notificationText({ ...base, preview: false, groupTitle: 'Book club' })).toEqual({
      title: 'Herald',
      body: 'New message',
    });
  });

  it('photos, videos, one-time media (never opened for it), unreadable text, long text on one line', () => {
    expect(notificationText({ ...base, contentType: 'image', text: '' }).body).toBe('📷 Photo');
    expect(notificationText({ ...base, contentType: 'image', text: 'Look' }).body).toBe('📷 Look');
    expect(notificationText({ ...base, contentType: 'video', text: '' }).body).toBe('🎬 Video');
    expect(notificationText({ ...base, contentType: 'image', oneTime: true, text: 'secret' }).body).toBe(
      '👁 One-time photo',
    );
    expect(notificationText({ ...base, text: null }).body).toBe('New message');
    const long = notificationText({ ...base, text: `line one\n\nline two ${'x'.repeat(300)}` }).body;
    expect(long.startsWith('line one line two x')).toBe(true);
    expect(long).toHaveLength(180);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('the tab title and favicon count', () => {
  const now = Date.parse('2026-03-10T10:00:00.000Z');

  it('counts unread messages of chats that are not muted', () => {
    const list = [
      conversation({ id: 'c1' as never, unreadCount: 2 }),
      conversation({ id: 'c2' as never, unreadCount: 5, mutedUntil: 'forever' }),
      conversation({ id: 'c3' as never, unreadCount: 1, mutedUntil: '2026-03-10T11:00:00.000Z' }),
      conversation({ id: 'c4' as never, unreadCount: 3, mutedUntil: '2026-03-10T09:00:00.000Z' }),
    ];
    expect(unreadForBadge(list, now)).toBe(5);
    expect(unreadForBadge([], now)).toBe(0);
  });

  it('"(3) Herald", plain "Herald" at zero, 99+ beyond; a favicon per count up to 9+', () => {
    expect(titleWithCount(3)).toBe('(3) Herald');
    expect(titleWithCount(0)).toBe('Herald');
    expect(titleWithCount(120)).toBe('(99+) Herald');
    expect(faviconFor(0)).toBe('/favicon.svg');
    expect(faviconFor(1)).toBe('/favicon-1.svg');
    expect(faviconFor(9)).toBe('/favicon-9.svg');
    expect(faviconFor(10)).toBe('/favicon-9plus.svg');
  });
});

describe('muting', () => {
  it('offers 1 hour, 8 hours, 1 week and forever, and sends the instant from now', () => {
    const now = Date.parse('2026-03-10T10:00:00.000Z');
    expect(MUTE_CHOICES.map((c) => c.label)).toEqual([
      'For 1 hour',
      'For 8 hours',
      'For 1 week',
      'Until I turn it back on',
    ]);
    expect(muteUntilFor(MUTE_CHOICES[1]!, now)).toBe('2026-03-10T18:00:00.000Z');
    expect(muteUntilFor(MUTE_CHOICES[3]!, now)).toBe('forever');
  });

  it('says until when, in my zone', () => {
    const now = Date.parse('2026-03-10T10:00:00.000Z');
    expect(mutedLabel('forever', now, 'UTC')).toBe('Muted');
    expect(mutedLabel('2026-03-10T18:00:00.000Z', now, 'UTC')).toMatch(/^Muted until (18:00|6:00\s?PM)$/);
    expect(mutedLabel('2026-03-12T09:00:00.000Z', now, 'UTC')).toMatch(/^Muted until Thu /);
    expect(mutedLabel('2026-03-09T09:00:00.000Z', now, 'UTC')).toBe('');
    expect(mutedLabel(null, now, 'UTC')).toBe('');
  });

  it('the dialog saves the chosen length and closes', async () => {
    const onMute = vi.fn(async (until: string) => {
      void until;
    });
    const onClose = vi.fn();
    const before = Date.now();
    render(<MuteDialog chatName="Bob" onMute={onMute} onClose={onClose} />);
    await userEvent.click(screen.getByLabelText('For 8 hours'));
    await userEvent.click(screen.getByRole('button', { name: 'Mute' }));
    const until = Date.parse(onMute.mock.calls[0]![0]);
    expect(until - before).toBeGreaterThanOrEqual(8 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(8 * 3_600_000);
    expect(onClose).toHaveBeenCalled();
  });

  it('a refusal stays in the dialog as a sentence', async () => {
    const onClose = vi.fn();
    const onMute = vi.fn(async () => {
      throw new Error('The service is not ready.');
    });
    render(<MuteDialog chatName="Bob" onMute={onMute} onClose={onClose} />);
    await userEvent.click(screen.getByRole('button', { name: 'Mute' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The service is not ready.');
    expect(onClose).not.toHaveBeenCalled();
  });
});

describe('settings on this device', () => {
  it('turning on asks the browser from the click, and stays off when the browser says no', async () => {
    const ask = stubNotification('default', 'denied');
    render(<NotificationSettings />);
    expect(screen.getByRole('status')).toHaveTextContent('Off on this device.');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on notifications' }));
    expect(ask).toHaveBeenCalledTimes(1);
    expect(useNotificationSettings.getState().enabled).toBe(false);
    expect(await screen.findByRole('status')).toHaveTextContent(/blocked for Herald in this browser.*Site settings/);
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
  });

  it('granted: on, stored per device, preview and sound switches stored too', async () => {
    stubNotification('default', 'granted');
    render(<NotificationSettings />);
    await userEvent.click(screen.getByRole('button', { name: 'Turn on notifications' }));
    expect(await screen.findByRole('button', { name: 'Turn off notifications' })).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/Show who wrote and what/));
    expect(JSON.parse(localStorage.getItem(NOTIFICATION_SETTINGS_KEY)!)).toMatchObject({
      enabled: true,
      preview: false,
      sound: false,
    });
    await userEvent.click(screen.getByRole('button', { name: 'Turn off notifications' }));
    expect(JSON.parse(localStorage.getItem(NOTIFICATION_SETTINGS_KEY)!)).toMatchObject({ enabled: false });
  });

  it('the offer: only after I sent something, while nothing was decided; Not now hides it for good', async () => {
    stubNotification('default');
    const { rerender } = render(<NotificationPrompt />);
    expect(screen.queryByRole('region', { name: 'Notifications' })).toBeNull();
    useNotificationSettings.getState().noteSent();
    rerender(<NotificationPrompt />);
    expect(await screen.findByRole('region', { name: 'Notifications' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('region', { name: 'Notifications' })).toBeNull();
    expect(JSON.parse(localStorage.getItem(NOTIFICATION_SETTINGS_KEY)!)).toMatchObject({ promptDismissed: true });
    const s = useNotificationSettings.getState();
    expect(shouldOfferNotifications({ ...s, promptDismissed: false, permission: 'denied' })).toBe(false);
    expect(shouldOfferNotifications({ ...s, promptDismissed: false, permission: 'default' })).toBe(true);
  });
});
