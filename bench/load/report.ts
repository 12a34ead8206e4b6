/**
 * The load benchmark's report: a Markdown table (printed, and written to
 * bench/results/load-latest.md) and every figure as JSON (load-latest.json). The short CI run
 * writes to the temporary directory instead, so that it never replaces the full run's figures in
 * the repository (nor leaves the checkout modified).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FanoutResult } from './fanout.js';
import { ROUTES, type StepResult } from './http-load.js';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface LoadReport {
  meta: {
    date: string;
    mode: 'full' | 'short';
    node: string;
    cpus: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
    redis: boolean;
    stepSeconds: number;
    settings: string;
    totalSeconds: number;
  };
  http: StepResult[];
  /** The first step whose p99 passed 100 ms, or null if none did. */
  p99Over100msAt: number | null;
  fanout: FanoutResult | null;
  failures: string[];
}

export function firstOver100ms(steps: readonly StepResult[]): number | null {
  return steps.find((s) => s.latencyMs.p99 > 100)?.connections ?? null;
}

const countWhere = (statuses: Record<string, number>, keep: (status: number) => boolean) =>
  Object.entries(statuses).reduce((n, [s, count]) => (keep(Number(s)) ? n + count : n), 0);

const statusList = (statuses: Record<string, number>, keep: (status: number) => boolean) =>
  Object.entries(statuses)
    .filter(([s]) => keep(Number(s)))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ') || '0';

function httpTable(steps: readonly StepResult[]): string[] {
  return [
    '| connections | requests/s | p50 ms | p99 ms | max ms | 2xx | non-2xx (by status) | timeouts | connection errors | CPU: Herald / PostgreSQL / load generator (1 core = 100%) | machine busy (all cores = 100%) |',
    '|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|',
    ...steps.map(
      (s) =>
        `| ${s.connections} | ${s.requestsPerSecond} | ${s.latencyMs.p50} | ${s.latencyMs.p99} | ${s.latencyMs.max} | ` +
        `${countWhere(s.statuses, (c) => c < 300)} | ` +
        `${statusList(s.statuses, (c) => c >= 300)} | ${s.timeouts} | ${s.errors - s.timeouts} | ` +
        `${s.cpu.herald}% / ${s.cpu.postgres}% / ${s.cpu.generator}% | ${s.cpu.machine}% |`,
    ),
  ];
}

function routeTable(steps: readonly StepResult[]): string[] {
  return [
    `| request (p50 / p99 ms) | ${steps.map((s) => `${s.connections} conn.`).join(' | ')} |`,
    `|---|${steps.map(() => '---:').join('|')}|`,
    ...Object.values(ROUTES).map(
      (route) =>
        `| ${route} | ${steps
          .map((s) => {
            const r = s.routes[route];
            return r ? `${r.p50} / ${r.p99}` : '-';
          })
          .join(' | ')} |`,
    ),
  ];
}

function fanoutTable(f: FanoutResult): string[] {
  return [
    '| sockets | chats | messages sent | copies expected | delivered once | lost | duplicates | to non-members | latency p50 / p99 / max ms | connect all | server RSS before -> connected -> after | RSS per socket | JS heap per socket |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|',
    `| ${f.sockets} | ${f.groups} groups of up to ${f.groupSize}, ${f.directChats} direct | ${f.messagesSent} in ${f.sendSeconds} s ` +
      `(${statusList(f.sendStatuses, () => true)}) | ${f.expectedDeliveries} | ${f.delivered} | ${f.lost} | ${f.duplicates} | ` +
      `${f.unexpected} | ${f.latencyMs.p50} / ${f.latencyMs.p99} / ${f.latencyMs.max} | ${f.connectSeconds} s | ` +
      `${f.memory.before.rssMiB} -> ${f.memory.connected.rssMiB} -> ${f.memory.after.rssMiB} MiB | ` +
      `${f.rssPerSocketKiB} KiB | ${f.heapPerSocketKiB} KiB |`,
  ];
}

