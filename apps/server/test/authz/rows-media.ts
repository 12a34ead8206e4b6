import { randomUUID } from 'node:crypto';
import type { MediaId, MediaInfo } from '@herald/shared';
import { multipart, uploadSealed } from '../helpers/media.js';
import { sealContent, recipientsByIds, sealUpload } from '../helpers/e2ee.js';
import { inMs } from '../helpers/scheduling.js';
import { membersOnly, NOT_FOUND, ownerOnly, signedIn, type Actor, type Person } from './actors.js';
import { http, row, type Row } from './row.js';
import { othersHear } from './rows-messages.js';
import type { World } from './world.js';

/**
 * Media: anyone signed in may upload; a blob is served to its uploader until it is in a message,
 * then to the members who can see that message (a former member, or history cut by "delete
 * chat", is 404 like a missing one).
 */

const nobody = (): Person[] => [];

/** The owner's upload, sent as an image message in the row's conversation. */
async function sentMedia(w: World): Promise<MediaInfo> {
  const owner = w.people.owner;
  const upload = await uploadSealed(owner);
  const res = await owner.client.post(`/api/conversations/${w.conv}/messages`, {
    content: await sealContent(owner, w.conv, 'caption', {
      media: upload.sealed.media,
      recipients: recipientsByIds(w.memberIds()),
    }),
    mediaId: upload.media.id,
  });
  if (res.status !== 201) throw new Error(`media message: ${res.status} ${JSON.stringify(res.body)}`);
  return upload.media;
}

type Upload = Awaited<ReturnType<typeof uploadSealed>>;

/** A message about the owner's upload, sealed by the actor for the conversation's members. */
async function aboutUpload(w: World, actor: Actor, upload: Upload) {
  return {
    content: await sealContent(w.user(actor), w.conv, 'caption', {
      media: upload.sealed.media,
      recipients: recipientsByIds(w.memberIds()),
    }),
    mediaId: upload.media.id,
  };
}

/** The same upload under an id that does not exist (the conversation stays: it is the actor's). */
const noSuchUpload = (upload: Upload): Upload => ({
  ...upload,
  media: { ...upload.media, id: randomUUID() as MediaId },
});

/** Only its uploader may send an upload: a member naming someone else's gets the 404 of a missing one. */
const uploaderOnly = membersOnly(201, { coMember: NOT_FOUND, blocked: NOT_FOUND });

export const MEDIA_ROWS: Row[] = [
  row<Upload>({
    route: 'POST /api/conversations/{id}/messages',
    variant: "with the owner's upload",
    scene: 'group',
    expect: uploaderOnly,
    setup: (w) => uploadSealed(w.people.owner),
    call: async (w, a, upload) =>
      http(w.api(a).post(`/api/conversations/${w.conv}/messages`, await aboutUpload(w, a, upload))),
    missing: noSuchUpload,
    events: othersHear('receive_message'),
  }),
  row<Upload>({
    route: 'POST /api/scheduled-messages',
    variant: "with the owner's upload",
    scene: 'group',
    expect: uploaderOnly,
    setup: (w) => uploadSealed(w.people.owner),
    call: async (w, a, upload) =>
      http(
        w.api(a).post('/api/scheduled-messages', {
          conversationId: w.conv,
          scheduledTime: inMs(w.t, 3_600_000),
          ...(await aboutUpload(w, a, upload)),
        }),
      ),
    missing: noSuchUpload,
    observers: (_w, a) => (a === 'anonymous' ? [] : [a]),
  }),
  row({
    route: 'POST /api/media',
    scene: 'group',
    expect: signedIn(201),
    call: async (w, a) => {
      const file = await sealUpload();
      const { body, contentType } = multipart(
        { kind: 'image' },
        { field: 'file', filename: 'blob', type: 'application/octet-stream', data: file.ciphertext },
      );
      return http(
        w
          .api(a)
          .request({ method: 'POST', url: '/api/media', headers: { 'content-type': contentType }, payload: body }),
      );
    },
    observers: nobody,
  }),
  row<MediaInfo>({
    route: 'GET /api/media/{id}',
    variant: 'not sent yet',
    scene: 'group',
    expect: ownerOnly(200),
    setup: async (w) => (await uploadSealed(w.people.owner)).media,
    call: (w, a, media) => http(w.api(a).get(`/api/media/${media.id}`)),
    observers: nobody,
  }),
  row<MediaInfo>({
    route: 'GET /api/media/{id}',
    variant: 'in a group message',
    scene: 'group',
    expect: membersOnly(200),
    setup: sentMedia,
    call: (w, a, media) => http(w.api(a).get(`/api/media/${media.id}`)),
    observers: nobody,
  }),
  row<MediaInfo>({
    route: 'GET /api/media/{id}',
    variant: 'in a direct message',
    scene: 'direct',
    expect: membersOnly(200, { removed: NOT_FOUND }),
    setup: sentMedia,
    call: (w, a, media) => http(w.api(a).get(`/api/media/${media.id}`)),
    observers: nobody,
  }),
];
