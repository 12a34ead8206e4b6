export * from './scheduling.js';
export { resolveScheduledTime } from './time-rules.js';
// The row and its views, for the delivery pipeline (src/delivery), which reads the same table.
export { SCHEDULED_COLUMNS, scheduledColumns, releaseMedia, type ScheduledRow } from './scheduling.sql.js';
export { toScheduled } from './scheduled-view.js';
export { announceFailed } from './scheduled-events.js';
// Steps of other modules' changes; app.ts builds them before the services that run them.
export { failPendingOnAccountDeleted, failPendingOnMembershipEnded } from './fail-pending.js';
export type { DeliverNow, DeliverNowResult } from './send-now.js';
export type { SchedulingApiDeps, SchedulingLimits } from './scheduling-deps.js';
