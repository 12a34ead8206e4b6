import { useSyncExternalStore } from 'react';

/**
 * A tiny history-API router: the app has a handful of screens, so a library would cost more
 * bytes than it saves.
 */
export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'home' }
  | { name: 'chat'; id: string; panel: 'scheduled' | 'info' | null; focus: string | null }
  | { name: 'scheduled' }
  | { name: 'settings' };

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'register') return { name: 'register' };
  if (parts[0] === 'scheduled') return { name: 'scheduled' };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'c' && parts[1]) {
    const panel = parts[2] === 'scheduled' || parts[2] === 'info' ? parts[2] : null;
    return { name: 'chat', id: parts[1], panel, focus: params.get('m') };
  }
  return { name: 'home' };
}

export const paths = {
  home: '/',
  login: '/login',
  register: '/register',
  scheduled: '/scheduled',
  settings: '/settings',
  chat: (id: string, panel?: 'scheduled' | 'info' | null, focus?: string | null) =>
    `/c/${encodeURIComponent(id)}${panel ? `/${panel}` : ''}${focus ? `?m=${encodeURIComponent(focus)}` : ''}`,
};

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  notify();
}

let cachedKey = '';
let cachedRoute: Route = { name: 'home' };
function snapshot(): Route {
  const key = location.pathname + location.search;
  if (key !== cachedKey) {
    cachedKey = key;
    cachedRoute = parseRoute(location.pathname, location.search);
  }
  return cachedRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot,
    snapshot,
  );
}
