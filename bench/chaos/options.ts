/**
 * The chaos run's sizes. `npm run chaos` is the full run (issue 12: 20,000 scheduled messages due
 * over 60 s per scenario, 200 socket clients); `npm run chaos -- --short` is the CI run, sized to
 * finish in a few minutes on a 2-core machine. `--only kill,redis` runs some scenarios.
 */
export interface ChaosOptions {
  short: boolean;
  /** Scheduled rows seeded per scenario, due over `spanMs` from the scenario's start. */
  scheduledPerScenario: number;
  spanMs: number;
  /** Recipients, each with one socket: one direct chat each, and one group of `groupSize`. */
  clients: number;
  senders: number;
  groupSize: number;
  /** Share of scheduled rows that go to groups (the rest to direct chats). */
  groupShare: number;
  /** Racing operations per second during the run (each a small async loop). */
  rates: {
    liveHttp: number;
    liveSocket: number;
    edits: number;
    cancels: number;
    sendNows: number;
    creates: number;
  };
  /** After the span: how long all rows may take to leave `pending`, and clients to settle. */
  drainDeadlineMs: number;
  settleDeadlineMs: number;
  only: Set<string> | undefined;
  /** `--verbose`: each scenario's lateness by second and process start times. */
  verbose: boolean;
}

export function parseOptions(argv: readonly string[]): ChaosOptions {
  const short = argv.includes('--short');
  const verbose = argv.includes('--verbose');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex === -1 ? undefined : new Set((argv[onlyIndex + 1] ?? '').split(',').filter(Boolean));
  if (short) {
    return {
      short,
      scheduledPerScenario: 2_000,
      spanMs: 15_000,
      clients: 50,
      senders: 5,
      groupSize: 10,
      groupShare: 0.25,
      rates: { liveHttp: 5, liveSocket: 3, edits: 2, cancels: 2, sendNows: 2, creates: 3 },
      drainDeadlineMs: 90_000,
      settleDeadlineMs: 60_000,
      only,
      verbose,
    };
  }
  return {
    short,
    scheduledPerScenario: 20_000,
    spanMs: 60_000,
    clients: 200,
    senders: 20,
    groupSize: 10,
    groupShare: 0.25,
    rates: { liveHttp: 10, liveSocket: 5, edits: 3, cancels: 3, sendNows: 2, creates: 5 },
    drainDeadlineMs: 120_000,
    settleDeadlineMs: 60_000,
    only,
    verbose,
  };
}
