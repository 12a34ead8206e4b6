import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  launch,
  openChat,
  openDirectChat,
  openScheduleDialog,
  person,
  PHONE,
  register,
  scheduleIn,
  shot,
  uniqueName,
} from './harness.js';

/** Screenshots of one screen in light and dark, at the page's current width. */
async function shots(page: Page, name: string, width: 'desktop' | 'phone'): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, `scheduling-${name}-${width}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, `scheduling-${name}-${width}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Issue 13, items 7 and 8: one Send button with a schedule menu, and what each side sees. */
describe.sequential('scheduling from the send button', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
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

  it('schedules from the send menu; B gets a normal message, A\'s copy says "Scheduled for …, sent at …"; Undo above the composer', async () => {
    b = await person(browser);
    await register(b.page, bob, 'Bob');
    a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello Bob');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await openChat(b.page, 'Alice');
    const bobsLog = b.page.getByRole('log', { name: 'Messages' });
    await bobsLog.getByText('Hello Bob').waitFor();

    // The send menu: the arrow beside Send, keyboard reachable.
    await box.fill('Coffee at 4?');
    const arrow = a.page.getByRole('button', { name: 'Schedule options' });
    expect(await arrow.getAttribute('aria-haspopup')).toBe('menu');
    await arrow.focus();
    await a.page.keyboard.press('ArrowUp');
    const menu = a.page.getByRole('menu', { name: 'Send later' });
    await menu.waitFor();
    await expect.poll(() => a.page.evaluate(() => document.activeElement?.textContent ?? '')).toBe('Schedule message…');
    await shots(a.page, 'send-menu', 'desktop');
    await a.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await arrow.evaluate((el) => el === document.activeElement)).toBe(true);
    // A right click on Send opens the same menu.
    await a.page.getByRole('button', { name: 'Send', exact: true }).click({ button: 'right' });
    await menu.waitFor();
    await a.page.keyboard.press('Escape');

    // The dialog, with "Show recipients it was scheduled" (off by default).
    await openScheduleDialog(a.page);
    const dialog = a.page.getByRole('dialog', { name: 'Schedule message' });
    await dialog.waitFor();
    expect(await dialog.getByLabel(/Show recipients it was scheduled/).isChecked()).toBe(false);
    await shots(a.page, 'dialog', 'desktop');
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Scheduled 3 s ahead (the e2e server allows 2 s): the toast with Undo sits above the composer.
    await scheduleIn(a.page, 'Coffee at 4?', 3);
    const toast = a.page.locator('.toast', { hasText: 'Scheduled for' });
    await toast.waitFor();
    const toastBox = (await toast.boundingBox())!;
    const composerBox = (await a.page.locator('.chat-bottom').boundingBox())!;
    expect(toastBox.y + toastBox.height).toBeLessThanOrEqual(composerBox.y + 1);

    // The chat's scheduled list, with its own icon and a human duration.
    await a.page.locator('.chat-header').getByRole('button', { name: 'Scheduled messages' }).click();
    const panel = a.page.getByRole('complementary', { name: 'Scheduled messages' });
    const item = panel.locator('.scheduled-item', { hasText: 'Coffee at 4?' });
    await item.waitFor();
    await shots(a.page, 'list', 'desktop');

    // It arrives at B like any message; A's copy says when it was scheduled for and sent.
    const bobsCopy = bobsLog.locator('.msg', { hasText: 'Coffee at 4?' });
    await bobsCopy.waitFor({ timeout: 15_000 });
    expect(await bobsCopy.locator('.msg-scheduled').count()).toBe(0);
    const alicesCopy = a.page.getByRole('log', { name: 'Messages' }).locator('.msg', { hasText: 'Coffee at 4?' });
    const note = alicesCopy.getByTestId('scheduled-note');
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toMatch(/Scheduled for .+, sent at .+/);
    await shots(b.page, 'recipient-copy', 'desktop');
    await a.page.getByRole('button', { name: 'Close scheduled messages' }).click();
    await shots(a.page, 'sender-copy', 'desktop');
  }, 85_000);

  it('cancels then restores while its time is ahead; one Undo at a time; toasts above the phone composer', async () => {
    const box = a.page.getByRole('textbox', { name: 'Message' });
    const arrow = a.page.getByRole('button', { name: 'Schedule options' });
    const menu = a.page.getByRole('menu', { name: 'Send later' });
    const dialog = a.page.getByRole('dialog', { name: 'Schedule message' });
    const panel = a.page.getByRole('complementary', { name: 'Scheduled messages' });
    const toast = a.page.locator('.toast', { hasText: 'Scheduled for' });
    // Cancel, then restore while its time is still ahead.
    await scheduleIn(a.page, 'Lunch tomorrow', 120);
    await a.page.locator('.chat-header').getByRole('button', { name: 'Scheduled messages' }).click();
    const lunch = panel.locator('.scheduled-item', { hasText: 'Lunch tomorrow' });
    await lunch.getByRole('button', { name: 'Cancel' }).click();
    // One Undo at a time: the cancel's replaced the schedule's.
    await a.page.locator('.toast', { hasText: 'Scheduled message cancelled' }).waitFor();
    expect(await a.page.locator('.toast .toast-action', { hasText: 'Undo' }).count()).toBe(1);
    await lunch.getByText('Cancelled', { exact: true }).waitFor({ timeout: 15_000 });
    await lunch.getByRole('button', { name: 'Restore' }).click();
    await lunch.getByText('Pending', { exact: true }).waitFor();
    await shots(a.page, 'list-restored', 'desktop');

    // Phone width: the menu, and a toast over the phone composer.
    await a.page.getByRole('button', { name: 'Close scheduled messages' }).click();
    await a.page.setViewportSize(PHONE);
    await box.fill('Phone check');
    await arrow.click();
    await menu.waitFor();
    await shots(a.page, 'send-menu', 'phone');
    await a.page.keyboard.press('Escape');
    await openScheduleDialog(a.page);
    await dialog.waitFor();
    await shots(a.page, 'dialog', 'phone');
    await a.page.keyboard.press('Escape');
    await scheduleIn(a.page, 'Phone check', 120);
    await toast.waitFor();
    const phoneToast = (await toast.boundingBox())!;
    const phoneComposer = (await a.page.locator('.chat-bottom').boundingBox())!;
    expect(phoneToast.y + phoneToast.height).toBeLessThanOrEqual(phoneComposer.y + 1);
    await shots(a.page, 'toast', 'phone');
    await a.page.locator('.chat-header').getByRole('button', { name: 'Scheduled messages' }).click();
    await panel.locator('.scheduled-item', { hasText: 'Phone check' }).waitFor();
    await shots(a.page, 'list', 'phone');
    await b.page.setViewportSize(PHONE);
    await shots(b.page, 'recipient-copy', 'phone');
    await a.page.setViewportSize(DESKTOP);
  }, 85_000);
});
