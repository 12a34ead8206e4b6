import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openFileBytes } from '@herald/crypto';
import type { MediaInfo, Message } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText } from './helpers/chat.js';
import { openContent, sealUpload, type SealedUpload } from './helpers/e2ee.js';
import { multipart, uploadMedia, uploadSealed } from './helpers/media.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MEDIA_MAX_IMAGE_MB: '1', MEDIA_QUOTA_MB: '3' } });
});
afterAll(async () => {
  await t.close();
});

const fetchMedia = (user: TestUser, id: string) => user.client.request({ method: 'GET', url: `/api/media/${id}` });

async function blobPath(mediaId: string): Promise<string> {
  const { rows } = await t.db.query<{ key: string }>('SELECT storage_key AS key FROM media WHERE id = $1', [mediaId]);
  return join(t.dataDir, 'media', rows[0]!.key.slice(0, 2), rows[0]!.key);
}

/** Sends an uploaded sealed file as an image message, its key and digest inside the sealed caption. */
async function sendMedia(
  from: TestUser,
  conversationId: string,
  upload: { media: MediaInfo; sealed: SealedUpload },
  extra: object = {},
) {
  const res = await from.client.post<Message>(`/api/conversations/${conversationId}/messages`, {
    content: await sealText(from, conversationId, 'caption', { media: upload.sealed.media }),
    mediaId: upload.media.id,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`send media: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

describe('upload and fetch', () => {
  it('stores an opaque blob and serves it back as an attachment, only to those allowed', async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const plain = Buffer.from('plain \x00\x01\x02 <script>alert(1)</script>', 'binary');
    const upload = await uploadSealed(a, 'image', plain);
    const { media } = upload;
    const data = upload.sealed.ciphertext;
    expect(media).toMatchObject({ kind: 'image', size: data.length, mimeType: 'application/octet-stream' });
    const own = await fetchMedia(a, media.id);
    expect(own.status).toBe(200);
    expect(own.raw.rawPayload).toEqual(data);
    expect(own.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment',
      'x-content-type-options': 'nosniff',
    });
    // Unattached: the uploader only.
    expect((await fetchMedia(b, media.id)).status).toBe(404);
    const chat = await directChat(a, b);
    const message = await sendMedia(a, chat.id, upload);
    const theirs = await fetchMedia(b, media.id);
    expect(theirs.status).toBe(200);
    // The recipient opens the file with the key from the message it came with.
    const secrets = (await openContent(b, message)).media!;
    expect(Buffer.from(await openFileBytes(theirs.raw.rawPayload, secrets.key, secrets))).toEqual(plain);
    expect((await fetchMedia(stranger, media.id)).status).toBe(404);
    expect((await fetchMedia(stranger, 'not-a-uuid')).status).toBe(404);
  });

  it('stops serving a removed group member', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Pics', [b]);
    const upload = await uploadSealed(a);
    const { media } = upload;
    await sendMedia(a, group.id, upload);
    expect((await fetchMedia(b, media.id)).status).toBe(200);
    await a.client.delete(`/api/conversations/${group.id}/members/${b.id}`);
    expect((await fetchMedia(b, media.id)).status).toBe(404);
  });

  it('takes a sealed file of the kind its field names and refuses other uploads clearly', async () => {
    // Before E2EE a plain image/png part was taken and its kind inferred from the type; now only a
    // sealed file (octet-stream, "HRLF" header) is stored, its kind named by the field before it.
    const a = await registerUser(t.app);
    const upload = (fields: Record<string, string>, type: string, data: Buffer) => {
      const form = multipart(fields, { field: 'file', filename: 'a', type, data });
      return a.client.request<MediaInfo>({
        method: 'POST',
        url: '/api/media',
        headers: { 'content-type': form.contentType },
        payload: form.body,
      });
    };
    const sealed = (await sealUpload(Buffer.from('a video'), 'video/mp4')).ciphertext;
    const ok = await upload({ kind: 'video' }, 'application/octet-stream', sealed);
    expect(ok.status).toBe(201);
    expect(ok.body.data.kind).toBe('video');
    const png = await upload({ kind: 'image' }, 'image/png', Buffer.from('png'));
    expect(png.status).toBe(415);
    expect(png.body.error.code).toBe('unsupported_media_type');
    const blob = multipart({}, { field: 'file', filename: 'x', type: 'application/octet-stream', data: sealed });
    const unknown = await a.client.request({
      method: 'POST',
      url: '/api/media',
      headers: { 'content-type': blob.contentType },
      payload: blob.body,
    });
    expect(unknown.status).toBe(415);
    expect((await a.client.post('/api/media', { file: 'x' })).status).toBe(415);
    const noFile = multipart({ kind: 'image' });
    const missing = await a.client.request({
      method: 'POST',
      url: '/api/media',
      headers: { 'content-type': noFile.contentType },
      payload: noFile.body,
    });
    expect(missing.status).toBe(400);
  });

  it('refuses a file over its size limit (413) and uploads past the quota (429), keeping nothing', async () => {
    const a = await registerUser(t.app);
    // Sealed files: the limits apply to the bytes stored (the plaintext plus 28 + 16 per 64 KiB).
    const sealedOf = async (size: number) => (await sealUpload(Buffer.alloc(size))).ciphertext;
    await expect(uploadMedia(a, 'image', await sealedOf(1024 * 1024))).rejects.toThrow(/413/);
    await uploadMedia(a, 'video', await sealedOf(1024 * 1024 * 2));
    await expect(uploadMedia(a, 'video', await sealedOf(1024 * 1024))).rejects.toThrow(/429/);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM media WHERE uploader_id = $1', [a.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('purges uploads never attached after a day', async () => {
    const a = await registerUser(t.app);
    const media = await uploadMedia(a);
    const path = await blobPath(media.id);
    expect(existsSync(path)).toBe(true);
    t.clock.advance(24 * 3_600_000 + 1000);
    await t.app.herald.housekeeping.runOnce();
    expect(existsSync(path)).toBe(false);
    expect((await fetchMedia(a, media.id)).status).toBe(410);
  });
});

describe('one-time media', () => {
  it('opens once for a recipient, never for the sender, then 410 and the blob is deleted', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const upload = await uploadSealed(a);
    const { media } = upload;
    const message = await sendMedia(a, chat.id, upload, { isOneTimeMedia: true });
    expect(message).toMatchObject({ isOneTimeMedia: true, viewLimit: 1, myViews: 0 });
    const path = await blobPath(media.id);
    expect((await fetchMedia(a, media.id)).status).toBe(410);
    expect((await fetchMedia(b, media.id)).status).toBe(200);
    const again = await fetchMedia(b, media.id);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('gone');
    // Deleted right after the last possible view was streamed.
    await vi.waitFor(() => expect(existsSync(path)).toBe(false));
    const page = await b.client.get<{ messages: Message[] }>(`/api/conversations/${chat.id}/messages`);
    expect(page.body.data.messages[0]!.myViews).toBe(1);
  });

  it('lets exactly one of two concurrent fetches through when the limit is 1', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
      const chat = await directChat(a, b);
      const upload = await uploadSealed(a);
      const { media } = upload;
      await sendMedia(a, chat.id, upload, { isOneTimeMedia: true, viewLimit: 1 });
      const results = await Promise.all([fetchMedia(b, media.id), fetchMedia(b, media.id)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    }
  });

  it('counts views per recipient up to viewLimit', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Views', [b, c]);
    const upload = await uploadSealed(a);
    const { media } = upload;
    await sendMedia(a, group.id, upload, { isOneTimeMedia: true, viewLimit: 2 });
    expect((await fetchMedia(b, media.id)).status).toBe(200);
    expect((await fetchMedia(b, media.id)).status).toBe(200);
    expect((await fetchMedia(b, media.id)).status).toBe(410);
    // C still has both views: the blob stays until no one can fetch it.
    expect((await fetchMedia(c, media.id)).status).toBe(200);
    expect((await fetchMedia(c, media.id)).status).toBe(200);
    const path = await blobPath(media.id);
    await vi.waitFor(() => expect(existsSync(path)).toBe(false));
  });

  it('expires mediaExpiryDuration after delivery: 410, then the blob is purged', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const upload = await uploadSealed(a);
    const { media } = upload;
    const message = await sendMedia(a, chat.id, upload, { isOneTimeMedia: true, mediaExpiryDuration: 60 });
    expect(new Date(message.mediaExpiresAt!).getTime() - new Date(message.createdAt).getTime()).toBe(60_000);
    t.clock.advance(60_000);
    expect((await fetchMedia(b, media.id)).status).toBe(410);
    const path = await blobPath(media.id);
    expect(existsSync(path)).toBe(true);
    await t.app.herald.housekeeping.runOnce();
    expect(existsSync(path)).toBe(false);
  });
});
