export * from './scheduling.js';
export { resolveScheduledTime } from './time-rules.js';
// The row and its views, for the delivery pipeline (src/delivery), which reads the same table.
export { SCHEDULED_COLUMNS, scheduledColumns, releaseMedia, type ScheduledRow } from './scheduling.sql.js';
export { toScheduled } from './scheduled-view.js';
export { announceFailed } from './scheduled-events.js';
export type { DeliverNow, DeliverNowResult } from './send-now.js';
export type { SchedulingApiDeps, SchedulingLimits } from './scheduling-deps.js';
