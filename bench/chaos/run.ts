/**
 * Herald's chaos run (issue 12): `npm run chaos` (full) or `npm run chaos -- --short` (CI).
 * `--only baseline,kill` runs some scenarios. Needs `tsc -b` first (the npm script does it): the
 * processes run apps/server/dist/main.js.
 *
 * A private PostgreSQL and Redis (never the shared ones), 3 Herald processes on them, recipients
 * with sockets; then, per scenario, a fresh set of scheduled rows, racing operations and faults
 * (faults.ts), and a verdict from the database and the clients (verdict.ts). The table goes to
 * stdout and bench/results/chaos-latest.md (+ .json). Exit code 1 if any scenario failed.
 *
 * The processes run with raised limits for the load this generates (say so in results): rate
 * limits on registration, login, live messages, socket events and scheduling, pending quotas,
 * a 1 s minimum lead, and a 5 s retry delay after a transient delivery failure (default 60 s, so
 * that a scenario need not wait minutes for retried rows). Everything else is the default.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from '../../apps/server/test/helpers/private-services.js';
import { Api, ORIGIN } from './api.js';
import { connectRecipients, type Recipient } from './clients.js';
import { Cluster } from './cluster.js';
import { FAULTS, runFaults, type FaultName } from './faults.js';
import { parseOptions, type ChaosOptions } from './options.js';
import { renderTable, writeReport, type ScenarioReport } from './report.js';
import { current, log, sleep, Tally } from './stats.js';
import { drained, judge } from './verdict.js';
import { runWorkload, seedRows, type WorkloadRecord } from './workload.js';
import { createWorld, type World } from './world.js';
import { benchHeraldEnv } from '../herald-env.js';

const SCENARIOS: { name: string; faults: FaultName[] }[] = [
  { name: 'baseline', faults: [] },
  ...FAULTS.map((fault) => ({ name: fault, faults: [fault] })),
  { name: 'mixed', faults: [...FAULTS] },
];
/** API creates go on this long after the span: rows due when nothing else is. */
const TAIL_MS = 5000;

function heraldEnv(postgres: PrivatePostgres, redis: PrivateRedis, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    ...benchHeraldEnv('chaos-secret-chaos-secret-chaos-secret-0123'),
    HERALD_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    ALLOWED_ORIGINS: ORIGIN,
    SCHEDULE_MIN_LEAD_SECONDS: '1',
    DELIVERY_RETRY_DELAY_SECONDS: '5',
  };
}

interface Rig {
  options: ChaosOptions;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  cluster: Cluster;
  api: Api;
  db: pg.Pool;
  world: World;
  recipients: Recipient[];
}

