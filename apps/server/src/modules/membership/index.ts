export * from './membership.sql.js';
export * from './membership.js';
export type { MembershipEndReason, MembershipEndedStep } from './membership-events.js';
