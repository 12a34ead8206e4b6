import { registerReset } from '../../lib/resets';
import { readyRegistration } from './service-worker';

export interface HeraldNotification {
  title: string;
  body: string;
  conversationId: string;
  messageId: string;
}

/** Notifications shown by the page itself (no service worker): closed when their chat is read. */
const pageNotifications = new Map<string, Notification[]>();
registerReset(() => pageNotifications.clear());

/**
 * Shows a notification through the service worker (it shows while the tab is in the background,
 * and a click works even after the tab was closed), else through the page. One per chat (`tag`):
 * a newer message replaces the older one instead of stacking. `onPageClick` handles a click on a
 * page-made notification (the worker handles its own).
 */
export async function showNotification(n: HeraldNotification, onPageClick: (conversationId: string) => void) {
  const options: NotificationOptions = {
    body: n.body,
    tag: `chat:${n.conversationId}`,
    icon: '/favicon.svg',
    data: { conversationId: n.conversationId, messageId: n.messageId },
  };
  const registration = await readyRegistration();
  if (registration) {
    await registration.showNotification(n.title, options);
    return;
  }
  if (typeof Notification === 'undefined') return;
  const notification = new Notification(n.title, options);
  notification.onclick = () => {
    window.focus();
    notification.close();
    onPageClick(n.conversationId);
  };
  const list = pageNotifications.get(n.conversationId) ?? [];
  pageNotifications.set(n.conversationId, [...list, notification]);
}

/** The chat was opened here: its notifications go away (this device's only). */
export async function closeNotificationsFor(conversationId: string): Promise<void> {
  for (const n of pageNotifications.get(conversationId) ?? []) n.close();
  pageNotifications.delete(conversationId);
  const registration = await readyRegistration().catch(() => null);
  if (!registration) return;
  const shown = await registration.getNotifications({ tag: `chat:${conversationId}` }).catch(() => []);
  for (const n of shown) n.close();
}
