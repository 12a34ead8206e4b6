/**
 * The run's HTTP client: each request goes to the next live Herald process (what a load balancer
 * does), as a signed-in user (cookie, same-origin `Origin`, JSON). Every answer is classified into
 * the scenario's tally:
 *  - an expected status: fine;
 *  - 503 with Retry-After: the promised "not now"; counted, then retried after Retry-After
 *    (capped at 2 s so that the run keeps its pace);
 *  - a connection lost because the process was SIGKILLed during the request: counted as dropped
 *    (a load balancer would answer 502), retried;
 *  - anything else (a 500, a 4xx we did not expect, a 503 without Retry-After, a request to a live
 *    process that hangs for 15 s or loses its connection): an error that fails the run.
 */
import type { Cluster } from './cluster.js';
import { current, sleep } from './stats.js';

/** The origin every request and socket names (ALLOWED_ORIGINS of the processes). */
export const ORIGIN = 'http://chaos.herald.test';
const REQUEST_TIMEOUT_MS = 15_000;

export interface User {
  id: string;
  name: string;
  cookie: string;
}

export type Answer<T> =
  | { kind: 'answer'; status: number; data: T; code: string | undefined; details: unknown }
  /** Never answered (503s or dropped connections until the deadline): the outcome is unknown. */
  | { kind: 'gave-up'; tries: number };

export interface CallOptions {
  /** Statuses that are a normal outcome of this request. */
  expect: readonly number[];
  /** Retry 503s and dropped connections until this deadline (default 30 s); 0: never retry. */
  retryForMs?: number;
}

export class Api {
  constructor(private readonly cluster: Cluster) {}

  async call<T>(
    user: Pick<User, 'cookie'> | undefined,
    method: string,
    path: string,
    body: unknown,
    options: CallOptions,
  ): Promise<Answer<T>> {
    const deadline = Date.now() + (options.retryForMs ?? 30_000);
    for (let tries = 1; ; tries++) {
      const slot = this.cluster.pick();
      if (!slot) {
        if (Date.now() > deadline) return { kind: 'gave-up', tries };
        await sleep(100);
        continue;
      }
      const generation = slot.generation;
      const tally = current.tally;
      tally.requests += 1;
      let res: Response;
      let json: { data?: T; error?: { code?: string; details?: unknown } } | undefined;
      try {
        res = await fetch(`${slot.baseUrl}${path}`, {
          method,
          headers: {
            origin: ORIGIN,
            ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
            ...(user ? { cookie: user.cookie } : {}),
          },
          ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        json = (await res.json().catch(() => undefined)) as typeof json;
      } catch (error) {
        if (slot.generation !== generation) {
          tally.dropped += 1;
        } else {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          tally.error(
            `${method} ${path}: ${(error as Error).name} ${cause?.code ?? cause?.message ?? (error as Error).message} (process ${slot.index} alive)`,
          );
        }
        if (Date.now() > deadline) return { kind: 'gave-up', tries };
        await sleep(50);
        continue;
      }
      if (res.status === 503) {
        const retryAfter = Number(res.headers.get('retry-after'));
        if (!(retryAfter >= 0)) {
          tally.error(`${method} ${path}: 503 without Retry-After (${json?.error?.code})`);
        } else {
          tally.unavailable += 1;
        }
        if (Date.now() > deadline) return { kind: 'gave-up', tries };
        await sleep(Math.min(Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000, 2000));
        continue;
      }
      if (!options.expect.includes(res.status)) {
        tally.error(`${method} ${path}: ${res.status} ${json?.error?.code ?? ''}`.trim());
      }
      return {
        kind: 'answer',
        status: res.status,
        data: json?.data as T,
        code: json?.error?.code,
        details: json?.error?.details,
      };
    }
  }
}