async function runScenario(rig: Rig, spec: { name: string; faults: FaultName[] }): Promise<ScenarioReport> {
  const { options, db, cluster } = rig;
  const tally = new Tally();
  current.tally = tally;
  const began = Date.now();
  log(`scenario ${spec.name}: seeding ${options.scheduledPerScenario} rows`);
  const { rows } = await db.query<{ ms: number }>(
    'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
  );
  const startMs = rows[0]!.ms + (options.short ? 3000 : 5000);
  const record: WorkloadRecord = {
    tag: spec.name,
    seeded: await seedRows(db, rig.world, options, startMs),
    operations: new Map(),
    createdAcked: new Map(),
    liveAcked: new Set(),
    clientIdPrefix: `chaos-${spec.name}-`,
  };
  await sleep(Math.max(0, startMs - Date.now()));
  const endMs = startMs + options.spanMs;
  log(
    `scenario ${spec.name}: running ${options.spanMs / 1000} s + ${TAIL_MS / 1000} s with faults [${spec.faults.join(', ')}]`,
  );
  await Promise.all([
    runFaults(spec.faults, { ...rig, record, startMs, endMs: endMs + TAIL_MS, mixed: spec.faults.length > 1 }),
    runWorkload(rig, record, endMs, TAIL_MS),
  ]);
  await cluster.allUp();
  log(`scenario ${spec.name}: waiting for every row to leave pending`);
  const isDrained = await drained(db, record, options.drainDeadlineMs);
  const verdict = await judge(db, record, rig.world, rig.recipients, tally, options.settleDeadlineMs);
  const { clientLateness: _dropped, otherErrors, ...counts } = tally;
  const passed =
    isDrained &&
    verdict.losses === 0 &&
    verdict.doubleSends === 0 &&
    verdict.cancelledDelivered === 0 &&
    verdict.problems.length === 0 &&
    otherErrors.length === 0 &&
    tally.crashes.length === 0;
  const report: ScenarioReport = {
    name: spec.name,
    faults: spec.faults,
    seconds: Math.round((Date.now() - began) / 1000),
    drained: isDrained,
    tally: { ...counts, otherErrors: otherErrors.slice(0, 50) },
    verdict,
    passed,
  };
  log(`scenario ${spec.name}: ${passed ? 'pass' : 'FAIL'} in ${report.seconds} s\n${renderTable([report])}`);
  for (const p of verdict.problems.slice(0, 10)) log(`  problem: ${p}`);
  if (options.verbose) {
    log(`  process starts took ${tally.downMs.join(', ')} ms`);
    for (const s of verdict.timeline)
      log(`  due in second ${s.second}: ${s.rows} rows, lateness p50 ${s.p50} max ${s.max} ms`);
  }
  return report;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const scenarios = SCENARIOS.filter((s) => !options.only || options.only.has(s.name));
  if (scenarios.length === 0)
    throw new Error(`no scenario matches --only; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const began = Date.now();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((error: unknown) => log('cleanup:', (error as Error).message));
    cleanups.length = 0;
  };
  const interrupted = (signal: string) => {
    log(`${signal}: stopping everything`);
    const timer = setTimeout(() => process.exit(130), 20_000);
    void cleanup().finally(() => {
      clearTimeout(timer);
      process.exit(130);
    });
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));

  try {
    log('starting a private PostgreSQL and Redis');
    const [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    cleanups.push(
      () => postgres.close(),
      () => redis.close(),
    );
    // Exact commit times for lateness (pg_xact_commit_timestamp) need this, set before any data.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('ALTER SYSTEM SET track_commit_timestamp = on');
    await admin.end();
    await postgres.restart();

    const dataDir = await mkdtemp(join(tmpdir(), 'herald-chaos-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // Kept after the run (outside the data dir): what the processes said, for a failure's post-mortem.
    const logPath = join(tmpdir(), `herald-chaos-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    log(`starting 3 Herald processes (log: ${logPath})`);
    const cluster = await Cluster.create(3, heraldEnv(postgres, redis, join(dataDir, 'data')), logPath);
    cleanups.push(() => cluster.stop());
    const db = new pg.Pool({ connectionString: postgres.url, max: 4, application_name: 'chaos-verdict' });
    db.on('error', () => {});
    cleanups.push(() => db.end());
    const api = new Api(cluster);
    log(`creating ${options.senders} senders, ${options.clients} recipients and their chats`);
    const world = await createWorld(cluster, api, options);
    const recipients = await connectRecipients(world.recipients, world.chatsOf, cluster, api);
    cleanups.push(async () => recipients.forEach((r) => r.close()));
    log(`${recipients.length} sockets connected; setup took ${Math.round((Date.now() - began) / 1000)} s`);

    const rig: Rig = { options, postgres, redis, cluster, api, db, world, recipients };
    const reports: ScenarioReport[] = [];
    for (const spec of scenarios) reports.push(await runScenario(rig, spec));

    const text = await writeReport(options, reports, (Date.now() - began) / 1000);
    console.log(`\n${text}`);
    const failed = reports.filter((r) => !r.passed).map((r) => r.name);
    if (failed.length) {
      log(`FAILED: ${failed.join(', ')} (see the problems above; the processes' log is ${logPath})`);
      return 1;
    }
    log(`all ${reports.length} scenarios passed in ${Math.round((Date.now() - began) / 1000)} s`);
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
