import type {} from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { MediaId } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { parseId } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { mediaKindOf, type MediaService } from './media.js';

export function mediaRoutes(app: FastifyInstance, media: MediaService): void {
  app.post('/api/media', async (request, reply) => {
    const me = requireUser(request);
    if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Upload with multipart/form-data.');
    let uploaded;
    let kindField: string | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'kind') kindField = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || uploaded) {
        part.file.resume();
        continue;
      }
      const kind = mediaKindOf(kindField, part.mimetype);
      uploaded = await media.upload(me.id, kind, part.mimetype.slice(0, 100), part.file);
    }
    if (!uploaded) throw new AppError('validation_failed', 'Send the file in a part named "file".');
    return reply.status(201).send(ok(uploaded, 'Uploaded'));
  });

  app.get('/api/media/:id', async (request, reply) => {
    const me = requireUser(request);
    const id = parseId(MediaId, request.params, 'media');
    const opened = await media.open(me.id, id);
    reply.raw.once('finish', () => {
      opened.after().catch((error: unknown) => request.log.error({ err: error }, 'media cleanup failed'));
    });
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', 'attachment')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-length', String(opened.size))
      .send(opened.stream);
  });
}
