import { useEffect } from 'react';
import type { Conversation, Message } from '@herald/shared';
import { conversationTitle } from '../features/conversations/model';
import { useConversations } from '../features/conversations/store';
import { unreadForBadge, faviconFor, titleWithCount } from '../features/notifications/badge';
import { decideNotify, isMutedAt, notificationText } from '../features/notifications/decide';
import { closeNotificationsFor, showNotification } from '../features/notifications/notifier';
import { onOpenChatRequest, registerServiceWorker } from '../features/notifications/service-worker';
import { notificationsActive, useNotificationSettings } from '../features/notifications/settings';
import { playChime, unlockSound } from '../features/notifications/sound';
import { openContent } from '../lib/e2ee';
import { stripMarkdown } from '../lib/format/markdown';
import { registerReset } from '../lib/resets';
import { navigate, paths, type Route } from './router';

/**
 * Notifications composed from the features (docs/web.md "Notifications"): which live message
 * notifies (features/notifications/decide.ts), what it says (sender and text opened on this
 * device), the tab title and favicon count, the sound, and the service worker's clicks.
 */

/** The chat on screen, in a tab the person is looking at (visible AND focused). */
function watching(conversationId: string): boolean {
  const path = location.pathname.split('/').filter(Boolean);
  const onScreen = path[0] === 'c' && decodeURIComponent(path[1] ?? '') === conversationId;
  return onScreen && document.visibilityState === 'visible' && document.hasFocus();
}

/** A chat just started by someone else is fetched by the chat list; wait for it briefly. */
function conversationOf(id: string, timeoutMs = 3000): Promise<Conversation | undefined> {
  const known = useConversations.getState().byId[id];
  if (known) return Promise.resolve(known);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(undefined);
    }, timeoutMs);
    const unsubscribe = useConversations.subscribe((s) => {
      const found = s.byId[id];
      if (!found) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(found);
    });
  });
}

/**
 * A message arrived live (realtime.ts applyIncomingMessage): notify and/or chime when it deserves
 * it. Catch-up after a reconnect does not come through here: old news is not announced.
 */
export async function notifyIncoming(message: Message, myId: string): Promise<void> {
  if (message.senderId === myId) return;
  const settings = useNotificationSettings.getState();
  const conversation = await conversationOf(message.conversationId);
  const base = {
    myId,
    muted: isMutedAt(conversation?.mutedUntil, Date.now()),
    watching: watching(message.conversationId),
  };
  const decision = decideNotify(message, { ...base, active: notificationsActive(settings) });
  if (settings.sound && decideNotify(message, { ...base, active: true }).notify) playChime();
  if (!decision.notify) return;

  const sender = conversation?.members.find((m) => m.user.id === message.senderId)?.user.displayName ?? 'Someone';
  let text: string | null = null;
  if (settings.preview && !message.isOneTimeMedia) {
    const opened = await openContent(message).catch(() => null);
    if (opened && opened.state !== 'unreadable') {
      text = stripMarkdown(opened.text);
    }
  }
  const { title, body } = notificationText({
    preview: settings.preview,
    senderName: sender,
    groupTitle: conversation?.kind === 'group' ? conversationTitle(conversation, myId) : null,
    text,
    contentType: message.contentType,
    oneTime: message.isOneTimeMedia,
  });
  // The person may have opened the chat while the text was being opened.
  if (watching(message.conversationId)) return;
  await showNotification(
    { title, body, conversationId: message.conversationId, messageId: message.id },
    (conversationId) => navigate(paths.chat(conversationId)),
  ).catch(() => {});
}

const BASE_TITLE = 'Herald';

/** "(3) Herald" and the favicon with a 3: unread messages in chats that are not muted. */
export function applyTabBadge(conversations: Record<string, Conversation>, now = Date.now()): number {
  const count = unreadForBadge(Object.values(conversations), now);
  const title = titleWithCount(count, BASE_TITLE);
  if (document.title !== title) document.title = title;
  const href = faviconFor(count);
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link && link.getAttribute('href') !== href) link.setAttribute('href', href);
  return count;
}

registerReset(() => {
  document.title = BASE_TITLE;
});

/**
 * Mounted by the shell while signed in: registers the service worker, keeps the tab title and
 * favicon count current (a timed mute that ends counts again within a minute), opens the chat a
 * notification click asks for, closes a chat's notifications once it is on screen, and lets the
 * sound play after the first click on the page.
 */
export function NotificationWiring({ route }: { route: Route }) {
  useEffect(() => {
    void registerServiceWorker();
    const stopOpen = onOpenChatRequest((path) => navigate(path));
    const apply = () => applyTabBadge(useConversations.getState().byId);
    apply();
    const stopBadge = useConversations.subscribe((s, before) => {
      if (s.byId !== before.byId) apply();
    });
    const tick = setInterval(apply, 60_000);
    const unlock = () => {
      if (useNotificationSettings.getState().sound) unlockSound();
    };
    document.addEventListener('pointerdown', unlock, { once: true });
    return () => {
      stopOpen();
      stopBadge();
      clearInterval(tick);
      document.removeEventListener('pointerdown', unlock);
      document.title = BASE_TITLE;
      document.querySelector('link[rel="icon"]')?.setAttribute('href', faviconFor(0));
    };
  }, []);

  const chatId = route.name === 'chat' ? route.id : null;
  useEffect(() => {
    if (!chatId) return;
    const close = () => {
      if (watching(chatId)) void closeNotificationsFor(chatId);
    };
    close();
    window.addEventListener('focus', close);
    document.addEventListener('visibilitychange', close);
    return () => {
      window.removeEventListener('focus', close);
      document.removeEventListener('visibilitychange', close);
    };
  }, [chatId]);

  return null;
}
