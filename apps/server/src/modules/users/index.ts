export * from './users.sql.js';
export * from './users.js';
