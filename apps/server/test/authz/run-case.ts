import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ListeningTestApp } from '../helpers/app.js';
import { changedTables, snapshotDb, snapshotDir } from '../helpers/db-snapshot.js';
import { allowed, LIVE_PEOPLE, type Actor, type Expect, type Outcome } from './actors.js';
import { defaultObservers, type Row } from './row.js';
import { eventsSince, mark } from './watch.js';
import { World } from './world.js';

/** Every row of every table and every stored blob, to compare before and after a refused call. */
async function snapshot(w: World) {
  return { db: await snapshotDb(w.t.db), blobs: await snapshotDir(join(w.t.dataDir, 'media')) };
}

/**
 * The same call against objects that do not exist (DESIGN section 8: "not yours" looks the same
 * as "does not exist"): the row's `missing`, else a fresh conversation id and a fresh object id.
 */
async function missingTwin(w: World, r: Row, actor: Actor, object: unknown): Promise<Outcome> {
  if (r.missing) return r.call(w, actor, r.missing(object));
  const conv = w.conv;
  w.conv = randomUUID();
  try {
    const hasId = typeof object === 'object' && object !== null && 'id' in object;
    return await r.call(w, actor, hasId ? { ...object, id: randomUUID() } : object);
  } finally {
    w.conv = conv;
  }
}

function shape(outcome: Outcome, expected: Expect) {
  return typeof expected === 'number' ? { status: outcome.status } : { status: outcome.status, code: outcome.code };
}

/**
 * One case of the matrix: a fresh world, the row's object, the actors made what they are named,
 * every live account watching on a socket; then the call, its answer, and what it may not do:
 * a refused call changes no row and no blob and reaches no socket; an allowed one reaches only
 * those allowed to see it.
 */
export async function runCase(t: ListeningTestApp, r: Row, actor: Actor): Promise<void> {
  const w = await World.build(t, r.scene, actor);
  const object = r.setup ? await r.setup(w) : undefined;
  await w.finalize();
  await w.connectWatchers();
  const expected = r.expect[actor];
  const refused = !allowed(expected);
  const marks = await mark(w);
  const before = refused ? await snapshot(w) : undefined;

  const outcome = await r.call(w, actor, object);
  const want = typeof expected === 'number' ? { status: expected } : expected;
  expect(shape(outcome, expected), `answer: ${JSON.stringify(outcome.body)}`).toEqual(want);

  const events = await eventsSince(w, marks);
  if (before) {
    const after = await snapshot(w);
    expect(changedTables(before.db, after.db), 'tables a refused call changed').toEqual([]);
    expect(after.blobs, 'blobs after a refused call').toEqual(before.blobs);
    for (const person of LIVE_PEOPLE) expect(events.get(person), `events to ${person}`).toEqual([]);
    if (outcome.status === 404) {
      const twin = await missingTwin(w, r, actor, object);
      expect(twin.body, 'the 404 of an object that does not exist').toEqual(outcome.body);
    }
    return;
  }
  const may = new Set((r.observers ?? defaultObservers)(w, actor));
  for (const person of LIVE_PEOPLE.filter((p) => !may.has(p))) {
    expect(events.get(person), `events to ${person}, who may not see them`).toEqual([]);
  }
  for (const [person, event] of r.events?.(w, actor) ?? []) {
    expect(events.get(person), `${event} to ${person}`).toContain(event);
  }
  await r.verify?.(w, actor, object);
}
