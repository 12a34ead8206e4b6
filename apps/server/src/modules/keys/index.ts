export * from './keys.sql.js';
export * from './keys.js';
