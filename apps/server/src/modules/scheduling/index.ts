export * from './scheduling.js';
export type { BatchResult, DeliveryObserver, DeliveryRules, WriteMessages } from './delivery.js';
export { countDueBacklog, selectDispatchOutlook } from './delivery.sql.js';
export { resolveScheduledTime } from './time-rules.js';
