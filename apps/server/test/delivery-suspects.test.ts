import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerUser } from './helpers/client.js';
import { getScheduled, inMs, schedule } from './helpers/scheduling.js';

/**
 * Suspects are the rows of a batch whose process died (its in-flight record outlived it). Found by
 * the chaos run (bench/chaos, scenario "kill"): after a process was killed, the other processes'
 * suspects passes picked the same rows at the same moment, each recording them, and the first to
 * lock a row counted the others' fresh records as crashes: rows that had been in ONE dead batch
 * failed with delivery_error ("repeatedly crashed the server") and were never sent.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const record = (ids: string[], claimedAt: Date) =>
  t.db.query(
    'INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at) VALUES (gen_random_uuid(), $1, $2)',
    [ids, claimedAt],
  );

describe('suspects of a dead batch', () => {
  it('are left to the live passes that just recorded them, not failed as crashed', async () => {
    const alice = await registerUser(t.app);
    const bob = await registerUser(t.app);
    const s = await schedule(alice, { receiverId: bob.id, content: 'once', scheduledTime: inMs(t, 60_000) });
    // A process died delivering it a minute ago: its record outlived it.
    await record([s.id], t.clock.now());
    t.clock.advance(60_000);
    // Two live processes have just picked it as a suspect (records committed, their delivery
    // transactions not started yet).
    await record([s.id], t.clock.now());
    await record([s.id], t.clock.now());

    await t.app.herald.dispatcher.runOnce();
    expect((await getScheduled(alice, s.id)).status).toBe('pending');

    // Their deliveries roll back, as a live pass's failure does (its record is removed): the next
    // pass delivers it, once.
    await t.db.query('DELETE FROM scheduled_delivery_batches WHERE claimed_at = $1', [t.clock.now()]);
    await t.app.herald.dispatcher.runOnce();
    expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'sent', failureCode: null });
    const { rows } = await t.db.query('SELECT id FROM messages WHERE scheduled_message_id = $1', [s.id]);
    expect(rows).toHaveLength(1);
  });
});
