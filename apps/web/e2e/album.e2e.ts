import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openChat, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';
import { png } from './png.js';

/**
 * Albums (issue 13, item 9, "several attachments per message"): Alice picks three photos at once,
 * they go as one message (three messages sharing an album id inside the sealed plaintext) and Bob
 * sees one bubble with a grid of three, then opens the viewer on the second and pages through.
 * Screenshots at desktop and phone width, light and dark.
 */

async function shots(page: Page, name: string) {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Buttons fade their background (0.15 s): the picture is taken once the colours settled.
      await page.waitForTimeout(300);
      await shot(page, `album-${name}-${width}-${scheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe.sequential('albums', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('three photos go as one message and the other person sees one bubble with three pictures', async () => {
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, uniqueName('alice'), 'Alice');
    await openDirectChat(a.page, 'Bob', bob);

    await a.page.getByTestId('attach-input').setInputFiles([
      { name: 'red.png', mimeType: 'image/png', buffer: png(320, 240, [220, 60, 60]) },
      { name: 'green.png', mimeType: 'image/png', buffer: png(240, 320, [60, 180, 90]) },
      { name: 'blue.png', mimeType: 'image/png', buffer: png(300, 300, [60, 90, 220]) },
    ]);
    const tray = a.page.getByTestId('attachment-tray');
    for (const name of ['red.png', 'green.png', 'blue.png']) await tray.getByText(name).waitFor();
    // Each file has its own remove button: one removed, then added back.
    await tray.getByRole('button', { name: 'Remove green.png' }).click();
    await tray.getByText('green.png').waitFor({ state: 'detached' });
    await a.page
      .getByTestId('attach-input')
      .setInputFiles({ name: 'green.png', mimeType: 'image/png', buffer: png(240, 320, [60, 180, 90]) });
    await tray.getByText('green.png').waitFor();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Three colours');
    await shots(a.page, 'tray');

    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = a.page.getByRole('log', { name: 'Messages' }).getByTestId('album-grid');
    await mine
      .getByRole('button', { name: /^Open photo \d of 3$/ })
      .nth(2)
      .waitFor({ timeout: 30_000 });
    await tray.waitFor({ state: 'detached' });

    await openChat(b.page, 'Alice');
    const log = b.page.getByRole('log', { name: 'Messages' });
    const grid = log.getByTestId('album-grid');
    await grid.getByRole('button', { name: 'Open photo 3 of 3' }).waitFor({ timeout: 30_000 });
    // One bubble: one grid, three pictures, the caption once, one time.
    expect(await log.getByTestId('album-grid').count()).toBe(1);
    expect(await grid.locator('img').count()).toBe(3);
    const bubble = log.locator('.msg:has([data-testid="album-grid"])');
    await shots(b.page, 'bubble');
    expect(await bubble.getByText('Three colours').count()).toBe(1);
    expect(await bubble.locator('time').count()).toBe(1);
    expect(await log.getByRole('button', { name: 'Open image' }).count()).toBe(0);

    // The viewer opens on the second picture, whole; Next and Previous page through.
    await grid.getByRole('button', { name: 'Open photo 2 of 3' }).click();
    const viewer = b.page.getByRole('dialog', { name: 'Photo 2 of 3' });
    const size = async () =>
      viewer.locator('img.media-full').evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`);
    await viewer.locator('img.media-full').waitFor();
    // Green was removed and added again, so it is last: red, blue, green.
    await expect.poll(size).toBe('300x300');
    await shots(b.page, 'viewer');
    await viewer.getByRole('button', { name: 'Next' }).click();
    const third = b.page.getByRole('dialog', { name: 'Photo 3 of 3' });
    await third.locator('img.media-full').waitFor();
    expect(await third.locator('img.media-full').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
    await b.page.keyboard.press('ArrowLeft');
    await b.page.getByRole('dialog', { name: 'Photo 2 of 3' }).waitFor();
    await b.page.getByRole('dialog', { name: 'Photo 2 of 3' }).getByRole('link', { name: 'Download' }).waitFor();

    await a.context.close();
    await b.context.close();
  }, 90_000);
});
