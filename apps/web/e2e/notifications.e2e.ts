import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseUrl,
  DESKTOP,
  launch,
  openChat,
  openDirectChat,
  person,
  PHONE,
  register,
  shot,
  uniqueName,
} from './harness.js';

/** The notifications the service worker shows for this page's origin (title, body, chat). */
async function shownNotifications(page: Page): Promise<{ title: string; body: string; conversationId: string }[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const list = await registration.getNotifications();
    return list.map((n) => ({
      title: n.title,
      body: n.body,
      conversationId: (n.data as { conversationId: string }).conversationId,
    }));
  });
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('log', { name: 'Messages' }).locator('.msg', { hasText: text }).waitFor();
}

/**
 * Hides `page` as switching to another tab would, as far as the page can tell: document.hidden,
 * document.visibilityState 'hidden', no focus, and a visibilitychange event. Headless Chromium
 * gives no real way: Playwright opens each page in a window of its own (a second page does not
 * hide the first), a minimized window (CDP Browser.setWindowBounds) still reports 'visible', and
 * focus is emulated per page. Answers the function that shows it again.
 */
async function hide(page: Page): Promise<() => Promise<void>> {
  const set = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.hasFocus = () => !h;
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await set(true);
  return () => set(false);
}

/** The chat list (on a phone) without a reload: the brand link, as a person would. */
async function home(page: Page): Promise<void> {
  await page.locator('.sidebar-header .brand').click();
  await page.waitForURL((url) => url.pathname === '/');
}

