/**
 * `npx tsx packages/crypto/bench/browser.ts [--scale 0.2]`: the same measurements as node.ts, in
 * Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by playwright-core. The library is
 * bundled with esbuild and served from an intercepted http://localhost URL (a secure context, so
 * WebCrypto is there). Prints JSON.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Results } from './measure.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const scaleIndex = process.argv.indexOf('--scale');
const scale = scaleIndex > 0 ? Number(process.argv[scaleIndex + 1]) : 1;

const bundle = await build({
  entryPoints: [here('./browser-entry.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  minify: true,
  alias: { '@herald/shared': here('../../shared/src/index.ts') },
});
const script = bundle.outputFiles[0]!.text;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
});
try {
  const page = await browser.newPage();
  page.on('console', (message) => console.error(`[page] ${message.text()}`));
  await page.route('http://localhost/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/bench.js') return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>',
    });
  });
  await page.goto('http://localhost/');
  await page.waitForFunction(() => 'heraldBench' in globalThis);
  const run = (curves: 'auto' | 'noble') =>
    page.evaluate(
      ([c, s]) =>
        (globalThis as unknown as { heraldBench: (c: string, s: number) => Promise<Results> }).heraldBench(c, s),
      [curves, scale] as const,
    );
  const results = {
    chromium: browser.version(),
    auto: await run('auto'),
    noble: await run('noble'),
  };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
}