export function renderMarkdown(report: LoadReport): string {
  const { meta } = report;
  const lines = [
    `# Herald load benchmark (${meta.mode}), ${meta.date}`,
    '',
    `${meta.cpus}, Node ${meta.node}; Herald as one process (dist/main.js) on a fresh PostgreSQL database` +
      `${meta.redis ? ' and Redis' : ' (no Redis)'}; the load generator runs on the same machine. ` +
      `Load average before ${meta.loadAverageBefore.join(' / ')}, after ${meta.loadAverageAfter.join(' / ')}. ` +
      `Total ${Math.round(meta.totalSeconds)} s.`,
    '',
    `Settings: ${meta.settings}.`,
    '',
  ];
  if (report.http.length) {
    lines.push(
      `## HTTP: mixed reads and writes, ${meta.stepSeconds} s per step`,
      '',
      'Each connection is one signed-in user (session cookie, Origin, JSON) repeating a 14-request round: the chat list twice; ' +
        "three times: a conversation's newest 50 messages, a live message with a real sealed envelope, mark read; " +
        "a conversation's scheduled messages (five pending, seeded), schedule one a week ahead in another conversation and cancel it. Closed loop, keep-alive.",
      '',
      ...httpTable(report.http),
      '',
      report.p99Over100msAt === null
        ? '**p99 stayed at or under 100 ms at every step.**'
        : `**p99 first passes 100 ms at ${report.p99Over100msAt} connection${report.p99Over100msAt === 1 ? '' : 's'}.**`,
      '',
      ...routeTable(report.http),
      '',
    );
    const refusals = report.http.flatMap((s) =>
      Object.entries(s.refusals).map(([k, v]) => `- ${s.connections} conn., ${k}: \`${v}\``),
    );
    if (refusals.length) lines.push('Refusals (first answer of each kind):', '', ...refusals, '');
  }
  if (report.fanout) {
    lines.push(
      '## Fan-out to connected sockets',
      '',
      'socket.io-client over websocket, one signed-in user per socket; live messages sent through the API; latency from the ' +
        "send request's start to `receive_message` at each member's socket (the sender's own included); memory is the server's VmRSS (and its JS heap plus external buffers) after two forced full garbage collections.",
      '',
      ...fanoutTable(report.fanout),
      '',
    );
  }
  lines.push(
    report.failures.length ? `## FAILED\n\n${report.failures.map((f) => `- ${f}`).join('\n')}` : '## Checks passed',
    '',
  );
  return lines.join('\n');
}

/** Writes the report's two files; returns the Markdown and where it went. */
export async function writeReport(report: LoadReport): Promise<{ markdown: string; path: string }> {
  const base = report.meta.mode === 'short' ? join(tmpdir(), 'herald-load-short') : join(RESULTS_DIR, 'load-latest');
  await mkdir(RESULTS_DIR, { recursive: true });
  const markdown = renderMarkdown(report);
  await writeFile(`${base}.md`, markdown);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, path: `${base}.md` };
}

/** What fails the run (exit code 1): never latency, always correctness. */
export function failuresOf(http: readonly StepResult[], fanout: FanoutResult | null): string[] {
  const failures: string[] = [];
  for (const s of http) {
    const refused = statusList(s.statuses, (c) => c >= 300);
    if (refused !== '0') failures.push(`${s.connections} connections: non-2xx answers (${refused})`);
    if (s.errors > 0)
      failures.push(`${s.connections} connections: ${s.errors} requests without an answer (${s.timeouts} timeouts)`);
  }
  if (fanout) {
    const refused = statusList(fanout.sendStatuses, (c) => c !== 201);
    if (refused !== '0') failures.push(`fan-out: sends refused (${refused})`);
    if (fanout.lost) failures.push(`fan-out: ${fanout.lost} copies lost`);
    if (fanout.duplicates) failures.push(`fan-out: ${fanout.duplicates} duplicate copies`);
    if (fanout.unexpected) failures.push(`fan-out: ${fanout.unexpected} copies at sockets of non-members`);
  }
  return failures;
}
