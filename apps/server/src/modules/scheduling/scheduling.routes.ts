import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  CreateScheduledBody,
  RestoreScheduledBody,
  ScheduledListQuery,
  ScheduledMessageId,
  UpdateScheduledBody,
} from '@herald/shared';
import type { RateLimitRule } from '../../lib/rate-limiter.js';
import { parseInput } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { idParams } from '../../http/zod-validation.js';
import { mediaKindOf, type MediaService } from '../media/index.js';
import type { SchedulingService } from './scheduling.js';

export interface SchedulingRoutesDeps {
  scheduling: SchedulingService;
  media: MediaService;
  createLimit: RateLimitRule;
}

const BOOLEAN_FIELDS = new Set(['isOneTimeMedia', 'showAsScheduled']);
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
 * file, one-time options) into the fields of a create body, storing the file as it arrives
 * (`stored` is told its id). The route then parses them with the JSON body's schema.
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

const params = idParams(ScheduledMessageId, 'scheduled message');

export const schedulingRoutes: FastifyPluginAsyncZod<SchedulingRoutesDeps> = async (app, deps) => {
  const { scheduling, media } = deps;

  app.post(
    '/api/scheduled-messages',
    {
      config: { rateLimit: limitedBy(deps.createLimit) },
      schema: {
        description:
          "JSON, or (the spec's form) multipart/form-data with the same fields as strings and an optional `media` file.",
        // Fastify picks the schema by content type: JSON is validated here; a multipart form is
        // read (its file stored) and its fields parsed with the same schema in the handler.
        body: { content: { 'application/json': { schema: CreateScheduledBody } } },
      },
    },
    async (request, reply) => {
      const me = requireUser(request);
      if (!request.isMultipart()) {
        // Validated by the JSON schema above (the type provider cannot follow a per-content-type body).
        const body = request.body as z.output<typeof CreateScheduledBody>;
        const { scheduled, created } = await scheduling.create(me.id, body);
        return reply
          .status(created ? 201 : 200)
          .send(ok(scheduled, created ? 'Message scheduled' : 'Already scheduled'));
      }
      // The file is stored while the form is read; if the form or the schedule is then refused,
      // it is deleted again.
      const { scheduled, created } = await media.discardUploadsOnFailure(async (stored) => {
        const form = await readScheduledForm(request, me.id, media, stored);
        return scheduling.create(me.id, parseInput(CreateScheduledBody, form));
      });
      return reply.status(created ? 201 : 200).send(ok(scheduled, created ? 'Message scheduled' : 'Already scheduled'));
    },
  );

  app.get('/api/scheduled-messages', { schema: { querystring: ScheduledListQuery } }, async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.list(me.id, request.query));
  });

  // Before the :id routes, so that "failures" is not read as an id.
  app.post('/api/scheduled-messages/failures/seen', async (request) => {
    const me = requireUser(request);
    return ok({ marked: await scheduling.markFailuresSeen(me.id) }, 'Failures marked as seen');
  });

  app.get('/api/scheduled-messages/:id', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.get(me.id, request.params.id));
  });

  // PUT is the spec's route; PATCH names the same partial edit (a re-seal sends content and version).
  for (const method of ['put', 'patch'] as const) {
    app[method]('/api/scheduled-messages/:id', { schema: { params, body: UpdateScheduledBody } }, async (request) => {
      const me = requireUser(request);
      return ok(await scheduling.update(me.id, request.params.id, request.body), 'Scheduled message updated');
    });
  }

  app.delete('/api/scheduled-messages/:id', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.cancel(me.id, request.params.id), 'Scheduled message cancelled');
  });

  app.post('/api/scheduled-messages/:id/send-now', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    const result = await scheduling.sendNow(me.id, request.params.id);
    return ok(result, result.message ? 'Sent' : 'Could not send');
  });

  // A cancelled message back while its time is ahead, or a failed one edited and rescheduled:
  // rate-limited like scheduling, since it puts a message back in the queue.
  app.post(
    '/api/scheduled-messages/:id/restore',
    { config: { rateLimit: limitedBy(deps.createLimit) }, schema: { params, body: RestoreScheduledBody } },
    async (request) => {
      const me = requireUser(request);
      return ok(await scheduling.restore(me.id, request.params.id, request.body), 'Scheduled again');
    },
  );

  app.post('/api/scheduled-messages/:id/dismiss', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    return ok(await scheduling.dismiss(me.id, request.params.id), 'Dismissed');
  });
};
