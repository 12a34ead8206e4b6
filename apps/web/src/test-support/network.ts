import { http } from 'msw';
import { vi } from 'vitest';
import { network, networkFetch } from './msw';

/**
 * The network boundary for tests: Herald's server as a table of routes answered with its
 * envelope, behind MSW (`msw/node`, test-support/msw.ts). The app's requests go through the real
 * `fetch` (and `XMLHttpRequest`) and are intercepted where the network would be; everything above
 * (api modules, stores, components) runs for real. MSW's handlers are reset after each test.
 */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  /** JSON parsed; a FormData for multipart; the bytes for other types; undefined when empty. */
  body: unknown;
  /** As sent, with names in their usual spelling (`Content-Type`). */
  headers: Record<string, string>;
}

export interface Answer {
  status?: number;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

/** An answer in the envelope, or a whole `Response` (binary bodies: media). */
type Handler = (call: Call) => Answer | Response | Promise<Answer | Response>;

/** `content-type` -> `Content-Type`: how tests (and the app) spell header names. */
function spelled(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

async function bodyOf(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) return request.formData();
  if (!type || type.includes('json') || type.startsWith('text/')) {
    const text = await request.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  return bytes.length ? bytes : undefined;
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[spelled(name)] = value;
  });
  return out;
}

/**
 * A `fetch` call as the app made it, recorded at once (tests look at `calls` right after an action,
 * before any answer): the Request built from it gives method, URL and headers as they go out.
 */
function fetchCall(input: RequestInfo | URL, init: RequestInit = {}): { call: Call; url: string } {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const request = new Request(new URL(raw, location.href), { method: init.method, headers: init.headers });
  const url = new URL(request.url);
  let body: unknown = init.body ?? undefined;
  if (typeof init.body === 'string') {
    try {
      body = init.body ? (JSON.parse(init.body) as unknown) : undefined;
    } catch {
      body = init.body;
    }
  }
  const call = {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    body,
    headers: headersOf(request.headers),
  };
  return { call, url: request.url };
}

/** Any other request (XMLHttpRequest: uploads), recorded when it reaches the network. */
async function networkCall(request: Request): Promise<Call> {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    body: await bodyOf(request),
    headers: headersOf(request.headers),
  };
}

function envelope(answer: Answer): Response {
  const status = answer.status ?? (answer.error ? 400 : 200);
  const body = answer.error
    ? {
        success: false,
        message: answer.error.message,
        error: { code: answer.error.code, details: answer.error.details },
      }
    : { success: true, message: 'OK', data: answer.data ?? null };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function fakeServer() {
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  const calls: Call[] = [];
  // Calls made through fetch, recorded by the spy and not yet seen by the network (FIFO per URL).
  const recorded = new Map<string, Call[]>();
  const key = (method: string, url: string) => `${method} ${url}`;
  // Every request of the app reaches this server: the latest fakeServer() of a test answers all.
  network.use(
    http.all('*', async ({ request }) => {
      // Not HTTP of the app: the realtime bridge's socket (realtime-server.ts) passes through.
      if (new URL(request.url).pathname === '/socket.io/') return undefined;
      const call = recorded.get(key(request.method, request.url))?.shift() ?? (await networkCall(request));
      if (!calls.includes(call)) calls.push(call);
      const route = routes.find((r) => r.method === call.method && r.pattern.test(call.path));
      if (!route) {
        return new Response(JSON.stringify({ success: false, message: 'Not found.', error: { code: 'not_found' } }), {
          status: 404,
        });
      }
      const answer = await route.handler(call);
      return answer instanceof Response ? answer : envelope(answer);
    }),
  );
  // A spy in front of the real fetch: calls are recorded as they are made, tests read what the app
  // passed (`keepalive`) and can make one call fail as a dropped connection would
  // (`mockRejectedValueOnce`).
  const fetchSpy = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const { call, url } = fetchCall(input, init);
    calls.push(call);
    recorded.set(key(call.method, url), [...(recorded.get(key(call.method, url)) ?? []), call]);
    return networkFetch(input, init);
  });
  vi.stubGlobal('fetch', fetchSpy);
  return {
    calls,
    fetch: fetchSpy,
    on(method: string, path: string | RegExp, handler: Handler) {
      const pattern = typeof path === 'string' ? new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`) : path;
      routes.unshift({ method, pattern, handler });
      return this;
    },
    callsTo(method: string, path: string | RegExp) {
      return calls.filter(
        (c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)),
      );
    },
  };
}
