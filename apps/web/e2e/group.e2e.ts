import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launch, person, PHONE, register, scheduleIn, shot, uniqueName } from './harness.js';

describe.sequential('a scheduled message in a group', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('fails with its reason shown when the sender leaves the group before it is due', async () => {
    const carol = uniqueName('carol');
    const dave = uniqueName('dave');
    const alice = uniqueName('alice');
    for (const [name, display] of [
      [carol, 'Carol'],
      [dave, 'Dave'],
    ] as const) {
      const p = await person(browser);
      await register(p.page, name, display);
      await p.context.close();
    }
    const a = await person(browser);
    await register(a.page, alice, 'Alice');

    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('tab', { name: 'Group' }).click();
    await dialog.getByLabel('Group name').fill('Weekend plans');
    for (const [name, display] of [
      [carol, 'Carol'],
      [dave, 'Dave'],
    ] as const) {
      await dialog.getByLabel('Add people').fill(name);
      await dialog.getByRole('button', { name: new RegExp(display) }).click();
    }
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.page.getByRole('textbox', { name: 'Message' }).waitFor();

    await scheduleIn(a.page, 'Who brings the snacks?', 600);
    await a.page.getByRole('button', { name: /1 scheduled/ }).waitFor();

    await a.page.getByRole('button', { name: 'Chat menu' }).click();
    await a.page.getByRole('menuitem', { name: 'Chat info' }).click();
    const info = a.page.getByRole('dialog', { name: 'Weekend plans' });
    await info.getByText('3 members').waitFor();
    await shot(a.page, 'desktop-group-info');
    await info.getByRole('button', { name: 'Leave group' }).click();
    await info.getByRole('button', { name: 'Leave', exact: true }).click();

    // The failure cannot go unnoticed: a badge in the header, a banner, a toast.
    await a.page.getByRole('button', { name: /Scheduled messages, 1 failed/ }).waitFor();
    await a.page.getByRole('button', { name: /A scheduled message failed/ }).click();
    const item = a.page.locator('.scheduled-item', { hasText: 'Who brings the snacks?' });
    await item.getByText('Failed').waitFor();
    await item.getByText('You are no longer a member of this group.').waitFor();
    await shot(a.page, 'desktop-scheduled-global-failed');
    // Seen: the badge goes.
    await a.page.getByRole('button', { name: 'Scheduled messages', exact: true }).waitFor();
    await a.page.setViewportSize(PHONE);
    await shot(a.page, 'phone-scheduled-global-failed');
    await a.context.close();
  });
});
