import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DESKTOP, launch, openDirectChat, person, PHONE, register, shot, uniqueName } from './harness.js';

describe.sequential('main screens', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sign-in, chat list, chat, settings at desktop and phone widths', async () => {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const p = await person(browser, { viewport });
      await p.page.goto('/login');
      await p.page.getByRole('button', { name: 'Sign in' }).waitFor();
      await shot(p.page, `${label}-login`);
      await p.context.close();
    }

    const friend = uniqueName('zoe');
    const f = await person(browser);
    await register(f.page, friend, 'Zoe Martin');
    const me = uniqueName('max');
    const m = await person(browser);
    await register(m.page, me, 'Max Weber');
    await openDirectChat(m.page, 'Zoe Martin', friend);
    for (const text of ['Hey Zoe, are we still on for Friday?', 'I can bring the board games 🎲']) {
      await m.page.getByRole('textbox', { name: 'Message' }).fill(text);
      await m.page.getByRole('button', { name: 'Send', exact: true }).click();
      await m.page.getByRole('log', { name: 'Messages' }).getByText(text).waitFor();
    }
    await f.page.getByRole('link', { name: /Max Weber/ }).click();
    await f.page.getByRole('textbox', { name: 'Message' }).fill('Yes! 7 pm at mine.');
    await f.page.getByRole('button', { name: 'Send', exact: true }).click();
    await m.page.getByRole('log', { name: 'Messages' }).getByText('Yes! 7 pm at mine.').waitFor();
    await shot(m.page, 'desktop-chat-conversation');
    await m.page.getByRole('button', { name: 'Emoji' }).click();
    await m.page.locator('.emoji-popover .EmojiPickerReact').waitFor();
    await shot(m.page, 'desktop-emoji-picker');
    await m.page.keyboard.press('Escape');

    await m.page.getByRole('button', { name: 'Settings' }).click();
    await m.page.getByRole('heading', { name: 'Settings' }).waitFor();
    await shot(m.page, 'desktop-settings');
    await m.page.setViewportSize(PHONE);
    await shot(m.page, 'phone-settings');
    await m.page.getByRole('button', { name: 'Back to chats' }).click();
    await shot(m.page, 'phone-home');
    await m.page.getByRole('link', { name: /Zoe Martin/ }).click();
    await m.page.getByRole('log', { name: 'Messages' }).getByText('Yes! 7 pm at mine.').waitFor();
    await shot(m.page, 'phone-chat-conversation');
    await m.context.close();
    await f.context.close();
  });
});
