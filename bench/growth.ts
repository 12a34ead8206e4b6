/**
 * Cost that grows with the work: the burst (W2's mix) at 1k, 10k, 50k and 200k messages due at
 * once, and creation over HTTP (W3's requests) at 1, 16 and 64 clients. Run once per benchmark
 * run; the table and the chart (growth-chart.ts) make a regression visible at a glance.
 */
import { runBurst } from './burst.js';
import { freshDatabase, log } from './harness.js';
import { creationWorld, measureCreation } from './http-creation.js';
import { serverEnv, startServers } from './servers.js';

export const GROWTH_BURSTS = [1_000, 10_000, 50_000, 200_000] as const;
export const GROWTH_CLIENTS = [1, 16, 64] as const;
const CREATION_SECONDS = 10;
const CREATION_RECIPIENTS = 1_000;

export interface GrowthFigures {
  bursts: { size: number; perSecond: number; p50: number; p99: number; last: number }[];
  creation: { clients: number; perSecond: number; p50: number; p99: number; errors: number }[];
}

export async function runGrowth(baseUrl: string): Promise<GrowthFigures> {
  const bursts: GrowthFigures['bursts'] = [];
  for (const size of GROWTH_BURSTS) {
    log(`G: burst of ${size.toLocaleString()}`);
    const b = await runBurst(baseUrl, size);
    bursts.push({ size, perSecond: b.perSecond, p50: b.p50, p99: b.p99, last: b.last });
    log(`G: burst of ${size.toLocaleString()}:`, JSON.stringify(bursts.at(-1)));
  }
  const creation: GrowthFigures['creation'] = [];
  const { url, db, drop } = await freshDatabase(baseUrl, 'growth');
  const [server] = await startServers([serverEnv(url, { DISPATCHER_ENABLED: 'false' })]);
  try {
    const world = await creationWorld(server!, db, Math.max(...GROWTH_CLIENTS), CREATION_RECIPIENTS, 'gu');
    for (const clients of GROWTH_CLIENTS) {
      log(`G: creation with ${clients} client(s)`);
      const c = await measureCreation(server!, world.slice(0, clients), CREATION_SECONDS);
      creation.push({ clients, perSecond: c.perSecond, p50: c.p50, p99: c.p99, errors: c.errors });
      log(`G: creation with ${clients} client(s):`, JSON.stringify(creation.at(-1)));
    }
  } finally {
    await server!.stop();
    await drop();
  }
  return { bursts, creation };
}

/** The growth table, as markdown lines. */
export function growthTable(g: GrowthFigures): string[] {
  return [
    '| burst due at once | deliveries/s | lateness p50 | p99 | last |',
    '|---|---|---|---|---|',
    ...g.bursts.map(
      (b) =>
        `| ${b.size.toLocaleString('en-US')} | ${b.perSecond.toLocaleString('en-US')} | ${b.p50} ms | ${b.p99} ms | ${b.last} ms |`,
    ),
    '',
    '| HTTP clients | creations/s | p50 | p99 | errors |',
    '|---|---|---|---|---|',
    ...g.creation.map(
      (c) => `| ${c.clients} | ${c.perSecond.toLocaleString('en-US')} | ${c.p50} ms | ${c.p99} ms | ${c.errors} |`,
    ),
  ];
}
