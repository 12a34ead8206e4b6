import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_SECRET, type TestApp } from './helpers/app.js';
import { registeredRoutes, withBraceParams } from './helpers/routes.js';

/**
 * The API reference is generated from the routes' own schemas (http/api-docs.ts). These tests
 * keep it whole: every route under /api appears in it, with the request schemas clients need, and
 * the viewer at /api/docs answers without a session under the app's CSP.
 */
let t: TestApp;
let doc: OpenAPIV3_1.Document;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await t.close();
});

/** Every route Fastify registered, written as the document writes paths (`/x/{id}`). */
const registered = () => registeredRoutes(t.app).map(withBraceParams);

function documentedRoutes(): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item ?? {})
      .filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function requestSchema(path: string, method: 'post' | 'put' | 'patch'): OpenAPIV3_1.SchemaObject | undefined {
  const body = doc.paths?.[path]?.[method]?.requestBody;
  const schema = body && !('$ref' in body) ? body.content['application/json']?.schema : undefined;
  return schema && !('$ref' in schema) ? schema : undefined;
}

describe('the generated OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every API route Fastify registered', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Herald API');
    const api = registered().filter(
      (route) => / \/api\//.test(route) && !route.includes('/api/docs') && !route.startsWith('HEAD '),
    );
    expect(api.length).toBeGreaterThan(40);
    const documented = new Set(documentedRoutes());
    expect(api.filter((route) => !documented.has(route))).toEqual([]);
    // And only those: no web app files, no docs pages.
    expect(documentedRoutes().filter((route) => !/ \/(?:api\/|healthz|readyz|metrics)/.test(route))).toEqual([]);
    expect(documentedRoutes().filter((route) => route.includes('/api/docs'))).toEqual([]);
  });

  it('describes the main request bodies from the shared schemas', () => {
    const register = requestSchema('/api/auth/register', 'post');
    expect(register?.required).toEqual(expect.arrayContaining(['username', 'authKey', 'kdf', 'keys']));
    const send = requestSchema('/api/conversations/{id}/messages', 'post');
    expect(send?.required).toEqual(['content']);
    expect(send?.properties?.contentType).toMatchObject({ enum: ['text', 'image', 'video'] });
    const schedule = requestSchema('/api/scheduled-messages', 'post');
    expect(schedule?.required).toEqual(expect.arrayContaining(['content', 'scheduledTime']));
    expect(Object.keys(schedule?.properties ?? {})).toEqual(
      expect.arrayContaining(['receiverId', 'conversationId', 'isOneTimeMedia', 'viewLimit']),
    );
    const params = doc.paths?.['/api/conversations/{id}']?.get?.parameters as OpenAPIV3_1.ParameterObject[];
    expect(params).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
    const query = doc.paths?.['/api/scheduled-messages']?.get?.parameters as OpenAPIV3_1.ParameterObject[];
    expect(query.map((p) => p.name)).toEqual(expect.arrayContaining(['conversationId', 'status']));
  });

  it('describes the envelope of every API answer', () => {
    const responses = doc.paths?.['/api/auth/me']?.get?.responses as Record<string, OpenAPIV3_1.ResponseObject>;
    const success = responses['200']?.content?.['application/json']?.schema as OpenAPIV3_1.SchemaObject;
    expect(success.required).toEqual(['success', 'message', 'data']);
    const error = responses.default?.content?.['application/json']?.schema as OpenAPIV3_1.SchemaObject;
    expect(JSON.stringify(error)).toContain('"rate_limited"');
    // A media blob is not an envelope.
    expect(Object.keys(doc.paths?.['/api/media/{id}']?.get?.responses ?? {})).toEqual(['200']);
  });

  it('describes the session cookie, required except on the public routes', () => {
    expect(doc.components?.securitySchemes?.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'herald_session',
    });
    expect(doc.security).toEqual([{ session: [] }]);
    expect(doc.paths?.['/api/auth/login']?.post?.security).toEqual([]);
    expect(doc.paths?.['/api/config']?.get?.security).toEqual([]);
    expect(doc.paths?.['/api/auth/me']?.get?.security).toBeUndefined();
  });
});

describe('the viewer', () => {
  it('answers /api/docs with its HTML page, without a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    // Its scripts are files (no inline script needs the CSP relaxed), served from here.
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const script = await t.app.inject({ method: 'GET', url: src });
      expect(script.statusCode, src).toBe(200);
    }
    expect(res.body).not.toMatch(/<script>|<script [^>]*>[^<\s]/);
  });

  it('runs under the app CSP, relaxed (data: images, the logo style) on the docs only', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' });
    const csp = String(docs.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    // Styles: files, and the logo's one inline style by its hash; never 'unsafe-inline'.
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/img-src [^;]*data:/);
    const api = await t.app.inject({ method: 'GET', url: '/api/config' });
    expect(String(api.headers['content-security-policy'])).not.toMatch(/data:/);
  });

  it('does not ask for the API scope checks, and leaks no configuration', async () => {
    const json = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.body).not.toContain(TEST_SECRET);
    expect(json.body).not.toMatch(/DATABASE_URL|postgres:\/\//);
  });
});
