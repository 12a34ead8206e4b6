export * from './media.sql.js';
export * from './media.js';
