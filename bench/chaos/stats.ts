/** Small numeric helpers and the per-scenario tally every part of the run writes into. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function latenessSummary(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

/**
 * What happened during one scenario, counted as it happens. `otherErrors` keeps a short text per
 * failure (any answer other than the expected ones or 503 + Retry-After): each fails the run.
 */
export class Tally {
  requests = 0;
  /** 503 with Retry-After: the server said "not now" the way it promises to. */
  unavailable = 0;
  /** Requests whose connection a SIGKILLed process took with it (a load balancer would say 502). */
  dropped = 0;
  otherErrors: string[] = [];
  kills = 0;
  restarts = 0;
  /** How long each start took, from the spawn (after a kill) to /readyz answering 200. */
  downMs: number[] = [];
  /** Herald processes that exited without being killed by us: a crash is a failure. */
  crashes: string[] = [];
  pgRestarts = 0;
  redisRestarts = 0;
  terminatedDelivering = 0;
  terminatedListen = 0;
  lockHolds = 0;
  idleInTransaction = 0;
  /** Socket reconnects, those Socket.IO recovered (missed events replayed), and REST catch-ups. */
  reconnects = 0;
  recovered = 0;
  catchUps = 0;
  /** Client side: first socket arrival minus the scheduled time, ms (end to end). */
  clientLateness: number[] = [];

  /** API creates answered 422 time_too_soon (slow to reach the server), sent again with a new time. */
  tooSoon = 0;

  /** The errors by kind (ids replaced by ':id'), most frequent first: "12 x GET /api/...: 500". */
  errorKinds(): string[] {
    const counts = new Map<string, number>();
    for (const text of this.otherErrors) {
      const kind = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} x ${kind}`);
  }

  error(text: string): void {
    if (this.otherErrors.length < 1000) this.otherErrors.push(text);
    else if (this.otherErrors.length === 1000) this.otherErrors.push('(more errors not kept)');
  }
}

/** Where each part of the run writes: replaced at the start of each scenario. */
export const current = { tally: new Tally() };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...parts);

/** Polls `check` every `everyMs` until it is true; false when the deadline passed first. */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
