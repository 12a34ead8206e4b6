import { setupServer } from 'msw/node';

/**
 * The one MSW server of a test file's run (setup.ts starts it, resets its handlers after each test
 * and closes it). It intercepts `fetch` and `XMLHttpRequest` where the network would be: requests
 * the app makes go through the real `fetch`, and a request that no handler answers fails loudly
 * (`onUnhandledRequest: 'error'`) instead of reaching a real host.
 */
export const network = setupServer();

let intercepted: typeof fetch | null = null;

/** Starts intercepting (once per test file). */
export function startNetwork(): void {
  network.listen({
    onUnhandledRequest(request, print) {
      // Socket.IO's WebSocket upgrade goes to the real socket.io server a realtime test starts.
      if (new URL(request.url).pathname === '/socket.io/') return;
      print.error();
    },
  });
  intercepted = globalThis.fetch;
}

/**
 * The real `fetch` as MSW patched it, whatever a test stubbed over `globalThis.fetch` since
 * (fakeServer's spy delegates here, so a second fakeServer() does not chain through the first).
 */
export function networkFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (!intercepted) throw new Error('The MSW network is not started (test-support/setup.ts starts it).');
  return intercepted(input, init);
}
