/**
 * Herald under load: `npm run bench:load` (the full run: 60 s per HTTP step at 1, 8, 32, 64, 128
 * and 256 connections, then 2,000 sockets receiving fan-out) or `npm run bench:load -- --short`
 * (CI: 5 s steps, 200 sockets, under 3 minutes). Options in options.ts.
 *
 * Needs TEST_DATABASE_URL (a PostgreSQL on 127.0.0.1 where it may create and drop a database);
 * uses Redis when TEST_REDIS_URL is set. Writes bench/results/load-latest.{md,json} (--short:
 * herald-load-short.{md,json} in the temporary directory). Exits 1 on any non-2xx answer,
 * unanswered request, or fan-out copy lost, duplicated or misdelivered; latency figures are
 * reported, never judged (time on a shared machine is noisy).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { CpuMeter } from './cpu.js';
import { benchRedis, Cleanup, freshDatabase, log, RAISED_LIMITS, startHerald } from './environment.js';
import { runFanout, type FanoutResult } from './fanout.js';
import { buildHttpPopulation } from './http-population.js';
import { runHttpSteps, type StepResult } from './http-load.js';
import { parseOptions } from './options.js';
import { apiOf } from './population.js';
import { failuresOf, firstOver100ms, writeReport, type LoadReport } from './report.js';

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const databaseBase = process.env.TEST_DATABASE_URL;
  if (!databaseBase) {
    console.error(
      'Set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test (a database is created and dropped there).',
    );
    return 1;
  }
  const started = performance.now();
  const loadAverageBefore = load();
  log(`load benchmark (${options.short ? 'short' : 'full'}); load average ${loadAverageBefore.join(' / ')}`);
  const cleanup = new Cleanup();
  const stop = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const databaseUrl = await freshDatabase(databaseBase, cleanup);
    const redisUrl = process.env.TEST_REDIS_URL ? await benchRedis(process.env.TEST_REDIS_URL, cleanup) : undefined;
    const server = await startHerald(databaseUrl, redisUrl, cleanup);
    const api = apiOf(server.baseUrl);
    log(`Herald pid ${server.child.pid} on ${server.baseUrl}${redisUrl ? ' with Redis' : ''}`);

    let http: StepResult[] = [];
    if (options.phases.http) {
      const plans = await buildHttpPopulation(api, databaseUrl, Math.max(...options.steps));
      const meter = await CpuMeter.open(server, databaseUrl, cleanup);
      http = await runHttpSteps(api, meter, plans, options.steps, options.durationSeconds);
    }
    let fanout: FanoutResult | null = null;
    if (options.phases.fanout) {
      fanout = await runFanout(api, server, options.sockets, options.short ? 5 : 20, cleanup);
      log(`fan-out: ${JSON.stringify(fanout)}`);
    }
    if (server.child.exitCode !== null) throw new Error(`Herald exited during the run:\n${server.output()}`);
    const failures = failuresOf(http, fanout);
    const report: LoadReport = {
      meta: {
        date: new Date().toISOString(),
        mode: options.short ? 'short' : 'full',
        node: process.version,
        cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}`,
        loadAverageBefore,
        loadAverageAfter: load(),
        redis: redisUrl !== undefined,
        stepSeconds: options.durationSeconds,
        settings: RAISED_LIMITS,
        totalSeconds: (performance.now() - started) / 1000,
      },
      http,
      p99Over100msAt: firstOver100ms(http),
      fanout,
      failures,
    };
    const written = await writeReport(report);
    console.log(`\n${written.markdown}\n(written to ${written.path} and .json)`);
    if (failures.length) {
      const output = server.output();
      if (output) console.error(`Herald's output (last 4,000 characters):\n${output.slice(-4000)}`);
    }
    return failures.length ? 1 : 0;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
