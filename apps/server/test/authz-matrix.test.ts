import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, registerUser, type TestUser } from './helpers/client.js';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { ACTORS, statusOf } from './authz/actors.js';
import { clientCommands, registeredRoutes } from './authz/coverage.js';
import { MATRIX, PUBLIC_ROUTES, SOCKET_COMMANDS } from './authz/matrix.js';
import { sealFor } from './authz/row.js';
import { runCase } from './authz/run-case.js';
import { eventsSince, mark } from './authz/watch.js';
import { World } from './authz/world.js';
import { changedTables, snapshotDb } from './helpers/db-snapshot.js';

/**
 * The authorization matrix (issue 12): every route and socket command against the owner of its
 * object, a co-member, a non-member, a removed member, a blocked user, a deleted account and an
 * anonymous caller, from the one table in authz/matrix.ts. Each case checks the answer, that a
 * refused call changed nothing (every table, every blob) and reached no socket, and that an
 * allowed one reached only those who may see it. A route or command without a row fails here.
 */

let t: ListeningTestApp;
beforeAll(async () => {
  // Hundreds of fresh accounts: the per-address sign-up and password budgets would stop them.
  t = await createListeningApp({
    env: { RATE_LIMIT_REGISTER_PER_HOUR: '100000', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' },
  });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.closeSockets();
});

const rowName = (r: { route: string; variant?: string | undefined }) =>
  r.variant ? `${r.route} (${r.variant})` : r.route;

describe('coverage', () => {
  it('has a row (or a public listing) for every route the app registers, and no row for a route it lacks', () => {
    const registered = registeredRoutes(t.app);
    expect(registered.length).toBeGreaterThan(50);
    const covered = new Set([...MATRIX.map((r) => r.route), ...PUBLIC_ROUTES.map((r) => r.route)]);
    expect(
      registered.filter((route) => !covered.has(route)),
      'routes without a row',
    ).toEqual([]);
    const stale = [...covered].filter((route) => !route.startsWith('socket ') && !registered.includes(route));
    expect(stale, 'rows for routes the app does not have').toEqual([]);
  });

  it('has rows for every socket command of ClientToServerEvents', async () => {
    const commands = await clientCommands();
    expect(commands.length).toBeGreaterThan(0);
    expect(Object.keys(SOCKET_COMMANDS).sort()).toEqual(commands);
    const rows = new Set(MATRIX.filter((r) => r.route.startsWith('socket ')).map((r) => r.route.slice(7)));
    expect(
      commands.filter((c) => !rows.has(c)),
      'commands without a row',
    ).toEqual([]);
    expect(
      [...rows].filter((c) => !commands.includes(c)),
      'rows for commands that do not exist',
    ).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('see the rows and the events of a call that does change something', async () => {
    const w = await World.build(t, 'group', 'owner');
    await w.finalize();
    await w.connectWatchers();
    const marks = await mark(w);
    const before = await snapshotDb(t.db);
    const sent = await w.api('owner').post(`/api/conversations/${w.conv}/messages`, {
      content: await sealFor(w, 'owner'),
    });
    expect(sent.status).toBe(201);
    expect(changedTables(before, await snapshotDb(t.db))).toEqual(['messages']);
    const events = await eventsSince(w, marks);
    expect(events.get('coMember')).toEqual(['receive_message']);
    for (const person of ['nonMember', 'removed'] as const) expect(events.get(person)).toEqual([]);
  });

  it('HEAD, which Fastify adds to every GET, runs the same session check (401 without one)', async () => {
    const open = new Set(PUBLIC_ROUTES.map((r) => r.route));
    const gets = registeredRoutes(t.app).filter((route) => route.startsWith('GET /api/') && !open.has(route));
    expect(gets.length).toBeGreaterThan(10);
    for (const route of gets) {
      const url = route.slice(4).replace(/\{[A-Za-z]+\}/g, randomUUID());
      const res = await t.app.inject({ method: 'HEAD', url });
      expect(res.statusCode, `HEAD ${url}`).toBe(401);
    }
  });
});

describe('public routes answer the same with no session, a dead one or a live one', () => {
  let known: TestUser;
  let deadCookie: string | undefined;
  beforeAll(async () => {
    known = await registerUser(t.app);
    const gone = await registerUser(t.app);
    deadCookie = gone.client.cookie;
    await gone.client.delete('/api/users/me', { authKey: gone.authKey });
  });

  for (const route of PUBLIC_ROUTES) {
    it(`${route.route}: ${route.status}`, async () => {
      const live = (await registerUser(t.app)).client;
      for (const [who, api] of [
        ['anonymous', new ApiClient(t.app)],
        ['deleted', new ApiClient(t.app, deadCookie)],
        ['signed in', live],
      ] as const) {
        const outcome = await route.call(api, known);
        expect(outcome.status, `${who}: ${JSON.stringify(outcome.body)}`).toBe(route.status);
      }
    });
  }
});

for (const r of MATRIX) {
  describe(rowName(r), () => {
    for (const actor of ACTORS) {
      it(`${actor}: ${statusOf(r.expect[actor])}`, () => runCase(t, r, actor));
    }
  });
}
