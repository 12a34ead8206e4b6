import type { Conversation, ScheduledMessage } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_CHANNEL } from '../src/modules/scheduling/index.js';
import { createProcessDatabase, onPostgres } from './helpers/db.js';
import { conversationRecipients, sealContent } from './helpers/e2ee.js';
import { HttpUser } from './helpers/http.js';
import { startServerProcess, waitForHttp } from './helpers/process.js';

const ROUNDS = 6;
const PER_ROUND = 150;

/** Resolves at a wall-clock instant: the race below is about real concurrency, not about time passing. */
const until = (atMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));

/**
 * The outside report: ~150 concurrent send-now / cancel / edit requests of one user on their own
 * scheduled messages, fired in the ~150 ms around their due time, hung the server for 30 s and
 * then crashed it (the delivery held row locks while waiting for a second pooled connection that
 * the blocked requests held). A real server process, PostgreSQL, the default pool of 10.
 */
describe.runIf(onPostgres())('one user racing the dispatcher around the due time (PostgreSQL, default pool)', () => {
  it('no request takes over 2 s or fails with a 500, the process stays up, and each message is delivered once or cancelled', async () => {
    const database = await createProcessDatabase('herald_race');
    const server = await startServerProcess({
      DATABASE_URL: database.url,
      JWT_SECRET: 'race-secret-race-secret-race-secret-race',
      HERALD_DATA_DIR: `/tmp/${database.url.split('/').pop()}`,
      KDF_MEMORY_KIB: '8',
      KDF_ITERATIONS: '1',
      AUTH_HASH_MEMORY_KIB: '8',
      AUTH_HASH_ITERATIONS: '1',
      SCHEDULE_MIN_LEAD_SECONDS: '0',
      SCHEDULE_RATE_LIMIT_PER_MINUTE: '100000',
      SCHEDULE_MAX_PENDING_PER_CONVERSATION: '1000',
      SCHEDULE_MAX_PENDING_PER_USER: '1000',
      LOG_LEVEL: 'info',
    });
    try {
      await waitForHttp(server);
      const suffix = database.url.slice(-6);
      const alice = await new HttpUser(server.baseUrl).register(`alice${suffix}`);
      const bob = await new HttpUser(server.baseUrl).register(`bob${suffix}`);
      const chat = await alice.call<Conversation>('POST', '/api/conversations/direct', { userId: bob.id });
      // Everything is sealed for the chat's two members, asked once (sealing is client-side work,
      // done before the timed race below).
      const recipients = await conversationRecipients(alice, chat.data.id);
      const seal = (text: string) => sealContent(alice, chat.data.id, text, { recipients });
      const answers: { status: number; ms: number; action: string }[] = [];
      const outcomes = new Map<string, string>();
      for (let round = 0; round < ROUNDS; round++) {
        const scheduled: ScheduledMessage[] = [];
        for (let i = 0; i < PER_ROUND; i += 15) {
          const contents = await Promise.all(
            Array.from({ length: Math.min(15, PER_ROUND - i) }, (_, k) => seal(`round ${round} #${i + k}`)),
          );
          const batch = await Promise.all(
            contents.map((content) =>
              alice.call<ScheduledMessage>('POST', '/api/scheduled-messages', {
                conversationId: chat.data.id,
                content,
                scheduledTime: Date.now() + 3_600_000,
              }),
            ),
          );
          for (const res of batch) {
            expect(res.status).toBe(201);
            scheduled.push(res.data);
          }
        }
        const edits = await Promise.all(scheduled.map((_, i) => seal(`edited round ${round} #${i}`)));
        // All due at one instant just ahead (set in the database, so that a slow machine cannot
        // make the creations themselves late), and the dispatcher told, as an edit would tell it.
        const dueAt = Date.now() + 1000;
        await database.db.query('UPDATE scheduled_messages SET scheduled_time = $1, due_at = $1 WHERE id = ANY($2)', [
          new Date(dueAt),
          scheduled.map((s) => s.id),
        ]);
        await database.db.notify(SCHEDULE_CHANNEL, String(dueAt));
        await until(dueAt - 75);
        await Promise.all(
          scheduled.map(async (s, i) => {
            await until(dueAt - 75 + i); // one request per millisecond across the due instant
            const action = ['send-now', 'cancel', 'edit'][i % 3]!;
            const started = performance.now();
            const res = await (
              action === 'send-now'
                ? alice.call('POST', `/api/scheduled-messages/${s.id}/send-now`)
                : action === 'cancel'
                  ? alice.call('DELETE', `/api/scheduled-messages/${s.id}`)
                  : alice.call('PUT', `/api/scheduled-messages/${s.id}`, { content: edits[i] })
            ).catch(() => ({ status: 0 })); // the connection dropped: the process died
            answers.push({ status: res.status, ms: performance.now() - started, action });
            outcomes.set(s.id, action);
          }),
        );
        expect(server.child.exitCode, server.output()).toBeNull();
      }

      // Every answer was quick and meant something: done (200), or refused because of the state
      // (409) or, at worst, a brief 503 to retry; never a 500. Quick as the server measured it
      // (Fastify's responseTime): on a busy CI machine the test's own client adds its share.
      const completed = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"request completed"'))
          .map((line) => JSON.parse(line) as { responseTime: number; req?: { url?: string } });
      // Fastify logs a request after its answer has gone out: the last lines may trail the answers.
      await expect
        .poll(() => completed().length, { timeout: 5_000, interval: 50 })
        .toBeGreaterThanOrEqual(ROUNDS * PER_ROUND * 2);
      const served = completed();
      const slow = served.filter((r) => r.responseTime > 2000);
      expect(slow, `slow answers: ${JSON.stringify(slow.slice(0, 5))}`).toEqual([]);
      // And nothing hung from the client's side either (the reported hang lasted 30 s).
      expect(answers.filter((a) => a.ms > 5000)).toEqual([]);
      const statuses = new Set(answers.map((a) => a.status));
      expect([...statuses].filter((s) => ![200, 409, 503].includes(s))).toEqual([]);
      expect(server.child.exitCode, server.output()).toBeNull();

      // Exactly once: nothing left pending, each sent row has exactly one message, cancelled ones none.
      await expect
        .poll(
          async () =>
            (
              await database.db.query<{ n: number }>(
                "SELECT count(*) AS n FROM scheduled_messages WHERE status = 'pending'",
              )
            ).rows[0]!.n,
          { timeout: 10_000, interval: 100 },
        )
        .toBe(0);
      const { rows } = await database.db.query<{ status: string; messages: number; linked: number }>(
        `SELECT s.status, count(m.id)::int AS messages, count(*) FILTER (WHERE m.id = s.message_id)::int AS linked
         FROM scheduled_messages s LEFT JOIN messages m ON m.scheduled_message_id = s.id
         GROUP BY s.id, s.status`,
      );
      expect(rows).toHaveLength(ROUNDS * PER_ROUND);
      for (const row of rows) {
        if (row.status === 'sent') expect(row).toEqual({ status: 'sent', messages: 1, linked: 1 });
        else expect(row).toEqual({ status: 'cancelled', messages: 0, linked: 0 });
      }
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      expect(served.length).toBeGreaterThanOrEqual(ROUNDS * PER_ROUND * 2);
    } finally {
      await server.stop();
      await database.drop();
    }
  }, 180_000);
});
