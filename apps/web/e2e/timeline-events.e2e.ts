import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, openChat, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';

/**
 * Issue 13, items 5 and 6: every change to a group is a line of its timeline, seen live by the
 * other members; a direct chat appears for the other person only with its first message.
 */
describe.sequential('events in the timeline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const line = (page: Page, text: string) => page.locator('.timeline-event', { hasText: text });

  /** Screenshots of the page at desktop and phone width, light and dark. */
  async function shots(page: Page, name: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(DESKTOP);
      await shot(page, `timeline-events-${name}-desktop-${scheme}`);
      await page.setViewportSize(PHONE);
      await shot(page, `timeline-events-${name}-phone-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);
  }

  type Person = Awaited<ReturnType<typeof person>>;
  // Registering derives keys in the browser (the slow part): done before each test, in its hook.
  const names = { ana: uniqueName('ana'), ben: uniqueName('ben'), cyrus: uniqueName('cyrus') };
  let a: Person;
  let b: Person;
  const direct = { ana: uniqueName('ana'), ben: uniqueName('ben') };
  let da: Person;
  let db: Person;
  beforeAll(async () => {
    const c = await person(browser);
    await register(c.page, names.cyrus, 'Cyrus');
    await c.context.close();
    b = await person(browser);
    await register(b.page, names.ben, 'Ben');
  });
  beforeAll(async () => {
    a = await person(browser);
    await register(a.page, names.ana, 'Ana');
  });
  beforeAll(async () => {
    db = await person(browser);
    await register(db.page, direct.ben, 'Benedict');
    da = await person(browser);
    await register(da.page, direct.ana, 'Anabel');
  });

  it('group created, member added, removed, promoted, renamed, disappearing on and off: live to a member', async () => {
    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('tab', { name: 'Group' }).click();
    await dialog.getByLabel('Group name').fill('Climbing');
    await dialog.getByLabel('Add people').fill(names.ben);
    await dialog.getByRole('button', { name: /Ben/ }).click();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await line(a.page, 'You created the group “Climbing”').waitFor();

    // Ben's list shows the group, its preview the event, with nothing unread.
    const benRow = b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Climbing/ });
    await benRow.getByText('Ana created the group “Climbing”').waitFor();
    await openChat(b.page, 'Climbing');
    await line(b.page, 'Ana created the group “Climbing”').waitFor();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Saturday at the wall?');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await b.page.locator('.msg', { hasText: 'Saturday at the wall?' }).waitFor();

    await a.page.getByRole('button', { name: 'Chat menu' }).click();
    await a.page.getByRole('menuitem', { name: 'Chat info' }).click();
    const info = a.page.getByRole('dialog', { name: 'Climbing' });
    await info.getByRole('button', { name: 'Add people' }).click();
    await info.getByLabel('Add someone').fill(names.cyrus);
    await info.getByRole('button', { name: /Cyrus/ }).click();
    await line(b.page, 'Ana added Cyrus').waitFor();

    await info.locator('.member-row', { hasText: 'Cyrus' }).getByRole('button', { name: 'Remove' }).click();
    await line(b.page, 'Ana removed Cyrus').waitFor();

    await info.locator('.member-row', { hasText: 'Ben' }).getByRole('button', { name: 'Make admin' }).click();
    await line(b.page, 'Ana made you an admin').waitFor();

    await info.getByRole('button', { name: 'Rename' }).click();
    await info.getByLabel('Group name').fill('Bouldering');
    await info.getByRole('button', { name: 'Save' }).click();
    await line(b.page, 'Ana renamed the group “Bouldering”').waitFor();

    const renamed = a.page.getByRole('dialog', { name: 'Bouldering' });
    await renamed.getByLabel('Disappearing messages').selectOption({ label: '1 day' });
    await line(b.page, 'Ana turned on disappearing messages (1 day)').waitFor();
    await renamed.getByLabel('Disappearing messages').selectOption({ label: 'Off' });
    await line(b.page, 'Ana turned off disappearing messages').waitFor();

    // In order, one line each, with the message where it was sent.
    const lines = await b.page.locator('.timeline-event, .msg').allTextContents();
    const order = [
      'Ana created the group “Climbing”',
      'Saturday at the wall?',
      'Ana added Cyrus',
      'Ana removed Cyrus',
      'Ana made you an admin',
      'Ana renamed the group “Bouldering”',
      'Ana turned on disappearing messages (1 day)',
      'Ana turned off disappearing messages',
    ];
    const positions = order.map((text) => lines.findIndex((l) => l.includes(text)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    // Events are never unread: Ben's list shows no badge for them.
    await b.page
      .getByRole('navigation', { name: 'Chats' })
      .getByRole('link', { name: /Bouldering/ })
      .waitFor();
    await shots(b.page, 'group');
    await a.context.close();
    await b.context.close();
  });

  it('a direct chat appears for the other person only with its first message, live', async () => {
    const [a, b, ben] = [da, db, direct.ben];
    await openDirectChat(a.page, 'Benedict', ben);
    // Ana opened it; Ben has not heard of it, even after a reload.
    const chats = b.page.getByRole('navigation', { name: 'Chats' });
    await b.page.reload();
    await b.page.getByRole('button', { name: 'New chat' }).waitFor();
    await b.page.getByText('No chats yet. Start one with the + button.').waitFor();
    expect(await chats.getByRole('link', { name: /Anabel/ }).count()).toBe(0);

    await a.page.getByRole('textbox', { name: 'Message' }).fill('Hi Benedict, climbing on Saturday?');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    // Live, without a reload: the chat arrives with its message.
    const row = chats.getByRole('link', { name: /Anabel/ });
    await row.getByText('Hi Benedict, climbing on Saturday?').waitFor();
    await shots(b.page, 'direct-first-message');
    await row.click();
    await b.page.locator('.msg', { hasText: 'Hi Benedict, climbing on Saturday?' }).waitFor();
    await a.context.close();
    await b.context.close();
  });
});
