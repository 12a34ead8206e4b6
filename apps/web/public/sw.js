/*
 * Herald's service worker (registered by features/notifications/service-worker.ts, scope '/').
 *
 * It does one thing: notifications. The page, alive in a background tab, decrypts a message and
 * hands the notification to registration.showNotification(), so it shows while the tab is in
 * the background and a click still works after the tab was closed. A click focuses an open
 * Herald tab and tells it which chat to open (the app navigates without a reload), or opens a new
 * tab on that chat.
 *
 * No fetch handler and no cache: the app is always loaded from the network, as before. Web Push
 * (the browser vendor's push service waking this worker with the page closed) is designed in
 * docs/web.md ("Notifications") and not built: it would add a 'push' listener here.
 */
self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** Only paths of this app, never a URL a notification's data could carry elsewhere. */
function chatPath(data) {
  const id = data && typeof data.conversationId === 'string' ? data.conversationId : '';
  return /^[0-9a-fA-F-]{36}$/.test(id) ? `/c/${id}` : '/';
}

/**
 * A click: focus an open Herald tab and tell it which chat to open (the app navigates without a
 * reload), or open a new tab on that chat. A named function, so that a test can call it with a
 * notification (a synthetic notificationclick event cannot be extended with waitUntil).
 */
async function openFromNotification(notification) {
  const path = chatPath(notification.data);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tab = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (tab) {
    tab.postMessage({ type: 'herald:open-chat', path });
    // Allowed only while handling a real click (a test's call is not one): the message still went.
    await tab.focus().catch(() => {});
    return;
  }
  await self.clients.openWindow(path);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification));
});
