import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@herald/shared';

export type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Vitest's jsdom environment exposes the JSDOM instance: the page's URL is where io() connects. */
const dom = () => (globalThis as unknown as { jsdom: { reconfigure(options: { url: string }): void } }).jsdom;

/**
 * A real Socket.IO server in the test process (127.0.0.1, a free port), speaking Herald's typed
 * events, for the app's realtime bridge to connect to as it does in the browser: the page is moved
 * to the server's origin (io() connects to the page's origin), and MSW lets `/socket.io/` through
 * (test-support/msw.ts) while it still answers the app's HTTP requests.
 */
export async function startRealtimeServer() {
  const httpServer = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, { path: '/socket.io' });
  // Handshakes to refuse, in order, as Herald's handshake middleware does (an Error with data).
  const refusals: Error[] = [];
  io.use((_socket, next) => next(refusals.shift()));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const pageBefore = location.href;
  dom().reconfigure({ url: `http://127.0.0.1:${port}/` });
  return {
    io,
    /** The next handshake is refused with `message` and `data` (Herald's `not_ready`, say). */
    refuseNext(message: string, data?: unknown): void {
      refusals.push(Object.assign(new Error(message), { data }));
    },
    /** The next client to connect (ask before it connects). */
    nextConnection(): Promise<ServerSocket> {
      return new Promise((resolve) => io.once('connection', resolve));
    },
    async close(): Promise<void> {
      await io.close();
      dom().reconfigure({ url: pageBefore });
    },
  };
}
