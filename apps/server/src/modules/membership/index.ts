export * from './membership.sql.js';
export * from './membership.js';
