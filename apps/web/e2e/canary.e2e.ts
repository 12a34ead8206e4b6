import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, openKeyBundle } from '@herald/crypto';
import type { KdfParams } from '@herald/shared';
import {
  launch,
  login,
  openChat,
  openDirectChat,
  PASSWORD,
  person,
  PHONE,
  register,
  scheduleIn,
  shot,
  uniqueName,
} from './harness.js';
import { png } from './png.js';
import { startServer, type StartedServer } from './server.js';

/**
 * The canary (issue 9, "Done when"): two people use the real web client in Chromium (register,
 * chat, schedule, edit the scheduled message, let it deliver, send a photo and a video file) with
 * a marker string in every text and inside the files' bytes. Then everything the server holds is
 * searched: every table (pg_dump), every file under its data directory (the media), and its whole
 * log. No marker, no run of the files' plaintext bytes and no private key may be found anywhere.
 * The private keys are recovered the way a device does it (password -> encryption key -> bundle),
 * so the test knows exactly which bytes must never appear.
 */

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A person's private keys (and password encryption key), recovered the way a device does it: the
 * sealed bundle from GET /api/auth/me, the KDF parameters from prelogin, then the password.
 */
async function secretsOf(page: Page, username: string): Promise<Uint8Array[]> {
  const { bundle, kdf } = await page.evaluate(async (name) => {
    const me = (await (await fetch('/api/auth/me')).json()) as { data: { user: { encryptedPrivateKeys: string } } };
    const pre = (await (await fetch(`/api/auth/prelogin?username=${encodeURIComponent(name)}`)).json()) as {
      data: { kdf: unknown };
    };
    return { bundle: me.data.user.encryptedPrivateKeys, kdf: pre.data.kdf };
  }, username);
  const { encryptionKey } = await deriveKeys(PASSWORD, kdf as KdfParams);
  const keys = openKeyBundle(bundle, encryptionKey);
  return [keys.x25519.secretKey, keys.ed25519.secretKey, encryptionKey];
}

/** The spellings a secret could take in text: raw, base64url, base64, hex. */
function spellings(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  return [buffer.toString('base64url'), buffer.toString('base64').replace(/=+$/, ''), buffer.toString('hex')];
}

