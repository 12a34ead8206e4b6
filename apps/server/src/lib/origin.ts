/**
 * The one rule for a browser's `Origin`, used by the API's CSRF check (http/origin-check.ts) and
 * the Socket.IO handshake (realtime/socket-server.ts): a request that names an origin must name
 * ours (`scheme://host` as the request reached us) or one configured in ALLOWED_ORIGINS. No
 * `Origin` at all is not a cross-site browser request, and passes.
 */
export type OriginRule = (
  origin: string | undefined,
  own: { host: string | undefined; schemes: readonly string[] },
) => boolean;

export function originRule(allowedOrigins: readonly string[]): OriginRule {
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  return (origin, { host, schemes }) =>
    origin === undefined ||
    allowed.has(origin) ||
    (host !== undefined && schemes.some((scheme) => origin === `${scheme}://${host}`));
}
