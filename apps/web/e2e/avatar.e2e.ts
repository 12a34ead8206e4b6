import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openChat, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';
import { png } from './png.js';

/**
 * Issue 13, item 10 (Settings: avatar): Alice uploads a picture in Settings (cropped and re-encoded
 * on her device), and Bob sees it in his chat list and the chat header, live.
 */

/** The avatar images drawn in `scope`, as [src, natural width] once loaded. */
const drawnAvatars = (page: Page, selector: string) =>
  page.evaluate(
    (sel) =>
      Array.from(document.querySelectorAll<HTMLImageElement>(`${sel} img[data-testid="user-avatar"]`))
        .filter((img) => img.complete && img.naturalWidth > 0)
        .map((img) => [img.getAttribute('src'), img.naturalWidth] as const),
    selector,
  );

async function bothThemes(page: Page, name: string, sizes: { width: number; height: number }[] = [DESKTOP, PHONE]) {
  for (const size of sizes) {
    await page.setViewportSize(size);
    const width = size === PHONE ? 'phone' : 'desktop';
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await shot(page, `avatar-${name}-${width}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DESKTOP);
}

describe.sequential('account avatar', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await a?.context.close();
    await b?.context.close();
    await browser?.close();
  });

  it('Alice uploads a picture; Bob sees it in his chat list and the chat header, live', async () => {
    const bob = uniqueName('bob');
    b = await person(browser);
    await register(b.page, bob, 'Bob Avatar');
    const alice = uniqueName('alice');
    a = await person(browser);
    await register(a.page, alice, 'Alice Avatar');
    await openDirectChat(a.page, 'Bob Avatar', bob);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, look at my new picture');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    const bobsRow = b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Alice Avatar/ });
    await bobsRow.waitFor();
    expect(await drawnAvatars(b.page, 'nav')).toEqual([]);

    // Alice: Settings, Profile, upload a wide picture (cropped to a centred square, 256x256).
    await a.page.getByRole('button', { name: 'Settings' }).click();
    const control = a.page.getByRole('group', { name: 'Profile picture' });
    await control.waitFor();
    await shot(a.page, 'avatar-settings-none-desktop-light');
    await a.page.getByTestId('avatar-input').setInputFiles({
      name: 'holiday.png',
      mimeType: 'image/png',
      buffer: png(640, 400, [30, 140, 200]),
    });
    await control.getByRole('button', { name: 'Remove picture' }).waitFor();
    await expect.poll(() => drawnAvatars(a.page, '[aria-label="Profile picture"]')).toHaveLength(1);
    const [src, width] = (await drawnAvatars(a.page, '[aria-label="Profile picture"]'))[0]!;
    expect(src).toMatch(/^\/api\/users\/[0-9a-f-]+\/avatar\?v=[A-Za-z0-9_-]+$/);
    expect(width).toBe(256);
    // Served as the image type the device encoded, with the safe headers.
    const served = await a.page.evaluate(async (url) => {
      const res = await fetch(url!);
      return { type: res.headers.get('content-type'), nosniff: res.headers.get('x-content-type-options') };
    }, src);
    expect(served.type).toMatch(/^image\/(webp|png)$/);
    expect(served.nosniff).toBe('nosniff');
    await control.scrollIntoViewIfNeeded();
    await bothThemes(a.page, 'settings');

    // Bob, without reloading: his chat list row, then the chat's header.
    await expect.poll(() => drawnAvatars(b.page, 'nav'), { timeout: 15_000 }).toEqual([[src, 256]]);
    await bothThemes(b.page, 'chat-list');
    await openChat(b.page, 'Alice Avatar');
    await expect.poll(() => drawnAvatars(b.page, '.chat-header')).toEqual([[src, 256]]);
    await bothThemes(b.page, 'chat-header');

    // Removed: Bob sees the initials again, live.
    await a.page
      .getByRole('group', { name: 'Profile picture' })
      .getByRole('button', { name: 'Remove picture' })
      .click();
    await expect.poll(() => drawnAvatars(b.page, '.chat-header'), { timeout: 15_000 }).toEqual([]);
    expect(await drawnAvatars(b.page, 'nav')).toEqual([]);
  }, 90_000);
});
