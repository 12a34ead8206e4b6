import type { Browser, BrowserContext, Page } from 'playwright-core';

type Person = { context: BrowserContext; page: Page };
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
  openScheduleDialog,
} from './harness.js';

/** The same screen at desktop and phone width, light and dark: `search-<screen>-<width>-<scheme>`. */
async function shots(page: Page, screen: string, prepare?: () => Promise<void>): Promise<void> {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      await prepare?.();
      await page.waitForTimeout(150); // layout and the virtualised rows settle
      await shot(page, `search-${screen}-${width}-${scheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

const t0 = Date.now();
const step = (what: string) => console.log(`[search-links] ${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);

describe.sequential('search, links and formatting (issue 13, items 3 and 4)', () => {
  let browser: Browser;
  let a: Person;
  let b: Person;
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await a?.context.close();
    await b?.context.close();
    await browser?.close();
  });

  const target = () => `${baseUrl()}/api/config`;

  it('one person', async () => {
    step('start');
    b = await person(browser);
    await register(b.page, bob, 'Bob');
  }, 85_000);

  // Two sign-ups (Argon2id on the device each) in separate steps: each fits the budget on a busy box.
  it('a second person starts a chat', async () => {
    a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
  }, 85_000);

  it('a chat of 60 messages', async () => {
    step('// 60 messages');
    const log = a.page.getByRole('log', { name: 'Messages' });
    // 60 messages: more than the first page (50), so the old one is found by paging back.
    await send(a.page, 'Message 1');
    await send(a.page, 'Message 2');
    await send(a.page, 'The secret Café is behind the old mill');
    // Typed in the page itself (one round trip, not two per message: the test box is shared).
    await a.page.evaluate(async () => {
      const box = document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')!;
      const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      const settle = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      for (let n = 4; n <= 57; n++) {
        setValue.call(box, `Message ${n}`);
        box.dispatchEvent(new Event('input', { bubbles: true }));
        await settle();
        box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        // One at a time, as a person would: the next once this one is confirmed (kept in order).
        while (box.value !== '' || document.querySelector('.msg-local')) await settle();
      }
    });
    await log.locator('.msg', { hasText: 'Message 57' }).waitFor();
    await send(
      a.page,
      `Read ${target()} and [the guide](${target()}) but not javascript:alert(1) or [x](JaVaScRiPt:alert(1))`,
    );
    await send(a.page, '**Bold** and *italic* and _also italic_ with `some code`\n> a quoted line');
    await send(a.page, '```\nconst x = 1;\n```');
    await log.locator('.msg', { hasText: 'const x = 1;' }).waitFor();
  }, 85_000);

  it('formatting is rendered and links open safely', async () => {
    step('// Bob opens the chat fresh');
    // Bob opens the chat fresh: only the newest page is loaded.
    await b.page.reload();
    await openChat(b.page, 'Alice');
    const blog = b.page.getByRole('log', { name: 'Messages' });
    const formatted = blog.locator('.msg', { hasText: 'a quoted line' });
    await formatted.waitFor();
    expect(await formatted.locator('.msg-text strong').textContent()).toBe('Bold');
    expect(await formatted.locator('.msg-text em').allTextContents()).toEqual(['italic', 'also italic']);
    expect(await formatted.locator('.msg-text code').textContent()).toBe('some code');
    expect(await formatted.locator('.msg-text blockquote').textContent()).toBe('a quoted line');
    expect(await blog.locator('.msg-text pre code').textContent()).toBe('const x = 1;');
    // No markers left in the text, and nothing became markup.
    expect(await formatted.locator('.msg-text').textContent()).not.toContain('**');

    step('// Links: http(s) only');
    // Links: http(s) only, new page, no opener; javascript: stays text, whatever its case.
    const linkMessage = blog.locator('.msg', { hasText: 'the guide' });
    const links = linkMessage.locator('.msg-text a');
    expect(await links.count()).toBe(2);
    for (const link of await links.all()) {
      expect(await link.getAttribute('href')).toBe(target());
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('target')).toBe('_blank');
    }
    expect(await linkMessage.locator('a[href^="javascript" i]').count()).toBe(0);
    expect(await linkMessage.locator('.msg-text').textContent()).toContain('javascript:alert(1)');
    expect(await linkMessage.locator('.msg-text').textContent()).toContain('[x](JaVaScRiPt:alert(1))');
    const popupCame = b.context.waitForEvent('page');
    await linkMessage.getByRole('link', { name: 'the guide' }).click();
    const popup = await popupCame;
    await popup.waitForLoadState('domcontentloaded');
    expect(new URL(popup.url()).pathname).toBe('/api/config');
    expect(await popup.evaluate(() => window.opener === null)).toBe(true);
    await popup.close();
    await shots(b.page, 'formatted-message', async () => {
      // No hover toolbar over the text (the pointer is away, the clicked link loses focus).
      await b.page.mouse.move(1, 1);
      await b.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await blog.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    });
  }, 85_000);

  it('the chat list filters as you type', async () => {
    step('chat list filter');
    // The chat list filter: names and the last message's opened words; Escape clears.
    const filter = b.page.getByRole('searchbox', { name: 'Search chats' });
    await filter.fill('ALI');
    const chats = b.page.getByRole('navigation', { name: 'Chats' });
    await chats.getByRole('link', { name: /Alice/ }).waitFor();
    await filter.fill('const x');
    await chats.getByRole('link', { name: /Alice/ }).waitFor();
    await filter.fill('nobody here');
    await b.page.getByText('No chats match “nobody here”.').waitFor();
    await b.page.goto('/');
    await b.page.getByRole('searchbox', { name: 'Search chats' }).fill('nobody here');
    await shots(b.page, 'chat-list-filter');
    await b.page.getByRole('searchbox', { name: 'Search chats' }).fill('ali');
    await shots(b.page, 'chat-list-filter-match');
    await b.page.getByRole('searchbox', { name: 'Search chats' }).press('Escape');
    expect(await b.page.getByRole('searchbox', { name: 'Search chats' }).inputValue()).toBe('');
    await openChat(b.page, 'Alice');
  }, 85_000);

  it('search in a chat finds an old message on the device and jumps to it', async () => {
    const blog = b.page.getByRole('log', { name: 'Messages' });
    step('search');
    // Search this chat: "cafe" finds "Café" (case and accents ignored), 57 messages back, which
    // is not loaded yet: the search pages back through the history, opening each page here.
    await b.page.getByRole('button', { name: 'Search this chat' }).click();
    const search = b.page.getByRole('searchbox', { name: 'Search this chat' });
    await expect
      .poll(() => b.page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search this chat');
    await search.fill('cafe');
    const results = b.page.getByRole('list', { name: 'Search results' });
    const result = results.getByRole('button', { name: /secret Café/ });
    await result.waitFor();
    await b.page.getByText('Searched the whole chat.').waitFor();
    expect(await results.getByRole('listitem').count()).toBe(1);
    expect(await result.locator('mark').textContent()).toBe('Café');
    await shots(b.page, 'results');

    step('await result.click();');
    await result.click();
    const old = blog.locator('.msg', { hasText: 'The secret Café is behind the old mill' });
    await old.waitFor();
    await expect.poll(() => old.evaluate((el) => el.classList.contains('msg-highlight'))).toBe(true);
    await shot(b.page, 'search-jump-highlight-desktop-light');
    // On screen: inside the timeline's visible box.
    await expect
      .poll(() =>
        old.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const view = el.closest('.timeline')!.getBoundingClientRect();
          return box.top >= view.top && box.bottom <= view.bottom;
        }),
      )
      .toBe(true);
    expect(await old.locator('.msg-text mark').textContent()).toBe('Café');
    expect(new URL(b.page.url()).searchParams.get('m')).toBe(await old.getAttribute('data-message-id'));
    await shots(b.page, 'jump', async () => {
      await old.scrollIntoViewIfNeeded();
    });

    step('// Enter goes through');
    // Enter goes through matches; Escape closes and the marks go.
    await search.fill('message 5');
    await results.getByRole('button', { name: /Message 57/ }).waitFor();
    await search.press('Enter');
    await blog.locator('.msg.msg-highlight', { hasText: 'Message 57' }).waitFor();
    await search.press('Enter');
    await blog.locator('.msg.msg-highlight', { hasText: 'Message 56' }).waitFor();
    expect(await b.page.locator('.chat-search-count').textContent()).toMatch(/^2 of \d+$/);
    await search.press('Escape');
    expect(await b.page.getByRole('searchbox', { name: 'Search this chat' }).count()).toBe(0);
    expect(await blog.locator('mark').count()).toBe(0);
    // The jump's focus goes with the search (the timeline no longer returns to it).
    expect(new URL(b.page.url()).searchParams.get('m')).toBeNull();
  }, 85_000);

  it('the schedule dialog previews the formatting', async () => {
    step('schedule preview');
    // The schedule dialog shows the message formatted as it will look.
    await b.page.getByRole('textbox', { name: 'Message' }).fill('**Tomorrow** at _noon_, see www.example.com');
    await openScheduleDialog(b.page);
    const dialog = b.page.getByRole('dialog', { name: 'Schedule message' });
    const preview = dialog.getByTestId('schedule-content-preview');
    await preview.waitFor();
    expect(await preview.locator('strong').textContent()).toBe('Tomorrow');
    expect(await preview.locator('em').textContent()).toBe('noon');
    expect(await preview.locator('a').getAttribute('href')).toBe('https://www.example.com/');
    await shots(b.page, 'schedule-preview');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }, 85_000);
});
