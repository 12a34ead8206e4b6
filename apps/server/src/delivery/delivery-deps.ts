import type { Tx } from '../db/db.js';
import type { Broadcaster } from '../lib/broadcaster.js';
import type { NewMessage, WrittenMessages } from '../modules/messages/index.js';

/** How a batch is written: chat core's `writeMessages`; tests wrap it to inject transient faults. */
export type WriteMessages = (tx: Tx, batch: readonly NewMessage[], now: Date) => Promise<WrittenMessages>;

export interface DeliveryRules {
  maxRetries: number;
  retryDelayMs: number;
  lateCutoffMs: number;
  /** Dead processes after which a row is failed instead of tried again (it keeps crashing them). */
  maxCrashes: number;
}

/** Told of every outcome after commit (the metrics; benchmarks measure lateness with it). */
export interface DeliveryObserver {
  delivered(outcome: 'sent' | 'failed' | 'retried', count: number, latenessMs?: readonly number[]): void;
}

/** What delivering locked rows needs (the dispatcher's batches and send-now alike). */
export interface DeliveryDeps {
  write: WriteMessages;
  broadcaster: Broadcaster;
  rules: DeliveryRules;
  observer?: DeliveryObserver | undefined;
}
