import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';

export interface SecurityHeadersOptions {
  /** COOKIE_SECURE: the app is served over HTTPS (the session cookie works nowhere else). */
  https: boolean;
  /** Strict-Transport-Security max-age for HTTPS answers; 0 = never sent. */
  hstsMaxAgeSeconds: number;
}

/**
 * The Content-Security-Policy of the web app and the API alike: everything from our own origin
 * only, no inline script or style, no plugins, no <base>, never framed. What the web app needs
 * beyond 'self': `blob:` images and videos (media is decrypted on the device into blob URLs).
 * `connect-src 'self'` covers the same-origin WebSocket of Socket.IO (CSP Level 3). Runtime styles
 * (emoji picker) go through CSSOM, which style-src does not govern, and React's `style={...}`
 * props are CSSOM too, so no 'unsafe-inline' is needed.
 */
export function contentSecurityPolicy(https: boolean): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Over plain HTTP (development, tests) this would send the page's requests to https://.
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/** helmet's options. */
function helmetOptions(https: boolean) {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(https) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // Sent by the hook below: only on requests that came over HTTPS.
    strictTransportSecurity: false,
    xPoweredBy: false,
  } as const;
}

export interface SecurityHeaders {
  /** Registers the headers for every answer Fastify routes (404s and errors included). */
  register: (app: FastifyInstance) => Promise<void>;
  /** Sets them on an answer made outside the hooks (Fastify's framework errors, e.g. a bad URL). */
  apply: (request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * Security headers on every answer (app, assets, API, errors, media, health, metrics) through
 * helmet, from a hook registered before any route so that it runs for all of them. HSTS only
 * when the app is served over HTTPS (COOKIE_SECURE) and this request came over HTTPS (behind a
 * proxy: TRUST_PROXY and X-Forwarded-Proto), for HSTS_MAX_AGE_SECONDS.
 *
 * helmet's middleware is built once: @fastify/helmet built a new one from the options on every
 * request (parsing the CSP directives each time), a few percent of the server's CPU on a small
 * request (issue 11, W3). No route sets options of its own, nor uses CSP nonces.
 */
export function securityHeaders(options: SecurityHeadersOptions): SecurityHeaders {
  const hsts = options.https && options.hstsMaxAgeSeconds > 0 ? `max-age=${options.hstsMaxAgeSeconds}` : undefined;
  const middleware = helmet(helmetOptions(options.https));
  const apply = (request: FastifyRequest, reply: FastifyReply) => {
    middleware(request.raw, reply.raw, () => {});
    if (hsts && request.protocol === 'https') reply.raw.setHeader('strict-transport-security', hsts);
  };
  return {
    async register(app) {
      app.addHook('onRequest', (request, reply, done) => {
        apply(request, reply);
        done();
      });
    },
    apply,
  };
}
