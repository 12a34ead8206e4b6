import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launch, person } from './harness.js';

/**
 * The generated API reference (apps/server/src/http/api-docs.ts) works in a real browser under
 * the server's Content-Security-Policy: the console guard fails this test on any CSP violation
 * or error of the viewer. Without a session: the docs are public.
 */
describe('API reference', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every operation at /api/docs and runs one from the page', async () => {
    const { context, page } = await person(browser);
    await page.goto('/api/docs');
    await page.getByText('Herald API').first().waitFor();
    await page.locator('.opblock-summary-path[data-path="/api/scheduled-messages"]').first().waitFor();
    // "Try it out" on a public route: the viewer calls the API from the page (connect-src 'self').
    await page.locator('.opblock-summary-path[data-path="/api/config"]').first().click();
    await page.getByRole('button', { name: 'Try it out' }).click();
    await page.getByRole('button', { name: 'Execute' }).click();
    await page.locator('.live-responses-table .response .response-col_status', { hasText: '200' }).waitFor();
    await context.close();
  });
});
