import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openChat, person, PHONE, register, scheduleIn, shot, uniqueName } from './harness.js';

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

  it('when the owner leaves, every member sees live who owns the group now (item 15)', async () => {
    const alice = uniqueName('alice');
    const carol = uniqueName('carol');
    const dave = uniqueName('dave');
    const c = await person(browser);
    await register(c.page, carol, 'Carol');
    const d = await person(browser);
    await register(d.page, dave, 'Dave');
    const a = await person(browser);
    await register(a.page, alice, 'Alice');

    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('tab', { name: 'Group' }).click();
    await dialog.getByLabel('Group name').fill('Book club');
    for (const [name, display] of [
      [carol, 'Carol'],
      [dave, 'Dave'],
    ] as const) {
      await dialog.getByLabel('Add people').fill(name);
      await dialog.getByRole('button', { name: new RegExp(display) }).click();
    }
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Welcome!');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();

    // Carol and Dave keep the group info open; nobody reloads from here on.
    const infos = [];
    for (const p of [c, d]) {
      await openChat(p.page, 'Book club');
      await p.page.getByRole('button', { name: 'Chat menu' }).click();
      await p.page.getByRole('menuitem', { name: 'Chat info' }).click();
      const info = p.page.getByRole('dialog', { name: 'Book club' });
      await expect.poll(() => info.getByTestId('group-owner').textContent()).toBe('Alice owns this group.');
      infos.push(info);
    }
    const [carolInfo, daveInfo] = infos as [(typeof infos)[0], (typeof infos)[0]];

    // A promotion shows at once in everyone's member list, and Dave is told.
    await a.page.getByRole('button', { name: 'Chat menu' }).click();
    await a.page.getByRole('menuitem', { name: 'Chat info' }).click();
    const aliceInfo = a.page.getByRole('dialog', { name: 'Book club' });
    await aliceInfo.locator('.member-row', { hasText: 'Dave' }).getByRole('button', { name: 'Make admin' }).click();
    await carolInfo.locator('.member-row', { hasText: 'Dave' }).getByText('admin').waitFor();
    await d.page.locator('.toast', { hasText: 'You are now an admin of “Book club”.' }).waitFor();
    // Dave may now manage members: his screen follows his new role.
    await daveInfo.getByRole('button', { name: 'Add people' }).waitFor();

    // The owner leaves: the oldest admin (Dave) inherits the group, and everyone is told.
    await aliceInfo.getByRole('button', { name: 'Leave group' }).click();
    await aliceInfo.getByRole('button', { name: 'Leave', exact: true }).click();
    await c.page.locator('.toast', { hasText: 'Dave is now the owner of “Book club”.' }).waitFor();
    await expect.poll(() => carolInfo.getByTestId('group-owner').textContent()).toBe('Dave owns this group.');
    await carolInfo.getByText('2 members').waitFor();
    await carolInfo.locator('.member-row', { hasText: 'Dave' }).getByText('owner').waitFor();
    await shot(c.page, 'desktop-group-owner-inherited');
    await d.page.locator('.toast', { hasText: 'You are now the owner of “Book club”.' }).waitFor();
    await expect.poll(() => daveInfo.getByTestId('group-owner').textContent()).toBe('You own this group.');
    await c.page.setViewportSize(PHONE);
    await shot(c.page, 'phone-group-owner-inherited');
    for (const p of [a, c, d]) await p.context.close();
  });
});
