import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, sealText } from './helpers/chat.js';
import { sealUpload, type SealedUpload } from './helpers/e2ee.js';
import { multipart } from './helpers/media.js';
import { inMs } from './helpers/scheduling.js';

/** Every log line the app writes, parsed (pino JSON). */
const logLines: { level: number; msg: string; reqId?: string; req?: { url: string } }[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as never);
    done();
  },
});

let t: TestApp;
let baseUrl: string;
/** A small picture sealed as the client does (uploads must be sealed files). */
let sealedPng: SealedUpload;
let png: Buffer;
beforeAll(async () => {
  sealedPng = await sealUpload(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(2000, 7)]),
    'image/png',
  );
  png = sealedPng.ciphertext;
  t = await createTestApp({ deps: { logger: { level: 'info', stream: logStream } } });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

async function blobFiles(): Promise<string[]> {
  const root = join(t.dataDir, 'media');
  const dirs = await readdir(root).catch(() => [] as string[]);
  const files = await Promise.all(dirs.map((d) => readdir(join(root, d)).catch(() => [] as string[])));
  return files.flat();
}

/** What the user keeps stored: live media rows (they count against the quota) and blob files. */
async function kept(user: TestUser) {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM media WHERE uploader_id = $1 AND deleted_at IS NULL',
    [user.id],
  );
  return { rows: rows[0]!.n, blobs: (await blobFiles()).length };
}

/** A multipart body with several parts, in order: fields and files. */
function parts(list: ({ name: string; value: string } | { name: string; file: Buffer; type: string })[]) {
  const boundary = `----herald${Math.random().toString(16).slice(2)}`;
  const chunks = list.flatMap((p) =>
    'file' in p
      ? [
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="f"\r\nContent-Type: ${p.type}\r\n\r\n`,
          ),
          p.file,
          Buffer.from('\r\n'),
        ]
      : [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`)],
  );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('a failed upload request keeps nothing', () => {
  it('two files in one upload: 413, and the first file is not kept', async () => {
    const alice = await registerUser(t.app);
    const before = await kept(alice);
    const { payload, contentType } = parts([
      { name: 'kind', value: 'image' },
      { name: 'file', file: png, type: 'application/octet-stream' },
      { name: 'file', file: png, type: 'application/octet-stream' },
    ]);
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/media',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(res.status).toBe(413);
    expect(await kept(alice)).toEqual(before);
  });

  it('a scheduled multipart whose media comes before too many fields: 413, and the media is not kept', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const before = await kept(alice);
    const { payload, contentType } = parts([
      { name: 'receiverId', value: bob.id },
      { name: 'scheduledTime', value: inMs(t, 60_000) },
      { name: 'contentType', value: 'image' },
      { name: 'media', file: png, type: 'application/octet-stream' },
      ...Array.from({ length: 25 }, (_, i) => ({ name: `extra${i}`, value: 'x' })),
    ]);
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/scheduled-messages',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(res.status).toBe(413);
    expect(await kept(alice)).toEqual(before);
  });

  it('a scheduled multipart refused after its media was stored keeps nothing', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const content = await sealText(alice, chat.id, 'too soon', { media: sealedPng.media });
    const before = await kept(alice);
    const { body, contentType } = multipart(
      { receiverId: bob.id, content, contentType: 'image', scheduledTime: inMs(t, 1000) },
      { field: 'media', filename: 'p.png', type: 'application/octet-stream', data: png },
    );
    const res = await alice.client.request({
      method: 'POST',
      url: '/api/scheduled-messages',
      headers: { 'content-type': contentType },
      payload: body,
    });
    expect(res.status).toBe(422);
    expect(await kept(alice)).toEqual(before);
  });

  it('a client that goes away mid-upload leaves no row, no blob and no error in the log', async () => {
    const alice = await registerUser(t.app);
    const before = await kept(alice);
    const boundary = '----abort';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nvideo\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="v"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    // The start of a sealed video: its header and first chunks, the rest never comes.
    const start = (await sealUpload(Buffer.alloc(300_000, 1), 'video/mp4')).ciphertext;
    const { port } = new URL(baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    logLines.length = 0;
    socket.write(
      [
        'POST /api/media HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Cookie: ${alice.client.cookie}`,
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${head.length + 5_000_000}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket.write(head);
    socket.write(start);
    // The server has started storing the file: then the client vanishes.
    await expect.poll(async () => (await blobFiles()).length, { timeout: 5000 }).toBeGreaterThan(before.blobs);
    socket.destroy();
    // The request is over on the server side (it logged how it ended), and left nothing behind.
    const upload = logLines.find((l) => l.msg === 'incoming request' && l.req?.url === '/api/media')!;
    await expect
      .poll(() => logLines.filter((l) => l.reqId === upload.reqId && l.msg !== 'incoming request').length, {
        timeout: 5000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => kept(alice), { timeout: 5000 }).toEqual(before);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
