/**
 * Creation of scheduled messages over HTTP (W3, and the growth table's 1/16/64-client steps):
 * signed-in clients, each on one keep-alive connection, POST /api/scheduled-messages back to back
 * with a cookie and a real sealed envelope for one of their direct chats.
 *
 * The load generator is autocannon, not fetch: on this 2-core machine the client shares the CPU
 * with the server and PostgreSQL, and fetch (undici's full Fetch API: streams, Headers, promises
 * per request) spent a large share of a core per thousand requests, capping the very figure being
 * measured. autocannon writes pre-built requests on raw keep-alive sockets and parses answers with
 * a light parser; each request's body (envelope and time) is still built per request, in
 * setupRequest, and its latency is autocannon's own response time.
 */
import autocannon from 'autocannon';
import type { Db } from '../apps/server/src/db/db.js';
import type { ServerProcess } from '../apps/server/test/helpers/process.js';
import { sealDirect } from './envelopes.js';
import { log, summary } from './harness.js';
import { registerUsers, type HttpUser } from './servers.js';

export interface CreationClient {
  cookie: string;
  /** The client's direct chats, each with one envelope sealed in advance (client work, not timed). */
  targets: { conversationId: string; content: string }[];
}

/**
 * Registers `clients` + `recipients` users; client c opens a direct chat (over the API) with every
 * recipient r where r % clients == c, and seals one envelope for it.
 */
export async function creationWorld(
  server: ServerProcess,
  db: Db,
  clients: number,
  recipients: number,
  prefix: string,
): Promise<CreationClient[]> {
  const users = await registerUsers(server, clients + recipients, prefix);
  const senders = users.slice(0, clients);
  const peers = users.slice(clients);
  log(`${prefix}: ${users.length} users registered; opening ${recipients} direct chats`);
  const world = await Promise.all(
    senders.map(async (client: HttpUser, c) => {
      const targets: CreationClient['targets'] = [];
      for (const peer of peers.filter((_, r) => r % clients === c)) {
        const res = await fetch(`${server.baseUrl}/api/conversations/direct`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: client.cookie },
          body: JSON.stringify({ userId: peer.id }),
        });
        if (res.status !== 201) throw new Error(`direct ${res.status}`);
        const conversationId = ((await res.json()) as { data: { id: string } }).data.id;
        targets.push({ conversationId, content: await sealDirect(client, conversationId, peer) });
      }
      return { cookie: client.cookie, targets };
    }),
  );
  await db.query('ANALYZE');
  return world;
}

export interface CreationFigures extends Record<string, number> {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  /** Answers other than 201, timeouts and connection errors: any of them fails the run. */
  errors: number;
}

function cannon(
  server: ServerProcess,
  clients: readonly CreationClient[],
  seconds: number,
  onResponse?: (status: number, ms: number) => void,
) {
  let nextClient = 0;
  // Distinct times: a schedule an hour ahead, one ms apart per request (never a duplicate row).
  let n = 0;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.baseUrl,
        connections: clients.length,
        duration: seconds,
        timeout: 10,
        setupClient: (client) => {
          const me = clients[nextClient++ % clients.length]!;
          let k = 0;
          client.setRequests([
            {
              method: 'POST',
              path: '/api/scheduled-messages',
              headers: { 'content-type': 'application/json', cookie: me.cookie },
              setupRequest: (req) => {
                const target = me.targets[k++ % me.targets.length]!;
                n += 1;
                return {
                  ...req,
                  body: JSON.stringify({
                    conversationId: target.conversationId,
                    content: target.content,
                    scheduledTime: new Date(Date.now() + 3_600_000 + n).toISOString(),
                  }),
                };
              },
            },
          ]);
        },
      },
      (error: unknown, result) =>
        error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(result),
    );
    if (onResponse) instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms));
  });
}

/** `clients` connections for `seconds`, after an unrecorded 2 s warm-up (JIT, pools, caches). */
export async function measureCreation(
  server: ServerProcess,
  clients: readonly CreationClient[],
  seconds: number,
): Promise<CreationFigures> {
  await cannon(server, clients, 2);
  const latencies: number[] = [];
  let errors = 0;
  const result = await cannon(server, clients, seconds, (status, ms) => {
    if (status === 201) latencies.push(ms);
    else errors += 1;
  });
  errors += result.timeouts + result.errors;
  const s = summary(latencies);
  return { perSecond: Math.round(latencies.length / result.duration), p50: s.p50, p99: s.p99, count: s.count, errors };
}
