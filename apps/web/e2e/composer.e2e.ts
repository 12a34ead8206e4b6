import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectConsoleError,
  launch,
  openChat,
  openDirectChat,
  person,
  PHONE,
  register,
  scheduleIn,
  shot,
  uniqueName,
} from './harness.js';

describe.sequential('the composer: replies, limits, refusals, scheduling and presence', () => {
  let browser: Browser;
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a scheduled reply keeps its link and the composer stops replying (item 18); the clock needs something to send (item 20)', async () => {
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);
    const box = a.page.getByRole('textbox', { name: 'Message' });
    const scheduleItem = a.page.getByRole('menuitem', { name: 'Schedule message…' });

    // Item 20: nothing to send, nothing to schedule; the send menu says why instead of opening.
    await a.page.getByRole('button', { name: 'Schedule options' }).click();
    await expect.poll(() => scheduleItem.getAttribute('aria-disabled')).toBe('true');
    await scheduleItem.click({ force: true }); // aria-disabled: it still answers, with the reason
    await a.page.locator('.toast', { hasText: 'Write a message or attach a photo or video to schedule it.' }).waitFor();
    expect(await a.page.getByRole('dialog', { name: 'Schedule message' }).count()).toBe(0);
    await shot(a.page, 'desktop-clock-empty');

    // Alice opened the chat but wrote nothing: it is not in Bob's list yet (issue 13, item 6), so
    // Bob opens it himself.
    await openDirectChat(b.page, 'Alice', alice);
    await b.page.getByRole('textbox', { name: 'Message' }).fill('Dinner on Friday?');
    await b.page.getByRole('button', { name: 'Send', exact: true }).click();
    const log = a.page.getByRole('log', { name: 'Messages' });
    const original = log.locator('.msg', { hasText: 'Dinner on Friday?' });
    await original.waitFor();
    const originalId = await original.getAttribute('data-message-id');

    await original.hover();
    await original.getByRole('button', { name: 'Reply' }).click();
    await a.page.locator('.composer-reply', { hasText: 'Replying to Bob' }).waitFor();
    const request = a.page.waitForRequest(
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/scheduled-messages',
    );
    await scheduleIn(a.page, 'Yes, 8 pm works', 5);
    const body = (await request).postDataJSON() as { content: string; replyToId: string };
    expect(body.replyToId).toBe(originalId);
    // Sealed on this device: the server gets an envelope, never the words.
    expect(body.content).not.toContain('8 pm');
    expect(JSON.parse(body.content)).toMatchObject({ header: { v: 1, kind: 'text' } });
    // The composer starts afresh: the next message is not an accidental reply.
    expect(await a.page.locator('.composer-reply').count()).toBe(0);
    await box.fill('Unrelated');
    const live = a.page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/messages'));
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    expect((await live).postDataJSON()).not.toHaveProperty('replyToId');

    // The scheduled list shows what it answers; at delivery the link is kept, for both.
    await a.page.getByRole('button', { name: /1 scheduled/ }).click();
    const panel = a.page.getByRole('complementary', { name: 'Scheduled messages' });
    await panel.getByTestId('scheduled-reply').getByText('Dinner on Friday?').waitFor();
    await shot(a.page, 'desktop-scheduled-reply');
    await panel
      .locator('.scheduled-item', { hasText: 'Yes, 8 pm works' })
      .getByText('Sent')
      .waitFor({ timeout: 30_000 });
    const delivered = log.locator('.msg', { hasText: 'Yes, 8 pm works' });
    await delivered.locator('.msg-reply-quote', { hasText: 'Dinner on Friday?' }).waitFor();
    await b.page
      .getByRole('log', { name: 'Messages' })
      .locator('.msg', { hasText: 'Yes, 8 pm works' })
      .locator('.msg-reply-quote', { hasText: 'Dinner on Friday?' })
      .waitFor();
    await a.page.setViewportSize(PHONE);
    await shot(a.page, 'phone-scheduled-reply');
    await a.page.setViewportSize(DESKTOP);

    // Item 17: Bob goes offline; Alice reads "last seen just now", never "in a few seconds".
    const subtitle = a.page.locator('.chat-subtitle');
    await expect.poll(() => subtitle.textContent()).toBe('online');
    await b.context.close();
    await expect.poll(() => subtitle.textContent(), { timeout: 15_000 }).toBe('last seen just now');
    await shot(a.page, 'desktop-last-seen');
    await a.context.close();
  });

  it('an over-long message: the limit shows as it nears, nothing is sent over it (item 19)', async () => {
    const a = await person(browser);
    await register(a.page, uniqueName('long'), 'Lena');
    await openDirectChat(a.page, 'Bob', bob);
    const box = a.page.getByRole('textbox', { name: 'Message' });
    const limit = a.page.getByTestId('composer-limit');
    // The limit is on what a person types (maxTextLength, 16,000), not on the sealed envelope.
    await box.fill('x'.repeat(15_000));
    await expect.poll(() => limit.textContent()).toBe('1,000 characters left.');
    await box.fill('x'.repeat(18_464));
    await expect
      .poll(() => limit.textContent())
      .toBe(
        'This message is 2,464 characters too long (the limit is 16,000). Shorten it or split it into several messages.',
      );
    expect(await a.page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await a.page.getByRole('button', { name: 'Schedule options' }).click();
    expect(await a.page.getByRole('menuitem', { name: 'Schedule message…' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    await a.page.keyboard.press('Escape');
    await box.press('Enter');
    await shot(a.page, 'desktop-composer-too-long');
    await a.page.setViewportSize(PHONE);
    await shot(a.page, 'phone-composer-too-long');
    await a.page.setViewportSize(DESKTOP);
    expect(await a.page.getByRole('log', { name: 'Messages' }).locator('.msg').count()).toBe(0);
    expect(await box.inputValue()).toHaveLength(18_464);
    await a.context.close();
  });

  it('a refused message comes back into the composer with a sentence (item 19)', async () => {
    const carl = uniqueName('carl');
    const c = await person(browser);
    await register(c.page, carl, 'Carl');
    const a = await person(browser);
    await register(a.page, uniqueName('ada'), 'Ada');
    await openDirectChat(a.page, 'Carl', carl);
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello Carl');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await openChat(c.page, 'Ada');
    await c.page.getByRole('button', { name: 'Chat menu' }).click();
    await c.page.getByRole('menuitem', { name: 'Chat info' }).click();
    await c.page.getByRole('button', { name: 'Block Ada' }).click();
    await c.page.getByText('Ada blocked').waitFor();

    expectConsoleError(/status of 403/); // the refusal, on purpose
    await box.fill('Are you there?');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = a.page.locator('.composer-error');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Not sent: You cannot send messages to this person.');
    expect(await box.inputValue()).toBe('Are you there?');
    const log = a.page.getByRole('log', { name: 'Messages' });
    expect(await log.locator('.msg', { hasText: 'Are you there?' }).count()).toBe(0);
    await shot(a.page, 'desktop-composer-refused');
    await a.context.close();
    await c.context.close();
  });
});
