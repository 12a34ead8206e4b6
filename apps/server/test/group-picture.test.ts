import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openFileBytes } from '@herald/crypto';
import type { Conversation, MediaInfo } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText } from './helpers/chat.js';
import { openContent, type SealedUpload } from './helpers/e2ee.js';
import { uploadSealed } from './helpers/media.js';

/**
 * Group pictures (issue 13, item 9): an image sealed on the device, its key in an envelope sealed
 * for the current members and checked like a message's; owners and admins only; members see it
 * live and may fetch the blob, nobody else can; a replaced picture's blob is deleted.
 */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

type Upload = { media: MediaInfo; sealed: SealedUpload };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

const fetchMedia = (user: TestUser, id: string) => user.client.request({ method: 'GET', url: `/api/media/${id}` });

async function setPicture(user: TestUser, conversationId: string, upload: Upload, content?: string) {
  return user.client.request<Conversation>({
    method: 'PUT',
    url: `/api/conversations/${conversationId}/picture`,
    payload: {
      mediaId: upload.media.id,
      content: content ?? (await sealText(user, conversationId, '', { media: upload.sealed.media })),
    },
  });
}

async function blobPath(mediaId: string): Promise<string> {
  const { rows } = await t.db.query<{ key: string }>('SELECT storage_key AS key FROM media WHERE id = $1', [mediaId]);
  return join(t.dataDir, 'media', rows[0]!.key.slice(0, 2), rows[0]!.key);
}

