import type { ClientToServerEvents, ServerEventName, ServerEventPayload, ServerToClientEvents } from '@herald/shared';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real socket.io-client connection with a recorder: every event received is kept, and tests
 * await the one they expect (`next`) instead of sleeping.
 */
export class TestSocket {
  readonly received: { event: ServerEventName; payload: unknown }[] = [];
  /** Indices of received events already handed out by `next`. */
  private readonly consumed = new Set<number>();
  private waiters: {
    event: ServerEventName;
    predicate: (payload: unknown) => boolean;
    resolve: (payload: unknown) => void;
  }[] = [];

  constructor(readonly socket: ClientSocket) {
    socket.onAny((event: ServerEventName, payload: unknown) => {
      this.received.push({ event, payload });
      const index = this.received.length - 1;
      const waiter = this.waiters.find((w) => w.event === event && w.predicate(payload));
      if (waiter) {
        this.consumed.add(index);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(payload);
      }
    });
  }

  /**
   * Resolves with the first matching event not handed out before, whether it already arrived or
   * arrives later: tests await events instead of sleeping, and cannot miss one that came early.
   */
  next<E extends ServerEventName>(
    event: E,
    predicate: (payload: ServerEventPayload<E>) => boolean = () => true,
    options: { timeoutMs?: number } = {},
  ): Promise<ServerEventPayload<E>> {
    const index = this.received.findIndex(
      (r, i) => !this.consumed.has(i) && r.event === event && predicate(r.payload as never),
    );
    if (index !== -1) {
      this.consumed.add(index);
      return Promise.resolve(this.received[index]!.payload as ServerEventPayload<E>);
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        event,
        predicate: predicate as (p: unknown) => boolean,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as ServerEventPayload<E>);
        },
      });
    });
  }

  /** Everything of that event type received so far. */
  all<E extends ServerEventName>(event: E): ServerEventPayload<E>[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as ServerEventPayload<E>);
  }

  emit<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0]> {
    return new Promise((resolve) => {
      (this.socket.emit as (e: string, p: unknown, ack: (r: unknown) => void) => void)(event, payload, (result) =>
        resolve(result as never),
      );
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Connects as the owner of `cookie`; resolves once the server accepted the handshake. */
export async function connectSocket(
  baseUrl: string,
  cookie: string | undefined,
  options: { origin?: string } = {},
): Promise<TestSocket> {
  const socket: ClientSocket = io(baseUrl, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
  });
  const test = new TestSocket(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return test;
}

/** Resolves when the socket is disconnected by the server. */
export function disconnected(socket: TestSocket): Promise<string> {
  if (!socket.socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));
}
