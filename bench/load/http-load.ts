/**
 * The HTTP steps: autocannon at a rising number of keep-alive connections, each connection one
 * signed-in user (its session cookie, our Origin, JSON bodies, as the web app sends them) going
 * round the requests of `roundFor`, closed-loop (a connection sends its next request when the last
 * one is answered). Latency is recorded per request kind from autocannon's own response times.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { CpuMeter, type CpuShare } from './cpu.js';
import { log } from './environment.js';
import type { UserPlan } from './http-population.js';
import { headersFor, type Api } from './population.js';
import { summarize, Tally, type Summary } from './stats.js';

export const ROUTES = {
  conversations: 'GET /api/conversations',
  messages: 'GET /api/conversations/:id/messages',
  send: 'POST /api/conversations/:id/messages',
  read: 'POST /api/conversations/:id/read',
  scheduledList: 'GET /api/scheduled-messages',
  schedule: 'POST /api/scheduled-messages',
  cancel: 'DELETE /api/scheduled-messages/:id',
} as const;
type Route = (typeof ROUTES)[keyof typeof ROUTES];

/** A step's figures: all requests together, then per kind. */
export interface StepResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: Summary;
  /** CPU over the step: Herald, its PostgreSQL backends and the load generator in % of one core; the machine in % of all. */
  cpu: CpuShare;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Requests that got no answer: autocannon's timeouts and connection errors. */
  timeouts: number;
  errors: number;
  errorCodes: Record<string, number>;
  routes: Record<string, Summary & { statuses: Record<string, number> }>;
  /** The first answer of each refused kind and status, to say why. */
  refusals: Record<string, string>;
}

type Recorder = (route: Route, status: number, body: string) => void;
type Ctx = { scheduledId?: string };

/**
 * One user's round, 14 requests in six parts: open the chat list (twice a round); three times
 * open a conversation (read its newest page), send a message to it and mark it read; list a
 * conversation's scheduled messages (all statuses, as the web app asks: the five seeded pending
 * ones), then schedule one a week ahead in another conversation and cancel it again (so that the
 * listed conversation keeps a realistic list rather than one growing by a cancelled row a round). Connection k starts at part k mod 6, so
 * that even a short step samples every kind of request evenly; a part is never split, as the
 * cancel needs the id its create got.
 */
function roundParts(api: Api, plan: UserPlan, record: Recorder): autocannon.Request[][] {
  const get = headersFor(api, plan.user, false);
  const post = headersFor(api, plan.user, true);
  const [c1, c2, c3] = plan.conversations;
  const content = (id: string) => JSON.stringify(plan.envelopes.get(id)!);
  const step = (route: Route, request: autocannon.Request): autocannon.Request => ({
    ...request,
    onResponse: (status, body, context) => {
      if (route === ROUTES.schedule && status === 201) {
        (context as Ctx).scheduledId = (JSON.parse(body) as { data: { id: string } }).data.id;
      }
      record(route, status, body);
    },
  });
  const openAndSend = (c: { id: string }) => [
    step(ROUTES.messages, { method: 'GET', path: `/api/conversations/${c.id}/messages?limit=50`, headers: get }),
    step(ROUTES.send, {
      method: 'POST',
      path: `/api/conversations/${c.id}/messages`,
      headers: post,
      // A fresh clientId per message, as the web client sends (an old one would answer "Already sent").
      setupRequest: (req) => ({ ...req, body: `{"clientId":"${randomUUID()}","content":${content(c.id)}}` }),
    }),
    step(ROUTES.read, { method: 'POST', path: `/api/conversations/${c.id}/read`, headers: post }),
  ];
  const list = () => [step(ROUTES.conversations, { method: 'GET', path: '/api/conversations', headers: get })];
  const scheduling = [
    step(ROUTES.scheduledList, {
      method: 'GET',
      path: `/api/scheduled-messages?conversationId=${c2.id}`,
      headers: get,
    }),
    step(ROUTES.schedule, {
      method: 'POST',
      path: '/api/scheduled-messages',
      headers: post,
      setupRequest: (req) => {
        const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
        const body = `{"conversationId":"${c1.id}","clientId":"${randomUUID()}","scheduledTime":"${at}","content":${content(c1.id)}}`;
        return { ...req, body };
      },
    }),
    step(ROUTES.cancel, {
      method: 'DELETE',
      path: '/api/scheduled-messages/',
      headers: get,
      setupRequest: (req, context) => {
        const id = (context as Ctx).scheduledId;
        // The create was refused (and recorded as such): list instead, in the cancel's slot.
        return id
          ? { ...req, path: `/api/scheduled-messages/${id}` }
          : { ...req, method: 'GET', path: '/api/scheduled-messages' };
      },
    }),
  ];
  return [list(), openAndSend(c1), openAndSend(c3), scheduling, list(), openAndSend(c2)];
}

