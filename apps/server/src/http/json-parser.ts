import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies through Fastify's own parser (with its prototype-poisoning protection), except
 * that an empty body is accepted as "no body": a client may send Content-Type: application/json
 * on a POST that needs no payload (logout), as our CSRF rule asks it to.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.toString().trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, body.toString(), done);
  });
}
