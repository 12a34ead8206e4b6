import type { FastifyInstance } from 'fastify';
import type { ClientToServerEvents } from '@herald/shared';
import type { BadCase } from './case.js';
import { avatarCases } from './cases-avatars.js';
import { controlCases } from './cases-control.js';
import { crossSiteCases } from './cases-cross-site.js';
import { envelopeCases } from './cases-envelope.js';
import { idCases } from './cases-id.js';
import { massAssignmentCases } from './cases-mass.js';
import { groupPictureCases } from './cases-group-picture.js';
import { muteCases } from './cases-mute.js';
import { messageMassAssignmentCases } from './cases-mass-messages.js';
import { messageEditCases } from './cases-message-edits.js';
import { prototypeCases } from './cases-prototype.js';
import { routeCases } from './cases-routes.js';
import { sizeCases } from './cases-size.js';
import { socketCases } from './cases-socket.js';
import { timeCases } from './cases-time.js';
import { tokenCases } from './cases-token.js';
import { typeCases } from './cases-type.js';
import { uploadCases } from './cases-upload.js';
import { registeredRoutes } from '../helpers/routes.js';

export type { BadCase } from './case.js';

/** The whole table, area by area. */
export function allCases(): BadCase[] {
  return [
    ...timeCases(),
    ...sizeCases(),
    ...typeCases(),
    ...prototypeCases(),
    ...controlCases(),
    ...idCases(),
    ...massAssignmentCases(),
    ...messageMassAssignmentCases(),
    ...tokenCases(),
    ...crossSiteCases(),
    ...socketCases(),
    ...uploadCases(),
    ...envelopeCases(),
    ...routeCases(),
    ...messageEditCases(),
    ...muteCases(),
    ...avatarCases(),
    ...groupPictureCases(),
  ];
}

/** Every client command; the type makes a new command in ClientToServerEvents a compile error here. */
export const SOCKET_COMMANDS = Object.keys({
  send_message: true,
  mark_read: true,
  mark_delivered: true,
  typing: true,
} satisfies Record<keyof ClientToServerEvents, true>);

/**
 * Every API route Fastify registered, as `METHOD /path/:param` (from its own route table, as
 * openapi.test.ts reads it), without HEAD and the API reference's own pages.
 */
export function apiRoutes(app: FastifyInstance): string[] {
  return registeredRoutes(app).filter((r) => / \/api\//.test(r) && !r.includes('/api/docs') && !r.startsWith('HEAD '));
}

/**
 * Which route a request reached, by the router's rule: a static route wins over a parametric
 * one. `seen` holds `METHOD /concrete/path` (percent-encoding decoded here as the router does).
 */
export function routesReached(routes: readonly string[], seen: Iterable<string>): Set<string> {
  const patterns = routes.map((route) => ({
    route,
    static: !route.includes(':'),
    regex: new RegExp(`^${route.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
  }));
  const reached = new Set<string>();
  for (const request of seen) {
    let decoded = request;
    try {
      decoded = decodeURIComponent(request);
    } catch {
      // a malformed escape reaches no route
    }
    const exact = patterns.find((p) => p.static && p.route === decoded);
    const match = exact ?? patterns.find((p) => p.regex.test(decoded));
    if (match) reached.add(match.route);
  }
  return reached;
}