describe.sequential('canary: the server never holds a readable message, file or key', () => {
  let browser: Browser;
  let server: StartedServer;

  beforeAll(async () => {
    // A server of its own, logging everything it logs at the most verbose level.
    server = await startServer({ LOG_LEVEL: 'debug' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('after a session of chatting, scheduling, editing and sending media, nothing readable is stored or logged', async () => {
    const marker = `CANARY${randomBytes(6).toString('hex').toUpperCase()}`;
    const fileMarker = `FILEMARK${randomBytes(6).toString('hex').toUpperCase()}`;
    // A distinctive run of bytes that only the plaintext files contain.
    const fileRun = randomBytes(64);
    const image = png(64, 48, [20, 160, 90], `${fileMarker} ${fileRun.toString('latin1')}`);
    const video = Buffer.concat([Buffer.from(`${fileMarker} not really a video `), fileRun, randomBytes(4096)]);

    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const b = await person(browser, { baseURL: server.baseUrl });
    await register(b.page, bob, 'Bob');
    const a = await person(browser, { baseURL: server.baseUrl });
    await register(a.page, alice, 'Alice');
    await openDirectChat(a.page, 'Bob', bob);

    // Chat.
    const aliceLog = a.page.getByRole('log', { name: 'Messages' });
    await a.page.getByRole('textbox', { name: 'Message' }).fill(`Hello Bob ${marker} live`);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await aliceLog.getByText(`Hello Bob ${marker} live`).waitFor();
    await openChat(b.page, 'Alice');
    const bobLog = b.page.getByRole('log', { name: 'Messages' });
    await bobLog.getByText(`Hello Bob ${marker} live`).waitFor();
    await b.page.getByRole('textbox', { name: 'Message' }).fill(`Hi Alice ${marker} reply`);
    await b.page.getByRole('button', { name: 'Send', exact: true }).click();
    await aliceLog.getByText(`Hi Alice ${marker} reply`).waitFor();

    // Schedule, edit, deliver.
    await scheduleIn(a.page, `Later ${marker} scheduled`, 15);
    await a.page.getByRole('button', { name: /1 scheduled/ }).click();
    const panel = a.page.getByRole('complementary', { name: 'Scheduled messages' });
    const item = panel.locator('.scheduled-item', { hasText: 'scheduled' });
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByRole('textbox', { name: 'Message text' }).fill(`Later ${marker} scheduled and edited`);
    await item.getByRole('button', { name: 'Save' }).click();
    await panel.getByText(`Later ${marker} scheduled and edited`).waitFor();
    await item.getByText('Sent').waitFor({ timeout: 30_000 });
    await bobLog.getByText(`Later ${marker} scheduled and edited`).waitFor();

    // A photo and a "video" file, with the marker in their bytes and in the caption.
    const input = a.page.getByTestId('attach-input');
    await input.setInputFiles({ name: `photo-${marker}.png`, mimeType: 'image/png', buffer: image });
    await a.page.getByRole('textbox', { name: 'Message' }).fill(`Photo ${marker} caption`);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await bobLog.getByText(`Photo ${marker} caption`).waitFor();
    const shown = bobLog.getByRole('button', { name: 'Open image' }).locator('img');
    await shown.waitFor();
    expect(await shown.getAttribute('src')).toMatch(/^blob:/);
    await input.setInputFiles({ name: `clip-${marker}.mp4`, mimeType: 'video/mp4', buffer: video });
    await a.page.getByRole('textbox', { name: 'Message' }).fill(`Clip ${marker} caption`);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await bobLog.getByText(`Clip ${marker} caption`).waitFor();
    const secrets = [...(await secretsOf(a.page, alice)), ...(await secretsOf(b.page, bob))];
    await a.context.close();
    await b.context.close();

    // ---- what the server holds ----------------------------------------------------------------
    const files = filesUnder(server.dataDir);
    const sealedUploads = files.filter((f) => readFileSync(f).subarray(0, 4).toString('latin1') === 'HRLF');
    expect(sealedUploads.length).toBeGreaterThanOrEqual(2); // the photo and the clip, sealed

    let dump = '';
    if (server.databaseUrl) {
      dump = execFileSync('pg_dump', ['--no-owner', '--dbname', server.databaseUrl], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      // The scan reaches the data: the users and their PUBLIC keys are there.
      expect(dump).toContain(alice);
      const db = new pg.Client({ connectionString: server.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ x25519_public_key: string }>(
          'SELECT x25519_public_key FROM users WHERE username = ANY($1)',
          [[alice, bob]],
        );
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(dump).toContain(row.x25519_public_key);
      } finally {
        await db.end();
      }
      // Nothing was sent or scheduled in the clear: every content column holds envelopes.
      expect(dump).toContain('"header"');
    }
    // Without E2E_DATABASE_URL the database (PGlite) lives in the data directory, scanned below:
    // the scan reaches its rows too.
    else expect(files.some((f) => readFileSync(f).includes(Buffer.from(alice)))).toBe(true);
    const log = server.log();
    // The scan reaches the log: every request is in it at this level.
    expect(log).toContain('/api/media');

    const texts: [string, string][] = [
      ['pg_dump', dump],
      ['server log', log],
    ];
    const needles = [
      marker,
      fileMarker,
      ...spellings(fileRun),
      ...spellings(image.subarray(image.length - 40)),
      ...secrets.flatMap(spellings),
    ];
    for (const [where, text] of texts) {
      for (const needle of needles) expect(text.includes(needle), `${where} contains ${needle}`).toBe(false);
    }
    const rawNeedles = [Buffer.from(marker), Buffer.from(fileMarker), fileRun, ...secrets.map((s) => Buffer.from(s))];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const needle of [...rawNeedles, ...needles.map((n) => Buffer.from(n))]) {
        expect(bytes.includes(needle), `${file} contains a plaintext or secret run`).toBe(false);
      }
    }

    // A stored file altered on the server does not open: its place says so, never a broken image.
    for (const file of sealedUploads) {
      const bytes = readFileSync(file);
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 0x01;
      writeFileSync(file, bytes);
    }
    const b2 = await person(browser, { baseURL: server.baseUrl, viewport: PHONE });
    await login(b2.page, bob);
    await openChat(b2.page, 'Alice');
    const altered = b2.page.getByRole('log', { name: 'Messages' }).getByTestId('media-unreadable');
    await altered.filter({ hasText: 'This file could not be decrypted.' }).first().waitFor();
    await expect.poll(() => altered.count()).toBe(2);
    expect(await b2.page.locator('.msg img').count()).toBe(0);
    await altered.first().scrollIntoViewIfNeeded();
    await shot(b2.page, 'phone-media-could-not-be-decrypted');
    await b2.context.close();
  });
});
