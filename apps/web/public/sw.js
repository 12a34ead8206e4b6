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

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = chatPath(event.notification.data);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const origin = self.location.origin;
      const tab = windows.find((w) => new URL(w.url).origin === origin);
      if (tab) {
        await tab.focus();
        tab.postMessage({ type: 'herald:open-chat', path });
        return;
      }
      await self.clients.openWindow(path);
    })(),
  );
});
