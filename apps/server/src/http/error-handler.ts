import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, type ApiErrorBody, type ErrorCode } from '@herald/shared';
import { unavailableError } from '../db/errors.js';
import { AppError } from '../lib/app-error.js';
import { isSpaRoute } from './web-app.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

const MALFORMED_MULTIPART =
  /^(?:Multipart: Boundary not found|Unexpected end of multipart data|.* terminated early due to unexpected end of multipart data)$/;

/** Fastify's own errors, mapped to catalogue codes with a message that says what to fix. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('validation_failed', 'The body is not valid JSON.');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'Expected multipart/form-data.');
  }
  if (error instanceof SyntaxError) return new AppError('validation_failed', 'The body is not valid JSON.');
  // The multipart parser (busboy) reports a malformed or truncated form as a plain Error.
  if (error.statusCode === undefined && MALFORMED_MULTIPART.test(error.message)) {
    return new AppError(
      'validation_failed',
      'The multipart form is malformed or incomplete: send multipart/form-data with its boundary, and the whole body.',
    );
  }
  // Any other client error a plugin raises keeps its status and message. (Rate limits and
  // validation answer AppErrors of their own: lib/rate-limiter.ts, http/zod-validation.ts.)
  const status = error.statusCode;
  if (status && status >= 400 && status < 500)
    return new AppError(BY_STATUS[status] ?? 'validation_failed', error.message);
  return undefined;
}

/** The one error handler: every error leaves as the spec's error envelope with the right status. */
export function registerErrorHandler(app: FastifyInstance, options: { spaIndex?: () => boolean } = {}): void {
  app.setErrorHandler((rawError: FastifyError, request, reply) => {
    const unavailable = rawError instanceof AppError ? undefined : unavailableError(rawError);
    if (unavailable) request.log.warn({ err: rawError }, 'database busy or unreachable');
    const error = rawError instanceof AppError ? rawError : (unavailable ?? fromFastifyError(rawError));
    if (!error && request.raw.readableAborted) {
      // The client went away mid-request (an upload cut short): nobody to answer, nothing wrong here.
      request.log.info({ err: rawError }, 'client went away before the request was read');
      return reply.status(400).send({
        success: false,
        message: 'The request was interrupted before it was complete.',
        error: { code: 'validation_failed' },
      } satisfies ApiErrorBody);
    }
    if (!error) {
      request.log.error({ err: rawError }, 'unexpected error');
      const body: ApiErrorBody = {
        success: false,
        message: ERROR_CATALOGUE.internal_error.message,
        error: { code: 'internal_error' },
      };
      return reply.status(500).send(body);
    }
    if (error.headers) void reply.headers(error.headers);
    const body: ApiErrorBody = {
      success: false,
      message: error.message,
      error: error.details === undefined ? { code: error.code } : { code: error.code, details: error.details },
    };
    return reply.status(error.status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.spaIndex?.() && isSpaRoute(request.method, request.url)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return notFoundEnvelope(request, reply);
  });
}

/** The 404 envelope for a path no route matched (the API scope answers its unknown paths with it too). */
export function notFoundEnvelope(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body: ApiErrorBody = {
    success: false,
    message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
    error: { code: 'not_found' },
  };
  return reply.status(404).send(body);
}

/**
 * Fastify's framework errors, answered before any route or hook runs: a URL whose
 * percent-encoding is malformed (400), or a path parameter over the length limit (an id that names
 * nothing: 404). The envelope, with the security headers the hooks would have set.
 */
export function frameworkErrorHandler(applyHeaders: (request: FastifyRequest, reply: FastifyReply) => void) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    applyHeaders(request, reply);
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      void notFoundEnvelope(request, reply);
      return;
    }
    const body: ApiErrorBody = {
      success: false,
      message: 'The address is not valid: check its percent-encoding (%XX).',
      error: { code: 'validation_failed' },
    };
    void reply.status(400).send(body);
  };
}
