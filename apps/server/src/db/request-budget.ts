import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/**
 * A request's budget of time spent on the database. Each pooled call may wait up to the acquire
 * timeout for a connection and the lock timeout for a row, and a request makes several (the
 * session, its transaction, the reads after it): under a full pool those waits add up, and a
 * request answered 201 after 15 s looks hung to its client (the chaos run's mixed scenario saw
 * it). Once a request has spent its budget, its next database call fails at once as "busy"
 * (503 + Retry-After: nothing of it was committed by that call), so that no request waits on the
 * database much longer than the budget plus one call. Only database time counts: a slow upload
 * does not spend it. Outside a request (the dispatcher, housekeeping, socket commands) there is
 * no budget.
 *
 * The budget travels in an AsyncLocalStorage, and async context also travels where no request
 * is: a pooled connection first opened by a request carries that request's context into the
 * callbacks of its socket (a LISTEN notification, say), and from there into timers. So a budget
 * binds only while its request is open (the API scope closes it when the answer is sent) and for
 * at most MAX_REQUEST_MS, and the dispatcher runs its passes outside any request (`outsideRequest`).
 */
export interface DatabaseBudget {
  limitMs: number;
  spentMs: number;
  openedAt: number;
  closed: boolean;
}

/** After this long a budget binds no more, closed or not (a request whose answer never finished). */
const MAX_REQUEST_MS = 120_000;

const budgets = new AsyncLocalStorage<DatabaseBudget>();

/** Thrown by a database call made after the request's budget was spent (errors.ts: 503 busy). */
export class DatabaseBudgetSpent extends Error {
  readonly code = 'HERALD_DB_BUDGET';
  constructor(spentMs: number) {
    super(`this request already waited ${Math.round(spentMs)} ms on the database`);
  }
}

export function openDatabaseBudget(limitMs: number): DatabaseBudget {
  return { limitMs, spentMs: 0, openedAt: performance.now(), closed: false };
}

/** Runs `fn` (a request's hooks and handler) under `budget`. */
export function withDatabaseBudget<T>(budget: DatabaseBudget, fn: () => T): T {
  return budgets.run(budget, fn);
}

/** Runs `fn` outside any request's budget (background work started from whatever context). */
export function outsideRequest<T>(fn: () => T): T {
  return budgets.exit(fn);
}

/** One database call: refused when the budget is spent, else run and its time charged. */
export async function chargeDatabaseTime<T>(call: () => Promise<T>): Promise<T> {
  const budget = budgets.getStore();
  if (!budget || budget.closed || performance.now() - budget.openedAt > MAX_REQUEST_MS) return call();
  if (budget.spentMs >= budget.limitMs) throw new DatabaseBudgetSpent(budget.spentMs);
  const start = performance.now();
  try {
    return await call();
  } finally {
    budget.spentMs += performance.now() - start;
  }
}
