import type { Row } from './row.js';
import { ACCOUNT_ROWS } from './rows-account.js';
import { AVATAR_ROWS } from './rows-avatars.js';
import { CONVERSATION_ROWS } from './rows-conversations.js';
import { GROUP_PICTURE_ROWS } from './rows-group-picture.js';
import { MEDIA_ROWS } from './rows-media.js';
import { MESSAGE_EDIT_ROWS } from './rows-message-edits.js';
import { MESSAGE_ROWS } from './rows-messages.js';
import { SCHEDULING_ROWS } from './rows-scheduling.js';
import { SOCKET_ROWS } from './rows-socket.js';
import { USER_ROWS } from './rows-users.js';

export { PUBLIC_ROUTES } from './rows-public.js';
export { SOCKET_COMMANDS } from './rows-socket.js';

/**
 * The authorization matrix (issue 12): every route and socket command, each with its object, its
 * call and what each actor (actors.ts) must get, split by area into the rows-*.ts files. The
 * runner (authz-matrix.test.ts) makes one test per row and actor, and fails when a registered
 * route or a client command has no row here (or in PUBLIC_ROUTES, the routes that need no
 * session).
 */
export const MATRIX: readonly Row[] = [
  ...ACCOUNT_ROWS,
  ...USER_ROWS,
  ...AVATAR_ROWS,
  ...CONVERSATION_ROWS,
  ...MESSAGE_ROWS,
  ...MESSAGE_EDIT_ROWS,
  ...MEDIA_ROWS,
  ...GROUP_PICTURE_ROWS,
  ...SCHEDULING_ROWS,
  ...SOCKET_ROWS,
];
