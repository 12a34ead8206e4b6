/** Percentiles of what the load benchmark measures (latencies in milliseconds). */

/** The nearest-rank percentile of sorted values (p in 0..100); NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

const round = (x: number) => Math.round(x * 10) / 10;

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    p50: round(percentile(list, 50)),
    p99: round(percentile(list, 99)),
    max: round(list.at(-1) ?? Number.NaN),
  };
}

/** Counts by key (status codes, error codes): `{ "201": 1200, "503": 3 }`. */
export class Tally {
  readonly counts: Record<string, number> = {};
  add(key: string | number, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }
}
