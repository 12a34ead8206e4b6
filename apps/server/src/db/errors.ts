import { AppError } from '../lib/app-error.js';
import { DatabaseBudgetSpent } from './request-budget.js';

/**
 * Database errors that mean "not now" rather than "a bug": a lock or a pooled connection that did
 * not come in time, or a database that cannot be reached. Requests answer them 503 with
 * Retry-After (nothing was changed: the transaction rolled back); only anything else is a 500.
 */
export interface Unavailability {
  code: 'busy' | 'not_ready';
  retryAfterSeconds: number;
}

const BUSY_SQLSTATES = new Set([
  '55P03', // lock_not_available: our lock_timeout
  '57014', // query_canceled: a statement timeout
  '40P01', // deadlock_detected
  '40001', // serialization_failure
  '53300', // too_many_connections
]);

const GONE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '25P03', // idle_in_transaction_session_timeout ended the session
]);

/** postgres.js (DATABASE_DRIVER=postgres) says a connection closed or never opened with these codes. */
const POSTGRESJS_GONE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
]);

/** Failing to reach the database server at all (a client going away also says ECONNRESET: not this). */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function databaseUnavailability(error: unknown): Unavailability | undefined {
  if (!(error instanceof Error)) return undefined;
  // The request spent its time on the database (request-budget.ts): the pool or locks are contended.
  if (error instanceof DatabaseBudgetSpent) return { code: 'busy', retryAfterSeconds: 1 };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (BUSY_SQLSTATES.has(code)) return { code: 'busy', retryAfterSeconds: 1 };
    const syscall = (error as { syscall?: unknown }).syscall;
    const unreachable = CONNECT_CODES.has(code) && (syscall === 'connect' || syscall === 'getaddrinfo');
    // A connection to PostgreSQL reset while connecting or under a statement (PostgreSQL stopping
    // with the query unread): the socket's own error. A client going away is ECONNRESET without a
    // syscall.
    const reset =
      (code === 'ECONNRESET' || code === 'EPIPE') &&
      (syscall === 'read' || syscall === 'write' || syscall === 'connect');
    const gone = GONE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || POSTGRESJS_GONE_CODES.has(code);
    if (gone || unreachable || reset) {
      return { code: 'not_ready', retryAfterSeconds: 5 };
    }
  }
  // pg-pool and pg say these in words only. "Query read timeout" is our client-side bound on a
  // statement (PgDbOptions.queryTimeoutMs): a database that hangs rather than refuses.
  if (/timeout exceeded when trying to connect/i.test(error.message)) return { code: 'busy', retryAfterSeconds: 1 };
  if (
    /^Connection terminated|Client was closed and is not queryable|Client has encountered a connection error|^Query read timeout$/i.test(
      error.message,
    )
  ) {
    return { code: 'not_ready', retryAfterSeconds: 5 };
  }
  return undefined;
}

/**
 * A database that is busy (a lock or a pooled connection did not come in time) or unreachable: a
 * 503 to retry, with nothing changed, not a 500.
 */
export function unavailableError(error: unknown): AppError | undefined {
  const unavailable = databaseUnavailability(error);
  if (!unavailable) return undefined;
  return new AppError(
    unavailable.code,
    unavailable.code === 'busy'
      ? 'The server is busy with this right now; try again in a moment.'
      : 'The database is not reachable right now; try again shortly.',
    { retryAfterSeconds: unavailable.retryAfterSeconds },
    { 'retry-after': String(unavailable.retryAfterSeconds) },
  );
}
