/** The summary table, printed and written to bench/results/chaos-latest.md (+ .json). */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChaosOptions } from './options.js';
import type { Tally } from './stats.js';
import type { Verdict } from './verdict.js';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface ScenarioReport {
  name: string;
  faults: string[];
  seconds: number;
  drained: boolean;
  tally: Omit<Tally, 'clientLateness' | 'error' | 'errorKinds'>;
  verdict: Verdict;
  passed: boolean;
}

const ms = (x: number) => (Number.isFinite(x) ? `${x}` : '-');

function row(r: ScenarioReport): string {
  const { tally: t, verdict: v } = r;
  const restarts = [
    `${t.restarts} herald`,
    t.pgRestarts ? `${t.pgRestarts} pg` : '',
    t.redisRestarts ? `${t.redisRestarts} redis` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const faults = [
    t.terminatedDelivering ? `${t.terminatedDelivering} delivering backends terminated` : '',
    t.terminatedListen ? `${t.terminatedListen} LISTEN backends terminated` : '',
    t.lockHolds ? `${t.lockHolds} lock holds` : '',
    t.idleInTransaction ? `${t.idleInTransaction} idle-in-transaction holds` : '',
    `${t.reconnects} reconnects (${t.recovered} recovered, ${t.catchUps} catch-ups, ${v.filledByCatchUp} messages filled by catch-up)`,
    `${t.dropped} requests dropped by a kill`,
    `${v.cancelled} cancelled`,
  ]
    .filter(Boolean)
    .join('; ');
  return `| ${r.name} | ${r.passed ? 'pass' : '**FAIL**'} | ${v.scheduled} + ${v.live} live | ${t.kills} | ${restarts} | ${v.clientDuplicates} | ${v.doubleSends} | ${v.losses} | ${v.cancelledDelivered} | ${t.unavailable} | ${t.otherErrors.length + t.crashes.length} | ${ms(v.lateness.p50)} / ${ms(v.lateness.p99)} / ${ms(v.lateness.max)} | ${ms(v.clientLateness.p99)} | ${faults} |`;
}

export function renderTable(reports: readonly ScenarioReport[]): string {
  return [
    '| scenario | verdict | messages (scheduled + live) | kills | restarts | duplicates (socket) | double sends | losses | cancelled delivered | 503s | other errors | lateness p50 / p99 / max (ms) | client p99 (ms) | also |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...reports.map(row),
  ].join('\n');
}

export async function writeReport(
  options: ChaosOptions,
  reports: readonly ScenarioReport[],
  totalSeconds: number,
): Promise<string> {
  const date = new Date().toISOString();
  const machine = `${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const mode = options.short ? 'short (CI)' : 'full';
  const lines = [
    `# Herald chaos run, ${date}`,
    '',
    `Mode: ${mode}: ${options.scheduledPerScenario.toLocaleString('en')} scheduled messages per scenario due over ${options.spanMs / 1000} s, ` +
      `${options.clients} socket clients, ${options.senders} senders, groups of ${options.groupSize}; 3 Herald processes on a private ` +
      `PostgreSQL and Redis. ${machine}. Whole run: ${Math.round(totalSeconds)} s.`,
    '',
    renderTable(reports),
    '',
    'Lateness: commit time of the delivered message (pg_xact_commit_timestamp) minus the scheduled time, over sent rows',
    'that no send-now touched. Client p99: first socket arrival minus the scheduled time. Losses: rows not sent (pending',
    'after the drain, or failed), acknowledged creates or live messages missing, and messages a client never got by socket',
    'nor catch-up. Duplicates: the same message id twice over one socket (reported, not a failure). 503s: answers 503 with',
    'Retry-After (retried). Any other failed request, or a process exiting by itself, is an "other error" and fails the run.',
    '',
    ...reports.flatMap((r) =>
      r.verdict.problems.length ? [`## ${r.name}: problems`, '', ...r.verdict.problems.map((p) => `- ${p}`), ''] : [],
    ),
  ];
  const text = lines.join('\n');
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'chaos-latest.md'), `${text}\n`);
  await writeFile(
    join(RESULTS_DIR, 'chaos-latest.json'),
    `${JSON.stringify({ date, machine, mode, options: { ...options, only: options.only && [...options.only] }, totalSeconds, reports }, null, 2)}\n`,
  );
  return text;
}