async function variants(page: Page, name: string, viewports: ('desktop' | 'phone')[] = ['desktop', 'phone']) {
  for (const size of viewports) {
    await page.setViewportSize(size === 'desktop' ? DESKTOP : PHONE);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      await shot(page, `notifications-${name}-${size}-${scheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe.sequential('notifications (issue 13, item 1)', () => {
  let browser: Browser;
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Alice and Bob, shared by the first three tests.
  let pair: { a: Awaited<ReturnType<typeof person>>; b: Awaited<ReturnType<typeof person>>; chatId: string };

  it('notifications are offered after my first message, and turned on from that offer', async () => {
    const a = await person(browser);
    await register(a.page, alice, 'Alice');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    await b.context.grantPermissions(['notifications'], { origin: baseUrl() });

    await openDirectChat(a.page, 'Bob', bob);
    await send(a.page, 'Hello Bob');
    const chatId = new URL(a.page.url()).pathname.split('/')[2]!;
    pair = { a, b, chatId };

    // Bob answers: the moment Herald offers notifications (never on load).
    expect(await b.page.getByRole('region', { name: 'Notifications' }).count()).toBe(0);
    await openChat(b.page, 'Alice');
    await send(b.page, 'Hi Alice');
    const prompt = b.page.getByRole('region', { name: 'Notifications' });
    await prompt.getByRole('button', { name: 'Turn on' }).click();
    await prompt.waitFor({ state: 'detached' });
    await b.page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
  });

  it('a message to a hidden tab: "(1)" in its title, a notification with sender and text, a click opens the chat', async () => {
    const { a, b, chatId } = pair;
    // Bob goes back to the list and switches to another tab.
    await home(b.page);
    const show = await hide(b.page);
    expect(await b.page.title()).toBe('Herald');

    await send(a.page, 'Are you coming tonight?');
    await expect.poll(() => b.page.title()).toBe('(1) Herald');
    expect(await b.page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon-1.svg');
    await expect
      .poll(() => shownNotifications(b.page))
      .toEqual([{ title: 'Alice', body: 'Are you coming tonight?', conversationId: chatId }]);

    // The click, as the service worker handles it (the click brings Bob back to the tab first):
    // Bob's tab opens the chat, which is then read.
    await show();
    const [worker] = b.context.serviceWorkers();
    expect(worker).toBeDefined();
    await worker!.evaluate(async () => {
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        openFromNotification: (n: Notification) => Promise<void>;
      };
      const [notification] = await scope.registration.getNotifications();
      await scope.openFromNotification(notification!);
    });
    await b.page.waitForURL((url) => url.pathname === `/c/${chatId}`);
    await b.page
      .getByRole('log', { name: 'Messages' })
      .locator('.msg', { hasText: 'Are you coming tonight?' })
      .waitFor();
    await expect.poll(() => b.page.title()).toBe('Herald');
    // Seen: its notification went away.
    await expect.poll(() => shownNotifications(b.page)).toEqual([]);
  });

  it('a chat muted from its menu: no notification and no title count, and again once unmuted', async () => {
    const { a, b, chatId } = pair;
    // Bob mutes the chat for 8 hours from its menu.
    await b.page.getByRole('button', { name: 'Chat menu' }).click();
    await b.page.getByRole('menuitem', { name: 'Mute notifications…' }).click();
    const dialog = b.page.getByRole('dialog', { name: 'Mute notifications' });
    await dialog.getByLabel('For 8 hours').check();
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await dialog.waitFor({ state: 'detached' });
    await b.page.locator('.chat-header .muted-indicator').waitFor();
    await home(b.page);
    const row = b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice/ });
    await row.getByRole('img', { name: 'Muted' }).waitFor();

    const show2 = await hide(b.page);
    await send(a.page, 'Still there?');
    await row.getByText('Still there?').waitFor();
    await expect.poll(() => row.getByLabel('1 unread').count()).toBe(1);
    // Unread in the list (grey), but no notification and no count in the title.
    expect(await row.locator('.unread-badge-muted').count()).toBe(1);
    expect(await b.page.title()).toBe('Herald');
    expect(await shownNotifications(b.page)).toEqual([]);
    await show2();

    // Unmuted from the menu: the next message notifies again.
    await openChat(b.page, 'Alice');
    await b.page.getByRole('button', { name: 'Chat menu' }).click();
    await b.page.getByRole('menuitem', { name: 'Unmute notifications' }).click();
    await expect.poll(() => b.page.locator('.chat-header .muted-indicator').count()).toBe(0);
    await home(b.page);
    const show3 = await hide(b.page);
    await send(a.page, 'Ping');
    await expect
      .poll(() => shownNotifications(b.page))
      .toEqual([{ title: 'Alice', body: 'Ping', conversationId: chatId }]);
    await expect.poll(() => b.page.title()).toBe('(1) Herald');
    await show3();
    await a.context.close();
    await b.context.close();
  });

  // The screens share two people (registering is the slow part on a busy machine).
  let c: Awaited<ReturnType<typeof person>>;
  let d: Awaited<ReturnType<typeof person>>;

  it('screens: the offer and the chat menu (desktop and phone, light and dark)', async () => {
    const dave = uniqueName('dave');
    d = await person(browser);
    await register(d.page, dave, 'Dave');
    c = await person(browser);
    await register(c.page, uniqueName('carol'), 'Carol');
    await openDirectChat(c.page, 'Dave', dave);
    await send(c.page, 'Are we still on for lunch?');
    const prompt = c.page.getByRole('region', { name: 'Notifications' });
    await prompt.waitFor();
    await variants(c.page, 'prompt');

    // The chat menu, with "Mute notifications…".
    await c.page.getByRole('button', { name: 'Chat menu' }).click();
    await c.page.getByRole('menuitem', { name: 'Mute notifications…' }).waitFor();
    await variants(c.page, 'menu');
  });

  it('screens: the mute dialog and a muted chat (desktop and phone, light and dark)', async () => {
    await c.page.getByRole('menuitem', { name: 'Mute notifications…' }).click();
    const dialog = c.page.getByRole('dialog', { name: 'Mute notifications' });
    await dialog.waitFor();
    await variants(c.page, 'mute-dialog');
    await dialog.getByLabel('Until I turn it back on').check();
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await dialog.waitFor({ state: 'detached' });
    const prompt = c.page.getByRole('region', { name: 'Notifications' });
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    await c.page.locator('.chat-header .muted-indicator').waitFor();
    await variants(c.page, 'muted-chat');
    await home(c.page);
    await c.page.getByRole('navigation', { name: 'Chats' }).getByRole('img', { name: 'Muted' }).waitFor();
    await variants(c.page, 'muted-row', ['phone']);
  });

  it('screens: the settings section (desktop and phone, light and dark)', async () => {
    await c.page.locator('.sidebar-header').getByRole('button', { name: 'Settings' }).click();
    const section = c.page.getByRole('region', { name: 'Notifications' });
    await section.getByRole('button', { name: 'Turn on notifications' }).waitFor();
    await section.scrollIntoViewIfNeeded();
    await variants(c.page, 'settings');
    await c.context.close();
    await d.context.close();
  });
});
