/**
 * The service worker (public/sw.js) that shows notifications and handles their clicks. Registered
 * once signed in (registering asks nothing of the person; only notifications need permission).
 * Browsers without service workers (or jsdom) fall back to `new Notification` in the page.
 */

let registering: Promise<ServiceWorkerRegistration | null> | null = null;

export function serviceWorkerSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && window.isSecureContext;
}

/** Registers /sw.js (scope '/'), once per page; null where service workers are not available. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  registering ??= serviceWorkerSupported()
    ? navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => null)
    : Promise.resolve(null);
  return registering;
}

/** The active registration, if one is ready (waits at most until registration settles). */
export async function readyRegistration(): Promise<ServiceWorkerRegistration | null> {
  const registration = await registerServiceWorker();
  if (!registration) return null;
  if (registration.active) return registration;
  return navigator.serviceWorker.ready;
}

/**
 * Listens for the worker's "open this chat" (a notification was clicked while this tab was open).
 * Only paths are accepted, and only from our own worker. Returns the unsubscribe.
 */
export function onOpenChatRequest(open: (path: string) => void): () => void {
  if (!serviceWorkerSupported()) return () => {};
  const listener = (event: MessageEvent) => {
    const data = event.data as { type?: unknown; path?: unknown } | null;
    if (data?.type !== 'herald:open-chat' || typeof data.path !== 'string') return;
    if (!/^\/(c\/[0-9a-fA-F-]{36})?$/.test(data.path)) return;
    window.focus();
    open(data.path);
  };
  navigator.serviceWorker.addEventListener('message', listener);
  return () => navigator.serviceWorker.removeEventListener('message', listener);
}
