import net from 'node:net';

/** What postgres.js hands its `socket` option: its parsed connection options. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

/** One PostgreSQL session: its backend pid (from BackendKeyData) and whether its socket closed. */
export interface Session {
  pid: number | undefined;
  closed: boolean;
}

const BACKEND_KEY_DATA = 0x4b; // 'K'
const READY_FOR_QUERY = 0x5a; // 'Z'
const ERROR_RESPONSE = 0x45; // 'E'

/**
 * Knows, by backend pid, whether a postgres.js connection's socket has closed. postgres.js 3.4
 * crashes the process (an uncatchable TypeError from a setImmediate) when a statement is written
 * to a reserved connection whose socket already closed: a session ended by the server while a
 * transaction sat idle in it (pg_terminate_backend, idle_in_transaction_session_timeout, a
 * restart). Upstream issues porsager/postgres#1154 and #1208, fix #1155 not released. A transaction
 * looks its session up by the pid of its BEGIN's result and checks `closed` before each statement,
 * so that it fails with an error instead of writing.
 *
 * It opens the sockets itself (postgres.js's `socket` option) and reads the pid from the server's
 * BackendKeyData as the first bytes go by. Plain TCP and Unix sockets only: with TLS the bytes are
 * ciphertext, so openPostgresJsDb does not use it then (see there).
 */
export class SessionWatch {
  private readonly byPid = new Map<number, Session>();

  /** The pid's session, while its socket is open. */
  session(pid: number | null | undefined): Session | undefined {
    return pid ? this.byPid.get(pid) : undefined;
  }

  /** postgres.js's `socket` option. */
  readonly openSocket = (target: SocketTarget): net.Socket => {
    const socket = target.path
      ? net.connect({ path: target.path })
      : net.connect({ host: target.host[0]!, port: target.port[0]! });
    const session: Session = { pid: undefined, closed: false };
    let pending: Buffer = Buffer.alloc(0);
    const sniff = (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const type = pending[0]!;
        const length = pending.readUInt32BE(1);
        if (pending.length < length + 1) return;
        if (type === BACKEND_KEY_DATA) {
          session.pid = pending.readUInt32BE(5);
          this.byPid.set(session.pid, session);
        }
        if (type === BACKEND_KEY_DATA || type === READY_FOR_QUERY || type === ERROR_RESPONSE) {
          socket.off('data', sniff);
          pending = Buffer.alloc(0);
          return;
        }
        pending = pending.subarray(length + 1);
      }
    };
    socket.on('data', sniff);
    // Registered before postgres.js's own listeners: marked closed before it reacts. A socket error
    // (ECONNRESET) comes before its close, and postgres.js fails the statement on the error.
    const closed = () => {
      session.closed = true;
      if (session.pid !== undefined && this.byPid.get(session.pid) === session) this.byPid.delete(session.pid);
    };
    socket.once('error', closed);
    socket.once('close', closed);
    return socket;
  };
}
