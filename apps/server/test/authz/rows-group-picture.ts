import type { Conversation } from '@herald/shared';
import { uploadSealed } from '../helpers/media.js';
import { recipientsByIds, sealContent } from '../helpers/e2ee.js';
import { membersOnly, NOT_ADMIN, PEOPLE, type Actor, type Person } from './actors.js';
import { http, row, type Row } from './row.js';
import type { World } from './world.js';

/**
 * Group pictures (issue 13, item 9): like the title, owners and admins of the group only (a plain
 * member or a blocked one: 403 not_admin; anyone outside: the 404 of a missing group). Every
 * current member hears conversation_updated.
 */

type Upload = Awaited<ReturnType<typeof uploadSealed>>;
type Uploads = Partial<Record<Person, Upload>>;

const picture = (w: World) => `/api/conversations/${w.conv}/picture`;

/** Everyone uploads an image of their own first (a refused call must change nothing, uploads included). */
async function everyonesUpload(w: World): Promise<Uploads> {
  const uploads: Uploads = {};
  for (const person of PEOPLE) uploads[person] = await uploadSealed(w.user(person));
  return uploads;
}

/** The actor's own upload and its key sealed by the actor for the current members. */
async function body(w: World, actor: Actor, uploads: Uploads) {
  const upload = uploads[actor === 'anonymous' ? 'nonMember' : actor]!;
  return {
    mediaId: upload.media.id,
    content: await sealContent(w.user(actor), w.conv, '', {
      media: upload.sealed.media,
      recipients: recipientsByIds(w.memberIds()),
    }),
  };
}

const adminsOnly = membersOnly(200, { coMember: NOT_ADMIN, blocked: NOT_ADMIN });

export const GROUP_PICTURE_ROWS: Row[] = [
  row<Uploads>({
    route: 'PUT /api/conversations/{id}/picture',
    variant: 'group',
    scene: 'group',
    expect: adminsOnly,
    setup: everyonesUpload,
    call: async (w, a, uploads) => http(w.api(a).put(picture(w), await body(w, a, uploads))),
    events: () => [['coMember', 'conversation_updated']],
  }),
  row<Conversation>({
    route: 'DELETE /api/conversations/{id}/picture',
    variant: 'group',
    scene: 'group',
    expect: adminsOnly,
    async setup(w) {
      const upload = await uploadSealed(w.people.owner);
      const res = await w.people.owner.client.put<Conversation>(picture(w), {
        mediaId: upload.media.id,
        content: await sealContent(w.people.owner, w.conv, '', {
          media: upload.sealed.media,
          recipients: recipientsByIds(w.memberIds()),
        }),
      });
      if (res.status !== 200) throw new Error(`set picture: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    },
    call: (w, a) => http(w.api(a).delete(picture(w))),
    events: () => [['coMember', 'conversation_updated']],
  }),
];
