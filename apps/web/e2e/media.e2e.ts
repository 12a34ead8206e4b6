import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, openChat, openDirectChat, person, register, shot, uniqueName } from './harness.js';
import { png } from './png.js';

describe.sequential('media', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an image shows inline; one-time media opens once, then shows "Opened"', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);

    const input = a.page.getByTestId('attach-input');
    await input.setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png(320, 240, [240, 140, 60]) });
    await a.page.getByText('sunset.png').waitFor();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Look at this sunset');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await a.page.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Open image' }).waitFor();

    await input.setInputFiles({ name: 'secret.png', mimeType: 'image/png', buffer: png(200, 200, [40, 90, 200]) });
    await a.page.getByLabel('One-time view').check();
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await a.page.getByText('One-time photo (you sent it)').waitFor();
    await shot(a.page, 'desktop-chat-media');

    await openChat(b.page, 'Alice');
    const log = b.page.getByRole('log', { name: 'Messages' });
    await log.getByRole('button', { name: 'Open image' }).waitFor();
    await log.getByRole('button', { name: /View one-time photo/ }).click();
    const viewer = b.page.getByRole('dialog', { name: 'One-time photo' });
    await viewer.getByRole('img', { name: 'One-time media' }).waitFor();
    await shot(b.page, 'desktop-one-time-viewer');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await log.getByText('Opened').waitFor();

    // Still opened after a reload: the server counted the view.
    await b.page.reload();
    await b.page.getByRole('log', { name: 'Messages' }).getByText('Opened').waitFor();
    await expect.poll(() => b.page.getByRole('button', { name: /View one-time photo/ }).count()).toBe(0);

    await b.context.close();
    await a.context.close();
    // And after signing in again elsewhere.
    const b2 = await person(browser);
    await login(b2.page, bob);
    await openChat(b2.page, 'Alice');
    await b2.page.getByRole('log', { name: 'Messages' }).getByText('Opened').waitFor();
    await b2.context.close();
  });

  it('only allow-listed types: the picker refuses an SVG, and every blob URL is a raster image (item 9)', async () => {
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, uniqueName('alice'), 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    const input = a.page.getByTestId('attach-input');
    expect((await input.getAttribute('accept'))?.split(',')).not.toContain('image/svg+xml');
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(`/api/auth/me`)"><rect width="9" height="9"/></svg>';
    await input.setInputFiles({ name: 'cat.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
    await a.page.locator('.toast', { hasText: '“cat.svg” cannot be sent' }).waitFor();
    expect(await a.page.locator('.attachment-tray').count()).toBe(0);
    await shot(a.page, 'desktop-attach-refused');

    await input.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png(64, 64, [20, 160, 90]) });
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await openChat(b.page, 'Alice');
    const image = b.page.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Open image' });
    await image.waitFor();
    // Opened in a tab of its own (the attack: a recipient opening a photo), a blob URL is a picture.
    const urls = await b.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLImageElement | HTMLVideoElement>('img, video'))
        .map((el) => el.src)
        .filter((src) => src.startsWith('blob:')),
    );
    expect(urls).toHaveLength(1);
    const tab = await b.context.newPage();
    await tab.goto(urls[0]!);
    expect(await tab.evaluate(() => document.contentType)).toBe('image/png');
    await tab.close();
    await a.context.close();
    await b.context.close();
  });
});
