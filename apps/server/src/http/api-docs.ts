import { readFileSync } from 'node:fs';
import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_CODES } from '@herald/shared';
import { SESSION_COOKIE } from '../modules/auth/index.js';

/** Where the interactive reference lives; its JSON is at `${API_DOCS_PREFIX}/json`. */
export const API_DOCS_PREFIX = '/api/docs';

/** The server package's version (src/http or dist/http alike sit two levels below it). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The one inline style the viewer inserts: the colours of the Swagger logo (an SVG `<style>`),
 * allowed by its hash rather than by 'unsafe-inline'. Found by loading /api/docs in Chromium and
 * reading its CSP report; a new @fastify/swagger-ui may change it (the logo then shows uncoloured).
 */
const SWAGGER_LOGO_STYLE = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';

/** Public routes outside /api that operators call, documented beside the API. */
const OPERATIONS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Zod schemas to JSON Schema 2020-12 (OpenAPI 3.1). Some parts have no JSON Schema (a query
 * integer read from digits is a preprocess step; refinements such as "no control characters"):
 * they are left open in the document rather than refusing to build it. The document is a
 * reference; the server's validation is the rule.
 */
const zodToJson = createJsonSchemaTransform({ zodToJsonConfig: { unrepresentable: 'any' } });

/**
 * The envelope every API answer comes in, for the document only (handlers return the shared TS
 * types; the server does not serialize through these). What `data` holds is named in docs/api.md.
 */
const ENVELOPE_RESPONSES = {
  200: {
    description: 'The success envelope (201 when something was created).',
    type: 'object',
    required: ['success', 'message', 'data'],
    properties: { success: { const: true }, message: { type: 'string' }, data: {} },
  },
  default: {
    description: 'The error envelope; the status follows the code (packages/shared/src/errors.ts).',
    type: 'object',
    required: ['success', 'message', 'error'],
    properties: {
      success: { const: false },
      message: { type: 'string', description: 'What went wrong and what to do next.' },
      error: {
        type: 'object',
        required: ['code'],
        properties: {
          code: { enum: ERROR_CODES },
          details: { description: 'validation_failed: [{ path, message }]; others: per code.' },
        },
      },
    },
  },
};

/** Answers that are not the envelope: a media blob, Prometheus text. */
const NOT_ENVELOPED = new Set(['/api/media/:id', '/metrics']);

type TransformInput = Parameters<SwaggerTransform>[0];

interface ContentBody {
  content: Record<string, { schema: unknown }>;
}

const isContentBody = (body: unknown): body is ContentBody =>
  typeof body === 'object' && body !== null && 'content' in body;

/**
 * Each route's zod schemas as JSON Schema. Beyond fastify-type-provider-zod's transform: a body
 * given per content type (the scheduled-message create) is converted type by type; routes that
 * work without a session say so (`security: []`, the document requiring the session cookie
 * otherwise); what is neither API nor operations (the web app's files, the docs themselves) is
 * left out.
 */
const transform: SwaggerTransform = (input: TransformInput) => {
  const { url, route } = input;
  if (!(url.startsWith('/api/') || OPERATIONS.has(url)) || url.startsWith(API_DOCS_PREFIX)) {
    return { schema: { hide: true }, url };
  }
  const source = (input.schema ?? {}) as Record<string, unknown>;
  const { body, ...rest } = source;
  const converted = zodToJson({ ...input, schema: rest }) as { schema: Record<string, unknown>; url: string };
  const schema: Record<string, unknown> = { ...converted.schema };
  if (isContentBody(body)) {
    const content: Record<string, { schema: unknown }> = {};
    for (const [type, entry] of Object.entries(body.content)) {
      const one = zodToJson({ ...input, schema: { body: entry.schema } }) as { schema: { body: unknown } };
      content[type] = { schema: one.schema.body };
    }
    schema.body = { content };
  } else if (body !== undefined) {
    schema.body = (zodToJson({ ...input, schema: { body } }) as { schema: { body: unknown } }).schema.body;
  }
  if (route.config?.public || OPERATIONS.has(url)) schema.security = [];
  if (!schema.response && !NOT_ENVELOPED.has(url)) schema.response = structuredClone(ENVELOPE_RESPONSES);
  return { schema, url };
};

/**
 * The API reference, generated from the routes' schemas: OpenAPI 3.1 at /api/docs/json and an
 * interactive viewer (Swagger UI) at /api/docs. Registered before any route (it collects them as
 * they are added) and outside the API scope: public, no session needed. It shows what the routes
 * accept, nothing the code does not already publish.
 *
 * The viewer runs under the app's Content-Security-Policy (its scripts and styles are files from
 * 'self'); the relaxations, `data:` images (its icons are inline SVG in its CSS) and the logo's
 * style by hash, apply to the docs' answers only.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Herald API',
        version: VERSION,
        description:
          'Every answer is the envelope `{ success, message, data }`; errors are `{ success: false, message, error: { code, details } }` with the status of the code. State-changing requests must be JSON (or multipart for uploads) and same-origin. See docs/api.md for errors, cookies, rate limits and the Socket.IO events.',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The session cookie set by POST /api/auth/register or /api/auth/login (HttpOnly).',
          },
        },
      },
      security: [{ session: [] }],
    },
    transform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    // No call to validator.swagger.io: the document stays on this server.
    uiConfig: { validatorUrl: null },
    transformStaticCSP: (header) =>
      header
        .replace(/img-src ([^;]*)/, 'img-src $1 data:')
        .replace(/style-src ([^;]*)/, `style-src $1 '${SWAGGER_LOGO_STYLE}'`),
  });
}
