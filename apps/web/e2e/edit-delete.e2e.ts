import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openChat, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';

type Person = { context: BrowserContext; page: Page };

/**
 * Edit and delete sent messages (issue 13, item 2), seen live by the other person: A edits a
 * message and B sees the new text marked "edited"; A deletes one for everyone and B sees the
 * tombstone; B deletes one for themselves and it is gone for B only.
 */

/** The same screen at desktop and phone width, light and dark: `edit-delete-<screen>-<width>-<scheme>`. */
async function shots(page: Page, screen: string, prepare?: () => Promise<void>): Promise<void> {
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? scheme)).toBe(scheme);
      await prepare?.();
      await page.waitForTimeout(150); // layout and the virtualised rows settle
      await shot(page, `edit-delete-${screen}-${width}-${scheme}`);
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

const bubble = (page: Page, text: string | RegExp): Locator =>
  page.locator('.msg', { has: page.locator('.msg-text', { hasText: text }) });

/** Opens a message's menu the way a mouse user does: hover, then the toolbar's More button. */
async function openMenu(page: Page, text: string): Promise<Locator> {
  const message = bubble(page, text);
  await message.hover();
  await message.getByRole('button', { name: 'More actions' }).click();
  const menu = page.getByRole('menu', { name: 'Message actions' });
  await menu.waitFor();
  return menu;
}

describe.sequential('edit and delete sent messages (issue 13, item 2)', () => {
  let browser: Browser;
  let a: Person | undefined;
  let b: Person | undefined;
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

  it('two people in a chat with a few messages', async () => {
    b = await person(browser);
    await register(b.page, bob, 'Bob');
    a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    await send(a.page, 'Helo Bob, lunch at noon?');
    await send(a.page, 'Wrong chat, sorry');
    await send(a.page, 'A third thought');
    await b.page.reload();
    await openChat(b.page, 'Alice');
    await bubble(b.page, 'A third thought').waitFor();
  }, 150_000);

  it('A edits a message: B sees the new text marked "edited", live', async () => {
    const pa = a!.page;
    const menu = await openMenu(pa, 'Helo Bob');
    await expect.poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Edit', 'Delete…']);
    await shots(pa, 'menu', async () => {
      if (!(await menu.isVisible())) {
        // A right click (a long press on a phone) opens the same menu.
        await bubble(pa, 'Helo Bob').click({ button: 'right' });
        await menu.waitFor();
      }
    });
    if (!(await menu.isVisible())) await bubble(pa, 'Helo Bob').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Edit' }).click();
    const editor = pa.getByRole('form', { name: 'Edit message' });
    await editor.waitFor();
    await expect.poll(() => editor.getByText('Editing').isVisible()).toBe(true);
    // Escape cancels and changes nothing.
    await editor.getByRole('textbox', { name: 'Message text' }).press('Escape');
    await editor.waitFor({ state: 'detached' });
    await (await openMenu(pa, 'Helo Bob')).getByRole('menuitem', { name: 'Edit' }).click();
    const field = editor.getByRole('textbox', { name: 'Message text' });
    await expect.poll(() => field.inputValue()).toBe('Helo Bob, lunch at noon?');
    await field.fill('Hello Bob, lunch at noon?');
    await shots(pa, 'editing');
    await field.press('Enter');
    await editor.waitFor({ state: 'detached' });

    const pb = b!.page;
    const edited = bubble(pb, 'Hello Bob, lunch at noon?');
    await edited.waitFor({ timeout: 10_000 });
    await expect.poll(() => edited.locator('.msg-edited').textContent()).toBe('edited');
    await expect.poll(() => bubble(pb, 'Helo Bob').count()).toBe(0);
    await expect.poll(() => bubble(pa, 'Hello Bob, lunch at noon?').locator('.msg-edited').count()).toBe(1);
  }, 150_000);

  it('A deletes a message for everyone: B sees the tombstone, live', async () => {
    const pa = a!.page;
    const menu = await openMenu(pa, 'Wrong chat, sorry');
    await menu.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = pa.getByRole('dialog', { name: 'Delete message?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('button').allTextContents()).toContain('Delete for everyone');
    await shots(pa, 'dialog');
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
    await dialog.waitFor({ state: 'detached' });

    const pb = b!.page;
    await expect.poll(() => bubble(pb, 'Wrong chat, sorry').count(), { timeout: 10_000 }).toBe(0);
    const tombstones = pb.locator('.msg-deleted');
    await expect.poll(() => tombstones.allTextContents()).toEqual(['This message was deleted']);
    await expect.poll(() => pa.locator('.msg-deleted').count()).toBe(1);
    // The tombstone keeps its place, between the edited message and the third one.
    const order = await pb.locator('.msg .msg-text').allTextContents();
    expect(order.findIndex((t) => t.includes('Hello Bob'))).toBeLessThan(order.indexOf('This message was deleted'));
    expect(order.indexOf('This message was deleted')).toBeLessThan(order.findIndex((t) => t.includes('third')));
    await shots(pb, 'tombstone');
  }, 150_000);

  it('B deletes a message for themselves: gone for B, still there for A', async () => {
    const pb = b!.page;
    const menu = await openMenu(pb, 'A third thought');
    // Not B's message: no Edit.
    await expect.poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Delete…']);
    await menu.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = pb.getByRole('dialog', { name: 'Delete message?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Delete for me' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => bubble(pb, 'A third thought').count()).toBe(0);
    // After a reload too (the server hides it from B's pages).
    await pb.reload();
    await openChat(pb, 'Alice');
    await bubble(pb, 'Hello Bob').waitFor();
    expect(await bubble(pb, 'A third thought').count()).toBe(0);
    // A keeps it.
    await a!.page.reload();
    await openChat(a!.page, 'Bob');
    await bubble(a!.page, 'A third thought').waitFor();
  }, 150_000);
});
