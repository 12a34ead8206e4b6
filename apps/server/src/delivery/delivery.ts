import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import type { BlobStorage } from '../lib/blob-storage.js';
import type { Broadcaster } from '../lib/broadcaster.js';
import type { Clock } from '../lib/clock.js';
import { deliverDue, type BatchDeps } from './deliver-batch.js';
import type { DeliveryObserver, DeliveryRules, WriteMessages } from './delivery-deps.js';
import { DispatchEvents } from './dispatch-events.js';
import { Dispatcher } from './dispatcher.js';
import { HeldConversations } from './held-conversations.js';
import { sendScheduledNow, type SendNowResult } from './send-now.js';
import { clockTimers, type Timers } from './timers.js';

export interface DeliveryModuleDeps {
  db: Db;
  clock: Clock;
  /** Timers on `clock`; real ones by default (tests pass their fake clock). */
  timers?: Timers | undefined;
  broadcaster: Broadcaster;
  storage: BlobStorage;
  write: WriteMessages;
  rules: DeliveryRules;
  observer?: DeliveryObserver | undefined;
  log: FastifyBaseLogger;
  batchSize: number;
  pollIntervalMs: number;
  concurrency: number;
}

export interface Delivery {
  /** The timer loop; main.ts starts it, buildApp's onClose stops it. */
  dispatcher: Dispatcher;
  /** What the dispatcher does, as typed events (tests await them; the app counts some as metrics). */
  events: DispatchEvents;
  /** Send-now for the scheduling API: one row through the same path as the dispatcher. */
  sendNow(senderId: string, id: string): Promise<SendNowResult>;
}

/** The delivery module: scheduled messages from due to delivered, and the loop that drives it. */
export function createDelivery(deps: DeliveryModuleDeps): Delivery {
  const events = new DispatchEvents();
  const batchDeps: BatchDeps = {
    db: deps.db,
    clock: deps.clock,
    storage: deps.storage,
    events,
    held: new HeldConversations(),
    write: deps.write,
    broadcaster: deps.broadcaster,
    rules: deps.rules,
    observer: deps.observer,
  };
  const dispatcher = new Dispatcher({
    db: deps.db,
    clock: deps.clock,
    timers: deps.timers ?? clockTimers(deps.clock),
    events,
    deliver: (limit, suspects) => deliverDue(batchDeps, limit, suspects),
    log: deps.log,
    batchSize: deps.batchSize,
    pollIntervalMs: deps.pollIntervalMs,
    concurrency: deps.concurrency,
  });
  return { dispatcher, events, sendNow: (senderId, id) => sendScheduledNow(batchDeps, senderId, id) };
}
