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
 */
interface Budget {
  limitMs: number;
  spentMs: number;
}

const budgets = new AsyncLocalStorage<Budget>();

/** Thrown by a database call made after the request's budget was spent (errors.ts: 503 busy). */
export class DatabaseBudgetSpent extends Error {
  readonly code = 'HERALD_DB_BUDGET';
  constructor(spentMs: number) {
    super(`this request already waited ${Math.round(spentMs)} ms on the database`);
  }
}

/** Runs `fn` (a request's hooks and handler) with a fresh budget of `limitMs`. */
export function withDatabaseBudget<T>(limitMs: number, fn: () => T): T {
  return budgets.run({ limitMs, spentMs: 0 }, fn);
}

/** One database call: refused when the budget is spent, else run and its time charged. */
export async function chargeDatabaseTime<T>(call: () => Promise<T>): Promise<T> {
  const budget = budgets.getStore();
  if (!budget) return call();
  if (budget.spentMs >= budget.limitMs) throw new DatabaseBudgetSpent(budget.spentMs);
  const start = performance.now();
  try {
    return await call();
  } finally {
    budget.spentMs += performance.now() - start;
  }
}
