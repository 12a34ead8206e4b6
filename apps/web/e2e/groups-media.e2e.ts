import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openChat, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';
import { png } from './png.js';

/**
 * Groups and media (issue 13, item 9): renaming a group (live for the others), its picture when the
 * server offers it, downloading a decrypted photo from the viewer, and "Opened" for the sender of
 * one-time media. Screenshots at desktop and phone width, light and dark.
 */

/** The same screen four ways: desktop and phone, light and dark. */
async function shots(page: Page, name: string, reopen?: () => Promise<void>) {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    if (reopen) await reopen();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await shot(page, `groups-media-${name}-${width}-${scheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe.sequential('groups and media', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an admin renames the group (and sets its picture) and the other member sees it live', async () => {
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, uniqueName('alice'), 'Alice');

    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('tab', { name: 'Group' }).click();
    await dialog.getByLabel('Group name').fill('Weekend plans');
    await dialog.getByLabel('Add people').fill(bob);
    await dialog.getByRole('button', { name: /Bob/ }).click();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Hello group');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await openChat(b.page, 'Weekend plans');

    await a.page.getByRole('button', { name: 'Chat menu' }).click();
    await a.page.getByRole('menuitem', { name: 'Chat info' }).click();
    const info = a.page.getByRole('dialog', { name: 'Weekend plans' });
    await info.getByRole('button', { name: 'Rename' }).click();
    const field = info.getByRole('textbox', { name: 'Group name' });
    await field.fill('   ');
    await info.getByRole('alert').filter({ hasText: 'The name cannot be empty.' }).waitFor();
    expect(await info.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await field.fill('x'.repeat(101));
    await info.getByText('The name can be at most 100 characters (it has 101).').waitFor();
    await shots(a.page, 'rename-error');
    await field.fill('Ski trip 2027');
    await info.getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    // The panel's own title follows the new name.
    const renamed = a.page.getByRole('dialog', { name: 'Ski trip 2027' });
    await renamed.getByTestId('group-title').filter({ hasText: 'Ski trip 2027' }).waitFor({ timeout: 20_000 });

    // Bob, without reloading: the header and the chat list follow.
    await b.page.locator('.chat-header').getByText('Ski trip 2027').waitFor({ timeout: 20_000 });
    await b.page
      .getByRole('navigation', { name: 'Chats' })
      .locator('.conversation-row-title', { hasText: 'Ski trip 2027' })
      .waitFor({ timeout: 20_000 });

    // The picture, where the server offers it (the `picture` field: migration 0011).
    const setPicture = renamed.getByRole('button', { name: 'Set picture' });
    if ((await setPicture.count()) > 0) {
      await renamed
        .getByTestId('group-picture-input')
        .setInputFiles({ name: 'slopes.png', mimeType: 'image/png', buffer: png(120, 120, [30, 120, 220]) });
      await renamed.getByTestId('group-picture').waitFor({ timeout: 20_000 });
      await b.page.locator('.chat-header').getByTestId('group-picture').waitFor();
      await b.page.getByRole('navigation', { name: 'Chats' }).getByTestId('group-picture').waitFor();
      await shots(b.page, 'picture-chat');
    }
    await shots(a.page, 'group-info');
    await a.context.close();
    await b.context.close();
    // About 25 s on an idle machine; the shared 2-core box under load takes several times that.
  }, 240_000);

  it('downloads the decrypted photo from the viewer, with its real bytes and type', async () => {
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, uniqueName('alice'), 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    const image = png(320, 240, [240, 140, 60]);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: image });
    await a.page.getByText('sunset.png').waitFor();
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();

    await openChat(b.page, 'Alice');
    const open = () =>
      b.page.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Open image' }).click();
    await open();
    const viewer = b.page.getByRole('dialog', { name: 'Image' });
    const link = viewer.getByRole('link', { name: 'Download' });
    await link.waitFor();
    const [download] = await Promise.all([b.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^Herald photo \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.\d{2}\.png$/);
    const path = await download.path();
    expect(Buffer.compare(await readFile(path), image)).toBe(0);
    await shots(b.page, 'viewer-download', async () => {
      if (!(await viewer.isVisible())) await open();
    });
    await a.context.close();
    await b.context.close();
  });

  it('the sender of one-time media sees "Opened", live, once the recipient opened it', async () => {
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, uniqueName('alice'), 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles({ name: 'secret.png', mimeType: 'image/png', buffer: png(200, 200, [40, 90, 200]) });
    await a.page.getByLabel('One-time view').check();
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await a.page.getByText('One-time photo (you sent it)').waitFor();

    await openChat(b.page, 'Alice');
    await b.page
      .getByRole('log', { name: 'Messages' })
      .getByRole('button', { name: /View one-time photo/ })
      .click();
    const viewer = b.page.getByRole('dialog', { name: 'One-time photo' });
    await viewer.getByRole('img', { name: 'One-time media' }).waitFor();
    // No download for one-time media.
    expect(await viewer.getByRole('link', { name: 'Download' }).count()).toBe(0);
    await viewer.getByRole('button', { name: 'Close' }).click();

    // Alice, without reloading.
    const opened = a.page.getByTestId('one-time-opened');
    await opened.waitFor();
    await expect.poll(() => opened.textContent()).toMatch(/Opened.*Bob · /);
    await shots(a.page, 'one-time-opened');
    // And after a reload (from history).
    await a.page.reload();
    await a.page.getByTestId('one-time-opened').waitFor();
    await a.context.close();
    await b.context.close();
  });
});
