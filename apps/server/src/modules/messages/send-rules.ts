import type { MessageContentType, SendMessageBody } from '@herald/shared';
import type { z } from 'zod';
import type { Queryable } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import { selectMedia } from '../media/index.js';
import { selectMessagesByIds } from './messages.sql.js';

/** What a send must satisfy besides membership, for live and scheduled sends alike. */

/** A send as the edge parsed it (the HTTP route's schema, the socket command's). */
export type ParsedSend = z.output<typeof SendMessageBody>;

/** Validates content, media and one-time options (not membership). */
export async function validateContent(
  q: Queryable,
  senderId: string,
  body: {
    content: string;
    contentType?: MessageContentType | undefined;
    mediaId?: string | undefined;
    isOneTimeMedia: boolean;
    viewLimit?: number | null | undefined;
    mediaExpiryDuration?: number | null | undefined;
  },
): Promise<MessageContentType> {
  let contentType = body.contentType ?? 'text';
  if (body.mediaId) {
    const media = await selectMedia(q, body.mediaId);
    if (!media || media.uploaderId !== senderId || media.deletedAt) throw notFound('No such media.');
    if (media.attachedAt) throw new AppError('conflict', 'This media is already attached to another message.');
    if (body.contentType === undefined || body.contentType === 'text') contentType = media.kind;
    if (contentType !== media.kind) {
      throw new AppError('validation_failed', `contentType ${contentType} does not match the ${media.kind} media.`);
    }
  } else {
    if (contentType !== 'text') throw new AppError('validation_failed', `A ${contentType} message needs a mediaId.`);
    if (body.content.trim() === '') throw new AppError('validation_failed', 'The message is empty.');
  }
  const hasOneTimeOptions = (body.viewLimit ?? null) !== null || (body.mediaExpiryDuration ?? null) !== null;
  if (body.isOneTimeMedia && !body.mediaId) {
    throw new AppError('validation_failed', 'isOneTimeMedia needs media.');
  }
  if (hasOneTimeOptions && !body.isOneTimeMedia) {
    throw new AppError('validation_failed', 'viewLimit and mediaExpiryDuration apply to one-time media only.');
  }
  return contentType;
}

/** A reply must answer a message of the same conversation (live and scheduled sends alike). */
export async function assertRepliable(q: Queryable, conversationId: string, replyToId: string): Promise<void> {
  const [reply] = await selectMessagesByIds(q, [replyToId]);
  if (!reply || reply.conversationId !== conversationId) {
    throw notFound('The message you reply to is not in this conversation.');
  }
  if (reply.contentType === 'event') throw new AppError('invalid_state', 'You cannot reply to an event.');
  if (reply.deletedAt) throw notFound('The message you reply to was deleted.');
}

/** The one-time media options of a send, as stored (a one-time view limit defaults to 1). */
export function oneTimeMediaColumns(body: {
  isOneTimeMedia: boolean;
  viewLimit?: number | null | undefined;
  mediaExpiryDuration?: number | null | undefined;
}): { isOneTimeMedia: boolean; viewLimit: number | null; mediaExpirySeconds: number | null } {
  return {
    isOneTimeMedia: body.isOneTimeMedia,
    viewLimit: body.isOneTimeMedia ? (body.viewLimit ?? 1) : null,
    mediaExpirySeconds: body.mediaExpiryDuration ?? null,
  };
}