describe('group picture', () => {
  it('is set by an admin, seen live by every member, who open it with the sealed key', async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Pictured', [b]);
    expect(group.picture).toBeNull();
    const upload = await uploadSealed(a, 'image', PNG);
    const socket = await t.connect(b.client.cookie);
    const updated = socket.next('conversation_updated', (c) => c.id === group.id && Boolean(c.picture));

    const res = await setPicture(a, group.id, upload);
    expect(res.status).toBe(200);
    expect(res.body.data.picture).toMatchObject({
      media: { id: upload.media.id, kind: 'image' },
      setBy: a.id,
      updatedAt: t.clock.now().toISOString(),
    });
    const seen = await updated;
    expect(seen.picture!.media.id).toBe(upload.media.id);
    const listed = await b.client.get<Conversation[]>('/api/conversations');
    expect(listed.body.data.find((c) => c.id === group.id)!.picture!.envelope).toBe(seen.picture!.envelope);

    // B opens the envelope (sealed by A for the members), then the blob with the key inside.
    const secrets = (
      await openContent(b, { conversationId: group.id, senderId: a.id, content: seen.picture!.envelope })
    ).media!;
    const blob = await fetchMedia(b, upload.media.id);
    expect(blob.status).toBe(200);
    expect(Buffer.from(await openFileBytes(blob.raw.rawPayload, secrets.key, secrets))).toEqual(PNG);
    // Not a member: 404, like media that does not exist.
    expect((await fetchMedia(stranger, upload.media.id)).status).toBe(404);
    // A member who leaves loses it.
    expect((await b.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    expect((await fetchMedia(b, upload.media.id)).status).toBe(404);
  });

  it('is for owners and admins of groups only; others get 403, non-members 404', async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Rules', [b]);
    const byMember = await uploadSealed(b, 'image', PNG);
    expect((await setPicture(b, group.id, byMember)).status).toBe(403);
    const byStranger = await uploadSealed(stranger, 'image', PNG);
    const sealedByStranger = await sealText(stranger, group.id, '', {
      media: byStranger.sealed.media,
      recipients: [],
    }).catch(() => '{}');
    expect((await setPicture(stranger, group.id, byStranger, sealedByStranger)).status).toBe(404);
    // An admin may.
    expect(
      (
        await a.client.request({
          method: 'PATCH',
          url: `/api/conversations/${group.id}/members/${b.id}`,
          payload: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
    expect((await setPicture(b, group.id, byMember)).status).toBe(200);
    // Direct chats have none.
    const chat = await directChat(a, b);
    const forDirect = await uploadSealed(a, 'image', PNG);
    const direct = await setPicture(a, chat.id, forDirect);
    expect(direct.status).toBe(409);
    expect(direct.body.message).toMatch(/Direct chats have no picture/);
  });

  it('checks the envelope like a message: encrypted, this group, this sender, kind image, every member', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Envelope', [b, c]);
    const upload = await uploadSealed(a, 'image', PNG);
    const plain = await setPicture(a, group.id, upload, 'not sealed');
    expect(plain.status).toBe(400);
    expect(plain.body.error.code).toBe('not_encrypted');
    const asText = await sealText(a, group.id, '', { kind: 'text' });
    expect((await setPicture(a, group.id, upload, asText)).body.error.code).toBe('validation_failed');
    const other = await groupChat(a, 'Elsewhere', [b, c]);
    const elsewhere = await sealText(a, other.id, '', { media: upload.sealed.media });
    expect((await setPicture(a, group.id, upload, elsewhere)).body.error.code).toBe('validation_failed');
    // Sealed before C joined... here: sealed for A and B only.
    const { recipientsOf } = await import('./helpers/e2ee.js');
    const missingC = await sealText(a, group.id, '', { media: upload.sealed.media, recipients: recipientsOf([a, b]) });
    const mismatch = await setPicture(a, group.id, upload, missingC);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error).toMatchObject({ code: 'recipients_mismatch', details: { missing: [c.id], extra: [] } });
    // Nothing was written by the refusals: the upload is still free and the group has no picture.
    expect((await a.client.get<Conversation>(`/api/conversations/${group.id}`)).body.data.picture).toBeNull();
    expect((await setPicture(a, group.id, upload)).status).toBe(200);
  });

  it("takes only the caller's own unused image upload", async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Uploads', [b]);
    const theirs = await uploadSealed(b, 'image', PNG);
    const res = await setPicture(a, group.id, theirs, await sealText(a, group.id, '', { media: theirs.sealed.media }));
    expect(res.status).toBe(404);
    const video = await uploadSealed(a, 'video');
    const asVideo = await setPicture(a, group.id, video);
    expect(asVideo.status).toBe(400);
    const used = await uploadSealed(a, 'image', PNG);
    expect((await setPicture(a, group.id, used)).status).toBe(200);
    const other = await groupChat(a, 'Twice', [b]);
    expect((await setPicture(a, other.id, used)).status).toBe(409);
  });

  it('replacing or removing deletes the old blob; removal is live', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Replace', [b]);
    const first = await uploadSealed(a, 'image', PNG);
    expect((await setPicture(a, group.id, first)).status).toBe(200);
    const firstPath = await blobPath(first.media.id);
    expect(existsSync(firstPath)).toBe(true);
    const second = await uploadSealed(a, 'image', PNG);
    expect((await setPicture(a, group.id, second)).status).toBe(200);
    expect(existsSync(firstPath)).toBe(false);
    expect((await fetchMedia(b, first.media.id)).status).toBe(404);

    const socket = await t.connect(b.client.cookie);
    const cleared = socket.next('conversation_updated', (c) => c.id === group.id && c.picture === null);
    const removed = await a.client.request<Conversation>({
      method: 'DELETE',
      url: `/api/conversations/${group.id}/picture`,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.data.picture).toBeNull();
    await cleared;
    expect(existsSync(await blobPath(second.media.id))).toBe(false);
    // Removing again changes nothing; a plain member may not.
    expect((await a.client.request({ method: 'DELETE', url: `/api/conversations/${group.id}/picture` })).status).toBe(
      200,
    );
    expect((await b.client.request({ method: 'DELETE', url: `/api/conversations/${group.id}/picture` })).status).toBe(
      403,
    );
  });
});
