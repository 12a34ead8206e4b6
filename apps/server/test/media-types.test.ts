import type { Conversation, MediaInfo, Message, ScheduledMessage } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerUser, type Response, type TestUser } from './helpers/client.js';
import { directChat, sealText } from './helpers/chat.js';
import { sealUpload } from './helpers/e2ee.js';
import { multipart, uploadSealed } from './helpers/media.js';
import { inMs } from './helpers/scheduling.js';

/**
 * Issue 8 item 9 (server side), as end-to-end encryption (issue 9) narrowed it: only sealed files
 * (application/octet-stream, "HRLF" header, kind named by a field) are accepted, stored and
 * relayed; a type a browser would run as a document (SVG, HTML, ...) is refused with 415 and a
 * sentence saying what to send instead, and so, now, is a plain image or video.
 */

let t: TestApp;
let alice: TestUser, bob: TestUser;
let chat: Conversation;
beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
  chat = await directChat(alice, bob);
});
afterAll(async () => {
  await t.close();
});

const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/auth/me")</script></svg>');

function upload(
  user: TestUser,
  type: string,
  fields: Record<string, string> = {},
  data: Buffer = SVG,
): Promise<Response<MediaInfo>> {
  const form = multipart(fields, { field: 'file', filename: 'f', type, data });
  return user.client.request<MediaInfo>({
    method: 'POST',
    url: '/api/media',
    headers: { 'content-type': form.contentType },
    payload: form.body,
  });
}

async function mediaRows(user: TestUser): Promise<number> {
  const { rows } = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM media WHERE uploader_id = $1', [user.id]);
  return Number(rows[0]!.n);
}

describe('upload types', () => {
  it('refuses SVG, HTML and other script-capable types with 415 naming the accepted types, storing nothing', async () => {
    const before = await mediaRows(alice);
    const refused = [
      'image/svg+xml',
      'IMAGE/SVG+XML',
      'image/svg+xml; charset=utf-8',
      'text/html',
      'application/xhtml+xml',
      'text/xml',
      'application/pdf',
      'image/x-icon',
      'text/plain',
      'video/x-anything',
    ];
    for (const type of refused) {
      for (const fields of [{}, { kind: 'image' }, { kind: 'video' }] as Record<string, string>[]) {
        const res = await upload(alice, type, fields);
        expect(res.status, `${type} ${JSON.stringify(fields)}`).toBe(415);
        expect(res.body.error.code).toBe('unsupported_media_type');
        expect(res.body.message).toMatch(/is not accepted: .*application\/octet-stream/);
      }
    }
    expect(await mediaRows(alice)).toBe(before);
  });

  it('refuses plain allow-listed images and videos too (they were stored before E2EE), storing nothing', async () => {
    const before = await mediaRows(alice);
    for (const [type, kind] of [
      ['image/png', 'image'],
      ['Image/JPEG; q=1', 'image'],
      ['image/gif', 'image'],
      ['image/webp', 'image'],
      ['image/avif', 'image'],
      ['video/mp4', 'video'],
      ['video/webm', 'video'],
      ['video/quicktime', 'video'],
      ['video/ogg', 'video'],
    ] as const) {
      for (const fields of [{}, { kind }] as Record<string, string>[]) {
        const res = await upload(alice, type, fields, Buffer.from('plain pixels'));
        expect(res.status, `${type} ${JSON.stringify(fields)}`).toBe(415);
        expect(res.body.error.code).toBe('unsupported_media_type');
        expect(res.body.message).toMatch(/is not accepted: .*seal the file/);
      }
    }
    expect(await mediaRows(alice)).toBe(before);
  });

  it('keeps sealed files (octet-stream with a kind) as octet-stream, and needs the kind', async () => {
    const sealed = (await sealUpload(Buffer.from('a video'), 'video/mp4')).ciphertext;
    const video = await upload(alice, 'application/octet-stream', { kind: 'video' }, sealed);
    expect(video.status).toBe(201);
    expect(video.body.data).toMatchObject({ kind: 'video', mimeType: 'application/octet-stream' });
    const noKind = await upload(alice, 'application/octet-stream', {}, sealed);
    expect(noKind.status).toBe(415);
    expect(noKind.body.message).toMatch(/needs its kind/);
    // Octet-stream alone is not enough: the bytes must start as a sealed file does.
    const unsealed = await upload(alice, 'application/octet-stream', { kind: 'image' });
    expect(unsealed.status).toBe(415);
    expect(unsealed.body.error.code).toBe('unsupported_media_type');
  });

  it('refuses a kind other than image or video', async () => {
    // Before E2EE this was a kind contradicting the file type; the type is inside the seal now.
    const sealed = (await sealUpload()).ciphertext;
    const res = await upload(alice, 'application/octet-stream', { kind: 'audio' }, sealed);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/kind must be image or video/);
  });

  it('refuses an SVG in the multipart scheduled-message form, keeping neither media nor schedule', async () => {
    const before = await mediaRows(alice);
    const content = await sealText(alice, chat.id, 'look', { media: (await sealUpload()).media });
    const form = multipart(
      { receiverId: bob.id, content, contentType: 'image', scheduledTime: inMs(t, 3_600_000) },
      { field: 'media', filename: 'x.svg', type: 'image/svg+xml', data: SVG },
    );
    const res = await alice.client.request<ScheduledMessage>({
      method: 'POST',
      url: '/api/scheduled-messages',
      headers: { 'content-type': form.contentType },
      payload: form.body,
    });
    expect(res.status).toBe(415);
    expect(res.body.message).toMatch(/image\/svg\+xml is not accepted/);
    expect(await mediaRows(alice)).toBe(before);
    const { rows } = await t.db.query('SELECT 1 FROM scheduled_messages WHERE sender_id = $1', [alice.id]);
    expect(rows).toEqual([]);
  });
});

describe('relayed types', () => {
  it('relays a stored type that is not allow-listed (older data) as application/octet-stream', async () => {
    const { media, sealed } = await uploadSealed(alice, 'image');
    await t.db.query("UPDATE media SET mime_type = 'image/svg+xml' WHERE id = $1", [media.id]);
    const sent = await alice.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(alice, chat.id, '', { media: sealed.media }),
      mediaId: media.id,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data.media).toMatchObject({ id: media.id, mimeType: 'application/octet-stream' });
    const page = await bob.client.get<{ messages: Message[] }>(`/api/conversations/${chat.id}/messages`);
    const seen = page.body.data.messages.find((m) => m.id === sent.body.data.id);
    expect(seen?.media?.mimeType).toBe('application/octet-stream');
    const served = await bob.client.request({ method: 'GET', url: `/api/media/${media.id}` });
    expect(served.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment',
      'x-content-type-options': 'nosniff',
    });
  });
});
