import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScheduledMessageId } from '@herald/shared';
import type { RateLimiter, RateLimitRule } from '../../lib/rate-limiter.js';
import { parseId } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { mediaKindOf, type MediaService } from '../media/index.js';
import type { SchedulingService } from './scheduling.js';

export interface SchedulingRoutesDeps {
  scheduling: SchedulingService;
  media: MediaService;
  rateLimiter: RateLimiter;
  createLimit: RateLimitRule;
}

const BOOLEAN_FIELDS = new Set(['isOneTimeMedia']);
const INTEGER_FIELDS = new Set(['viewLimit', 'mediaExpiryDuration']);

/** FormData sends strings: turn the spec's fields back into JSON types ('' means absent). */
function formValue(name: string, value: string): unknown {
  if (value === '' || value === 'null' || value === 'undefined') return undefined;
  if (BOOLEAN_FIELDS.has(name)) return value === 'true' ? true : value === 'false' ? false : value;
  if (INTEGER_FIELDS.has(name)) return /^\d+$/.test(value) ? Number(value) : value;
  return value;
}

/**
 * Reads the spec's multipart form (senderId, receiverId, content, scheduledTime, optional media
 * file, one-time options) into a body for `create`, storing the file as it arrives (`stored` is
 * told its id).
 */
async function readScheduledForm(
  request: FastifyRequest,
  userId: string,
  media: MediaService,
  stored: (mediaId: string) => void,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  let uploadedId: string | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = formValue(part.fieldname, String(part.value));
      if (value !== undefined) body[part.fieldname] = value;
      continue;
    }
    if (part.fieldname !== 'media' || uploadedId) {
      part.file.resume();
      continue;
    }
    const declared = typeof body.contentType === 'string' && body.contentType !== 'text' ? body.contentType : undefined;
    const info = await media.upload(
      userId,
      mediaKindOf(declared, part.mimetype),
      part.mimetype.slice(0, 100),
      part.file,
    );
    stored(info.id);
    uploadedId = info.id;
    body.mediaId = info.id;
  }
  return body;
}

export function schedulingRoutes(app: FastifyInstance, deps: SchedulingRoutesDeps): void {
  const { scheduling, media } = deps;

  app.post('/api/scheduled-messages', async (request, reply) => {
    const me = requireUser(request);
    await deps.rateLimiter.enforce(`schedule:${me.id}`, deps.createLimit, 'You are scheduling too fast');
    if (!request.isMultipart()) {
      const { scheduled, created } = await scheduling.create(me.id, request.body);
      return reply.status(created ? 201 : 200).send(ok(scheduled, created ? 'Message scheduled' : 'Already scheduled'));
    }
    // The file is stored while the form is read; if the form or the schedule is then refused,
    // it is deleted again.
    const { scheduled, created } = await media.discardUploadsOnFailure(async (stored) =>
      scheduling.create(me.id, await readScheduledForm(request, me.id, media, stored)),
    );
    return reply.status(created ? 201 : 200).send(ok(scheduled, created ? 'Message scheduled' : 'Already scheduled'));
  });

  app.get('/api/scheduled-messages', async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.list(me.id, request.query));
  });

  // Before the :id routes, so that "failures" is not read as an id.
  app.post('/api/scheduled-messages/failures/seen', async (request) => {
    const me = requireUser(request);
    return ok({ marked: await scheduling.markFailuresSeen(me.id) }, 'Failures marked as seen');
  });

  app.get('/api/scheduled-messages/:id', async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.get(me.id, parseId(ScheduledMessageId, request.params, 'scheduled message')));
  });

  // PUT is the spec's route; PATCH names the same partial edit (a re-seal sends content and version).
  for (const method of ['put', 'patch'] as const) {
    app[method]('/api/scheduled-messages/:id', async (request) => {
      const me = requireUser(request);
      const id = parseId(ScheduledMessageId, request.params, 'scheduled message');
      return ok(await scheduling.update(me.id, id, request.body), 'Scheduled message updated');
    });
  }

  app.delete('/api/scheduled-messages/:id', async (request) => {
    const me = requireUser(request);
    const id = parseId(ScheduledMessageId, request.params, 'scheduled message');
    return ok(await scheduling.cancel(me.id, id), 'Scheduled message cancelled');
  });

  app.post('/api/scheduled-messages/:id/send-now', async (request) => {
    const me = requireUser(request);
    const id = parseId(ScheduledMessageId, request.params, 'scheduled message');
    const result = await scheduling.sendNow(me.id, id);
    return ok(result, result.message ? 'Sent' : 'Could not send');
  });

  app.post('/api/scheduled-messages/:id/dismiss', async (request) => {
    const me = requireUser(request);
    const id = parseId(ScheduledMessageId, request.params, 'scheduled message');
    return ok(await scheduling.dismiss(me.id, id), 'Dismissed');
  });
}
