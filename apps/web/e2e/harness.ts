import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function baseUrl(): string {
  return inject('baseUrl');
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/**
 * What the browser console must never show: a Content-Security-Policy violation, an uncaught
 * error, or any other console error (React warnings, failed requests the test did not provoke).
 * Every page of every person is watched; the setup file (console-guard.ts) fails the test that
 * produced one. A test that provokes an error on purpose says so with `expectConsoleError`.
 */
export interface ConsoleProblem {
  page: string;
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
}
const problems: ConsoleProblem[] = [];
const expected: RegExp[] = [];

/**
 * Errors the browser logs for answers the app handles on purpose: the session probe on the sign-in
 * screens (401 from /api/auth/me) is how the app learns nobody is signed in.
 */
const ALWAYS_EXPECTED: { text: RegExp; url?: RegExp }[] = [
  { text: /^Failed to load resource: the server responded with a status of 401/, url: /\/api\/auth\/me$/ },
];

/** A console error this test provokes on purpose (cleared after each test). */
export function expectConsoleError(pattern: RegExp): void {
  expected.push(pattern);
}

/** The problems seen since the last call, and forget them (the setup file calls this after each test). */
export function takeConsoleProblems(): ConsoleProblem[] {
  expected.length = 0;
  return problems.splice(0);
}

const CSP_TEXT = /Content Security Policy|Content-Security-Policy/i;

function watch(page: Page): void {
  const where = () => {
    try {
      return new URL(page.url()).pathname;
    } catch {
      return page.url();
    }
  };
  page.on('console', (message) => {
    const text = message.text();
    const type = message.type();
    const csp = CSP_TEXT.test(text);
    if (type !== 'error' && !csp) return;
    const url = message.location().url;
    if (ALWAYS_EXPECTED.some((e) => e.text.test(text) && (!e.url || e.url.test(url)))) return;
    if (!csp && expected.some((pattern) => pattern.test(text))) return;
    problems.push({ page: where(), kind: csp ? 'csp' : 'console', text: url ? `${text} (${url})` : text });
  });
  page.on('pageerror', (error) => {
    problems.push({ page: where(), kind: 'pageerror', text: error.stack ?? error.message });
  });
}

/** Reports CSP violations even where Chromium would log them only once per document. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.sourceFile + ':' + e.lineNumber);
});`;

/** A person: their own browser context (cookies), at a given viewport and time zone. */
export async function person(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; timezoneId?: string; baseURL?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: options.baseURL ?? baseUrl(),
    viewport: options.viewport ?? DESKTOP,
    timezoneId: options.timezoneId ?? 'Europe/Paris',
    locale: 'en-US',
    colorScheme: 'light',
  });
  await context.addInitScript(REPORT_CSP_VIOLATIONS);
  context.on('page', watch);
  const page = await context.newPage();
  return { context, page };
}

let counter = 0;
/** Usernames unique per run (the database may be shared between runs). */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base}${Date.now().toString(36)}${counter}`;
}

export const PASSWORD = 'correct horse battery staple';

export async function register(page: Page, username: string, displayName: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'New chat' }).waitFor();
}

export async function login(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'New chat' }).waitFor();
}

/** Start a direct chat with someone found by search; lands in the chat. */
export async function openDirectChat(page: Page, displayName: string, username: string): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByLabel('Who do you want to write to?').fill(username);
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

export async function openChat(page: Page, title: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Chats' })
    .getByRole('link', { name: new RegExp(title) })
    .click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

/** The schedule dialog, from the send button's menu (issue 13: the arrow beside Send). */
export async function openScheduleDialog(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Schedule options' }).click();
  await page.getByRole('menuitem', { name: 'Schedule message…' }).click();
}

/**
 * Schedule the composer's text `seconds` from now: typed into the dialog's date and time fields
 * in the person's zone (the app's own conversion turns it into UTC).
 */
export async function scheduleIn(page: Page, text: string, seconds: number, timeZone = 'Europe/Paris'): Promise<Date> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await openScheduleDialog(page);
  const dialog = page.getByRole('dialog', { name: 'Schedule message' });
  await dialog.waitFor();
  // The test server's picker lead is under a minute, so the time field takes seconds.
  const at = new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  await dialog.getByLabel('Date').fill(`${parts.year}-${parts.month}-${parts.day}`);
  await dialog.getByLabel('Time').fill(`${parts.hour}:${parts.minute}:${parts.second}`);
  await expect.poll(() => dialog.getByTestId('schedule-preview').isVisible()).toBe(true);
  await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  return at;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}