function roundFor(api: Api, plan: UserPlan, record: Recorder, connection: number): autocannon.Request[] {
  const parts = roundParts(api, plan, record);
  const k = connection % parts.length;
  return [...parts.slice(k), ...parts.slice(0, k)].flat();
}

/** Runs one step of `connections` users for `seconds`; `recordFigures` false for the warm-up. */
export async function runStep(
  api: Api,
  meter: CpuMeter,
  plans: readonly UserPlan[],
  connections: number,
  seconds: number,
): Promise<StepResult> {
  const latencies = new Map<Route, number[]>();
  const statuses = new Map<Route, Tally>();
  const refusals: Record<string, string> = {};
  const errorCodes = new Tally();
  let lastRoute: Route | undefined;
  const record: Recorder = (route, status, body) => {
    lastRoute = route;
    if (status >= 400 && Object.keys(refusals).length < 20) refusals[`${route} ${status}`] ??= body.slice(0, 240);
  };
  let nextConnection = 0;
  const cpuBefore = await meter.sample();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: api.baseUrl,
        connections,
        duration: seconds,
        timeout: 10,
        setupClient: (client) => {
          const k = nextConnection++;
          client.setRequests(roundFor(api, plans[k % plans.length]!, record, k));
        },
      },
      (error: unknown, res) =>
        error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(res),
    );
    // Emitted synchronously right after the request's onResponse: `lastRoute` is this answer's kind.
    instance.on('response', (_client, status, _bytes, ms) => {
      const route = lastRoute!;
      if (!latencies.has(route)) latencies.set(route, []);
      latencies.get(route)!.push(ms);
      if (!statuses.has(route)) statuses.set(route, new Tally());
      statuses.get(route)!.add(status);
    });
    instance.on('reqError', (error: { code?: string; message?: string }) =>
      errorCodes.add(error.code ?? error.message ?? 'error'),
    );
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = CpuMeter.between(cpuBefore, await meter.sample());
  const all = [...latencies.values()].flat();
  const total = new Tally();
  for (const t of statuses.values()) for (const [k, n] of Object.entries(t.counts)) total.add(k, n);
  return {
    connections,
    seconds: Math.round(elapsed * 10) / 10,
    requests: all.length,
    requestsPerSecond: Math.round(all.length / result.duration),
    latencyMs: summarize(all),
    cpu,
    statuses: total.counts,
    timeouts: result.timeouts,
    errors: result.errors,
    errorCodes: errorCodes.counts,
    routes: Object.fromEntries(
      Object.values(ROUTES)
        .filter((r) => latencies.has(r))
        .map((r) => [r, { ...summarize(latencies.get(r)!), statuses: statuses.get(r)!.counts }]),
    ),
    refusals,
  };
}

/** The steps in order, after an unrecorded warm-up (JIT, pools, caches). */
export async function runHttpSteps(
  api: Api,
  meter: CpuMeter,
  plans: readonly UserPlan[],
  steps: readonly number[],
  seconds: number,
): Promise<StepResult[]> {
  log(`warm-up: ${Math.min(8, plans.length)} connections for 3 s (not recorded)`);
  await runStep(api, meter, plans, Math.min(8, plans.length), 3);
  const results: StepResult[] = [];
  for (const connections of steps) {
    log(`HTTP step: ${connections} connections for ${seconds} s`);
    const r = await runStep(api, meter, plans, connections, seconds);
    log(
      `  ${r.requestsPerSecond} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, CPU ${JSON.stringify(r.cpu)}, ` +
        `statuses ${JSON.stringify(r.statuses)}, timeouts ${r.timeouts}, errors ${r.errors}`,
    );
    results.push(r);
  }
  return results;
}
