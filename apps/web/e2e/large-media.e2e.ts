import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openChat, openDirectChat, person, register, uniqueName } from './harness.js';

/**
 * A large video is sealed while it is read and opened the same way (features/media/media-cipher.ts):
 * the JS heap never holds the whole file. The heap is sampled (CDP Runtime.getHeapUsage) all
 * through sending a 90 MB file and through the recipient opening it; its peak stays well under the
 * file's size. (Blobs live outside the JS heap, in the browser's blob storage.)
 */
const SIZE = 90 * 1024 * 1024;

async function sampleHeap(page: Page): Promise<{ stop: () => Promise<number> }> {
  const cdp = await page.context().newCDPSession(page);
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      peak = Math.max(peak, usedSize);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await cdp.detach();
      return peak;
    },
  };
}

describe.sequential('large media', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'herald-large-'));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 90 MB video is sealed, sent and opened without ever being whole in the JS heap', async () => {
    const file = join(dir, 'holiday.mp4');
    writeFileSync(file, randomBytes(SIZE));
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const b = await person(browser);
    await register(b.page, bob, 'Bob');
    const a = await person(browser);
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);

    await a.page.getByTestId('attach-input').setInputFiles(file);
    await a.page.getByText('holiday.mp4').waitFor();
    await a.page.getByRole('textbox', { name: 'Message' }).fill('The whole holiday');
    const sending = await sampleHeap(a.page);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    const aliceLog = a.page.getByRole('log', { name: 'Messages' });
    await aliceLog.locator('.msg:not(.msg-local)', { hasText: 'The whole holiday' }).waitFor({ timeout: 120_000 });
    const sendPeak = await sending.stop();

    await openChat(b.page, 'Alice');
    const opening = await sampleHeap(b.page);
    const bobLog = b.page.getByRole('log', { name: 'Messages' });
    await bobLog.getByText('The whole holiday').waitFor();
    // Random bytes are no video: once opened (hash checked) it is offered as a download.
    await bobLog.getByText('This video cannot be shown here.').waitFor({ timeout: 120_000 });
    const openPeak = await opening.stop();

    console.log(
      `heap peak while sealing and sending ${SIZE / 2 ** 20} MB: ${(sendPeak / 2 ** 20).toFixed(1)} MB; while opening it: ${(openPeak / 2 ** 20).toFixed(1)} MB`,
    );
    expect(sendPeak).toBeLessThan(SIZE / 2);
    expect(openPeak).toBeLessThan(SIZE / 2);
    await a.context.close();
    await b.context.close();
  }, 240_000);
});
