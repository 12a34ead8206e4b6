import type {} from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MediaId } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { idParams } from '../../http/zod-validation.js';
import { mediaKindOf, type MediaService } from './media.js';

export const mediaRoutes: FastifyPluginAsyncZod<{ media: MediaService }> = async (app, { media }) => {
  app.post('/api/media', async (request, reply) => {
    const me = requireUser(request);
    if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Upload with multipart/form-data.');
    const uploaded = await media.discardUploadsOnFailure(async (stored) => {
      let info;
      let kindField: string | undefined;
      // Reading every part to the end: a second file, too many fields or a client that goes
      // away surface here, after the first file was stored, and must not leave it behind.
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === 'kind') kindField = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || info) {
          part.file.resume();
          continue;
        }
        const kind = mediaKindOf(kindField, part.mimetype);
        info = await media.upload(me.id, kind, part.mimetype.slice(0, 100), part.file);
        stored(info.id);
      }
      if (!info) throw new AppError('validation_failed', 'Send the file in a part named "file".');
      return info;
    });
    return reply.status(201).send(ok(uploaded, 'Uploaded'));
  });

  app.get('/api/media/:id', { schema: { params: idParams(MediaId, 'media') } }, async (request, reply) => {
    const me = requireUser(request);
    const opened = await media.open(me.id, request.params.id);
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
};
