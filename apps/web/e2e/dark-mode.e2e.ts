import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';
import { png } from './png.js';

/** Issue 13, item 10 (dark mode) and item 11 (visual fixes, bundled emoji): the browser test. */

const LIGHT_BG = 'rgb(244, 246, 248)'; // --bg, light
const DARK_BG = 'rgb(11, 18, 21)'; // --bg, dark
const LIGHT_TIMELINE = 'rgb(238, 243, 241)'; // --timeline-bg, light
const DARK_TIMELINE = 'rgb(14, 23, 27)'; // --timeline-bg, dark

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const timelineBackground = (page: Page) =>
  page.evaluate(() => {
    // The first painted background at the timeline (its own or its pane's).
    for (let node = document.querySelector('[role="log"]'); node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)') return colour;
    }
    return null;
  });

describe.sequential('dark mode and visual fixes', () => {
  let browser: Browser;
  /** Max (m) writes to Zoe (f); the later tests look at Max's screens. */
  let m: { context: BrowserContext; page: Page };
  let f: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await m?.context.close();
    await f?.context.close();
    await browser?.close();
  });

  it('Dark in settings darkens the app, survives a reload; System follows the system scheme live', async () => {
    const me = uniqueName('dora');
    const m = await person(browser);
    await register(m.page, me, 'Dora Dark');
    expect(await bodyBackground(m.page)).toBe(LIGHT_BG);

    await m.page.getByRole('button', { name: 'Settings' }).click();
    const theme = m.page.getByRole('group', { name: 'Theme' });
    expect(await theme.getByRole('radio', { name: 'System' }).isChecked()).toBe(true);
    await theme.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => bodyBackground(m.page)).toBe(DARK_BG);
    expect(await m.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    // A reload keeps it, from the first paint: the attribute is there before any module runs.
    await m.page.reload({ waitUntil: 'domcontentloaded' });
    expect(await m.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await m.page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await bodyBackground(m.page)).toBe(DARK_BG);
    expect(await m.page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).isChecked()).toBe(
      true,
    );

    // Dark overrides a light system; System then follows the system, live.
    await m.page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'System' }).check();
    await expect.poll(() => bodyBackground(m.page)).toBe(LIGHT_BG);
    await m.page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => bodyBackground(m.page)).toBe(DARK_BG);
    await m.page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => bodyBackground(m.page)).toBe(LIGHT_BG);

    // Light overrides a dark system.
    await m.page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Light' }).check();
    await m.page.emulateMedia({ colorScheme: 'dark' });
    await m.page.reload();
    await m.page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await bodyBackground(m.page)).toBe(LIGHT_BG);
    await m.context.close();
  }, 90_000);

  it('two people and a chat with emoji', async () => {
    const friend = uniqueName('zoe');
    f = await person(browser);
    await register(f.page, friend, 'Zoe Martin');
    const me = uniqueName('max');
    m = await person(browser);
    await register(m.page, me, 'Max Weber');
    await openDirectChat(m.page, 'Zoe Martin', friend);
    const log = m.page.getByRole('log', { name: 'Messages' });
    for (const text of ['Hey Zoe, are we still on for Friday? 🎉', 'I can bring the board games 🎲🍕 and 1 cake']) {
      await m.page.getByRole('textbox', { name: 'Message' }).fill(text);
      await m.page.getByRole('button', { name: 'Send', exact: true }).click();
      await log.getByText(text).waitFor();
    }
  }, 90_000);

  it('a wide image, a reaction and a reply: image whole, emoji in colour', async () => {
    const log = m.page.getByRole('log', { name: 'Messages' });
    // A wide picture: shown whole, not cropped to a square.
    await m.page.getByTestId('attach-input').setInputFiles({
      name: 'panorama.png',
      mimeType: 'image/png',
      buffer: png(600, 200, [30, 120, 220]),
    });
    await m.page.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByRole('button', { name: 'Open image' }).waitFor();

    await f.page.getByRole('link', { name: /Max Weber/ }).click();
    const theirLog = f.page.getByRole('log', { name: 'Messages' });
    // Rows move while the picture is opened and drawn: wait for it, then hover and react.
    const theirImage = theirLog.locator('.media-button img');
    await theirImage.waitFor();
    await expect.poll(() => theirImage.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    const first = theirLog.getByText('Hey Zoe, are we still on for Friday? 🎉');
    await first.hover();
    await theirLog.getByRole('button', { name: 'React 👍' }).first().click();
    await f.page.getByRole('textbox', { name: 'Message' }).fill('Yes! 7 pm at mine 😄👍');
    await f.page.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('Yes! 7 pm at mine 😄👍').waitFor();
    await log.getByRole('button', { name: /👍 1/ }).waitFor();

    // The hover toolbar does not cover the text it acts on; the reaction chip does not cover the
    // time and ticks.
    const reacted = log.locator('.msg', { hasText: 'Hey Zoe, are we still on for Friday?' });
    await reacted.locator('.msg-text').hover();
    const overlap = await reacted.evaluate((row) => {
      const box = (selector: string) => row.querySelector(selector)!.getBoundingClientRect();
      const meets = (a: DOMRect, b: DOMRect) =>
        a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return {
        toolbarOverText: meets(box('.msg-actions'), box('.msg-text')),
        chipOverMeta: meets(box('.msg-reactions'), box('.msg-meta')),
      };
    });
    expect(overlap).toEqual({ toolbarOverText: false, chipOverMeta: false });

    // The image keeps its shape: its box has the picture's aspect ratio (3:1), not a crop.
    const box = await log.getByRole('button', { name: 'Open image' }).boundingBox();
    expect(box).not.toBeNull();
    const img = log.locator('img').first();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    const ratio = await img.evaluate((i: HTMLImageElement) => {
      const r = i.getBoundingClientRect();
      return r.width / r.height;
    });
    expect(ratio).toBeGreaterThan(2.8);
    expect(ratio).toBeLessThan(3.2);

    // The bundled emoji font is used (loaded from 'self') for the emoji on screen.
    await expect
      .poll(() =>
        m.page.evaluate(async () => {
          await document.fonts.ready;
          return document.fonts.check('16px "Herald Emoji"', '🎉');
        }),
      )
      .toBe(true);
  }, 90_000);

  it('chat, emoji picker and a dialog in light and dark, desktop and phone', async () => {
    const log = m.page.getByRole('log', { name: 'Messages' });
    for (const scheme of ['light', 'dark'] as const) {
      await m.page.emulateMedia({ colorScheme: scheme });
      for (const [label, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await m.page.setViewportSize(viewport);
        await m.page.getByRole('textbox', { name: 'Message' }).waitFor();
        await expect.poll(() => timelineBackground(m.page)).toBe(scheme === 'dark' ? DARK_TIMELINE : LIGHT_TIMELINE);
        await log.getByText('Yes! 7 pm at mine 😄👍').hover();
        await shot(m.page, `settings-visual-chat-${label}-${scheme}`);
        if (label === 'desktop') {
          await m.page.getByRole('button', { name: 'Emoji' }).click();
          await m.page.locator('.emoji-popover .EmojiPickerReact').waitFor();
          await m.page.waitForTimeout(300); // let the font swap in for the picker's emoji
          await shot(m.page, `settings-visual-emoji-picker-${label}-${scheme}`);
          await m.page.keyboard.press('Escape');
        }
        // On a phone the chat list (with New chat) is a screen of its own.
        if (label === 'phone') await m.page.getByRole('button', { name: 'Back to chats' }).click();
        await m.page.getByRole('button', { name: 'New chat' }).click();
        const dialog = m.page.getByRole('dialog');
        await dialog.waitFor();
        // Dialogs start in their first field, not on the close button.
        expect(
          await m.page.evaluate(
            () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName,
          ),
        ).not.toBe('Close');
        expect(await m.page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
        await shot(m.page, `settings-visual-dialog-${label}-${scheme}`);
        await m.page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        if (label === 'phone') await m.page.getByRole('link', { name: /Zoe Martin/ }).click();
      }
    }
  }, 90_000);

  it('settings (zone picker open) and the chat list in light and dark, desktop and phone', async () => {
    await m.page.setViewportSize(DESKTOP);
    await m.page.getByRole('button', { name: 'Settings' }).click();
    await m.page.getByRole('heading', { name: 'Settings' }).waitFor();
    await m.page.getByRole('checkbox', { name: /Use this device’s time zone/ }).uncheck();
    await m.page.getByRole('combobox', { name: 'Search time zones' }).fill('new');
    for (const scheme of ['light', 'dark'] as const) {
      await m.page.emulateMedia({ colorScheme: scheme });
      for (const [label, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await m.page.setViewportSize(viewport);
        await m.page.getByRole('heading', { name: 'Profile' }).scrollIntoViewIfNeeded();
        await shot(m.page, `settings-visual-settings-${label}-${scheme}`);
        await m.page.getByRole('group', { name: 'Clock' }).scrollIntoViewIfNeeded();
        await shot(m.page, `settings-visual-appearance-${label}-${scheme}`);
      }
    }
    await m.page.getByRole('checkbox', { name: /Use this device’s time zone/ }).check();
    // An unread message for the chat list's badge.
    await f.page.getByRole('textbox', { name: 'Message' }).fill('Are you there? 👋');
    await f.page.getByRole('button', { name: 'Send', exact: true }).click();
    await m.page.setViewportSize(DESKTOP);
    await m.page.getByLabel('1 unread').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await m.page.emulateMedia({ colorScheme: scheme });
      for (const [label, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await m.page.setViewportSize(viewport);
        if (label === 'phone') {
          await m.page.getByRole('button', { name: 'Back to chats' }).click();
          await m.page.getByRole('link', { name: /Zoe Martin/ }).waitFor();
          await shot(m.page, `settings-visual-chat-list-${label}-${scheme}`);
          await m.page.getByRole('button', { name: 'Settings' }).click();
        } else {
          await shot(m.page, `settings-visual-chat-list-${label}-${scheme}`);
        }
      }
    }
  }, 90_000);
});
