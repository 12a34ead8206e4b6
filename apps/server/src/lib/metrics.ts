import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, one registry per app (tests build many apps in one process).
 * Delivery lateness is measured at commit, against the row's due time.
 */
export function createMetrics(backlog: () => Promise<number>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const lateness = new Histogram({
    name: 'herald_scheduled_delivery_lateness_seconds',
    help: 'Time from a scheduled message being due to its delivery committing',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300, 3600],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'herald_scheduled_deliveries_total',
    help: 'Scheduled message delivery outcomes',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'herald_scheduled_due_backlog',
    help: 'Pending scheduled messages already due',
    registers: [registry],
    async collect() {
      this.set(await backlog());
    },
  });
  const listenLost = new Counter({
    name: 'herald_dispatcher_listen_lost_total',
    help: 'Times the dispatcher lost its LISTEN connection (it relistens and catches up by itself)',
    registers: [registry],
  });
  const listenRestored = new Counter({
    name: 'herald_dispatcher_listen_restored_total',
    help: 'Times the dispatcher listened again after losing its LISTEN connection (each followed by a catch-up pass)',
    registers: [registry],
  });
  return {
    registry,
    listenLost: () => listenLost.inc(),
    listenRestored: () => listenRestored.inc(),
    observer: {
      delivered(outcome: 'sent' | 'failed' | 'retried', count: number, latenessMs: readonly number[] = []) {
        if (count > 0) deliveries.inc({ outcome }, count);
        for (const ms of latenessMs) lateness.observe(Math.max(0, ms) / 1000);
      },
    },
  };
}
