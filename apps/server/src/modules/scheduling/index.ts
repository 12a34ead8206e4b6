export * from './scheduling.js';
export { schedulingRoutes, type SchedulingRoutesDeps } from './scheduling.routes.js';
export type { DeliveryObserver, DeliveryRules, WriteMessages } from './delivery.js';
export { countDueBacklog, selectDispatchOutlook } from './scheduling.sql.js';
export { resolveScheduledTime } from './time-rules.js';
