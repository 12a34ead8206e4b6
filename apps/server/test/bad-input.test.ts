import { join } from 'node:path';
import { statusOf, type ErrorCode } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BadCase, Expected, Outcome } from './bad-input/case.js';
import { createContext, type BadInputContext } from './bad-input/context.js';
import { allCases, apiRoutes, routesReached, SOCKET_COMMANDS } from './bad-input/index.js';
import { changedTables, snapshotDb, snapshotDir } from './helpers/db-snapshot.js';

/**
 * The bad-input suite (issue 12): one table of abusive requests over every API route and every
 * socket command (bad-input/cases-*.ts), one test per case. Each must get its stated answer (a
 * specific 4xx and error code, an error ack, a closed socket or a refused handshake), never a
 * 500, and must change nothing: every row of every table (helpers/db-snapshot.ts) and the media
 * blob directory are the same after it as before. The few cases whose forged fields are ignored
 * rather than refused check that none was honoured, and that only their own tables moved.
 *
 * Every case starts on fresh rate-limit windows (the fake clock moves a minute on), so that a
 * case never depends on the ones before it, and floods reach their limit in a known count.
 */

const MIN_CASES = 150;
const cases = allCases();
let ctx: BadInputContext;

beforeAll(async () => {
  ctx = await createContext();
}, 120_000);
afterAll(async () => {
  ctx?.t.closeSockets();
  await ctx?.t.close();
});

function describeOutcome(outcome: Outcome): string {
  return JSON.stringify(outcome).slice(0, 400);
}

function checkAnswer(expected: Expected, outcome: Outcome): void {
  const seen = describeOutcome(outcome);
  if (outcome.kind === 'http') expect(outcome.status, `never a 5xx: ${seen}`).toBeLessThan(500);
  if ('accepted' in expected) {
    if (expected.accepted === 'ack') expect(outcome, seen).toMatchObject({ kind: 'ack', ok: true });
    else expect(outcome, seen).toMatchObject({ kind: 'http', status: expected.accepted });
  } else if ('ack' in expected) {
    expect(outcome, seen).toMatchObject({ kind: 'ack', ok: false, code: expected.ack });
  } else if ('closed' in expected) {
    expect(outcome.kind, seen).toBe('closed');
  } else if ('refused' in expected) {
    expect(outcome.kind, seen).toBe('refused');
    expect(outcome.kind === 'refused' && outcome.message, seen).toMatch(expected.refused);
  } else if ('code' in expected) {
    const code: ErrorCode = expected.code;
    expect(outcome, seen).toMatchObject({ kind: 'http', status: expected.status ?? statusOf(code), code });
  } else {
    expect(outcome, seen).toMatchObject({ kind: 'http', status: expected.status });
  }
}

interface State {
  tables: Awaited<ReturnType<typeof snapshotDb>>;
  blobs: Record<string, string>;
}

async function state(): Promise<State> {
  return { tables: await snapshotDb(ctx.t.db), blobs: await snapshotDir(join(ctx.t.dataDir, 'media')) };
}

/** Compares now with `before`; for cases the server finishes after answering, polls up to 15 s (a loaded CI machine). */
async function expectUnchanged(before: State, mayChange: readonly string[], settles: boolean): Promise<void> {
  const deadline = Date.now() + (settles ? 15_000 : 0);
  for (;;) {
    const after = await state();
    const changed = changedTables(before.tables, after.tables).filter((table) => !mayChange.includes(table));
    const same = changed.length === 0 && JSON.stringify(after.blobs) === JSON.stringify(before.blobs);
    if (same || Date.now() >= deadline) {
      expect(changed, 'tables changed by the request').toEqual([]);
      expect(after.blobs, 'media blobs').toEqual(before.blobs);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runCase(c: BadCase): Promise<void> {
  ctx.t.clock.advance(61_000);
  ctx.errorLines.splice(0);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const before = await state();
  const outcome = await c.run(ctx);
  checkAnswer(c.expect, outcome);
  if ('accepted' in c.expect) await c.expect.verify(ctx, outcome);
  ctx.t.closeSockets();
  await expectUnchanged(before, 'accepted' in c.expect ? c.expect.mayChange : [], c.settles ?? false);
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), 'Object.prototype').toEqual(prototypeKeys);
  expect(ctx.errorLines, 'error-level log lines').toEqual([]);
}

describe('bad input', () => {
  it(`has at least ${MIN_CASES} cases`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
  });

  for (const c of cases) {
    it(`${c.area}: ${c.name}`, () => runCase(c));
  }

  // Last (tests in a file run in order): what the cases above reached.
  it('reached every API route and every socket command', () => {
    const routes = apiRoutes(ctx.t.app);
    expect(routes.length).toBeGreaterThan(40);
    const reached = routesReached(routes, ctx.seen);
    expect(routes.filter((route) => !reached.has(route))).toEqual([]);
    expect(SOCKET_COMMANDS.filter((event) => !ctx.seen.has(`socket ${event}`))).toEqual([]);
  });
});
