import { vi } from 'vitest';

/**
 * The network boundary for tests: a fake `fetch` that answers registered routes with Herald's
 * envelope. Everything above fetch (api modules, stores, components) runs for real.
 */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

type Handler = (call: Call) => {
  status?: number;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
};

export function fakeServer() {
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw, 'http://herald.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const call: Call = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === 'string' && init.body ? JSON.parse(init.body) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      return new Response(JSON.stringify({ success: false, message: 'Not found.', error: { code: 'not_found' } }), {
        status: 404,
      });
    }
    const answer = route.handler(call);
    const status = answer.status ?? (answer.error ? 400 : 200);
    const body = answer.error
      ? {
          success: false,
          message: answer.error.message,
          error: { code: answer.error.code, details: answer.error.details },
        }
      : { success: true, message: 'OK', data: answer.data ?? null };
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    fetch: fetchMock,
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
