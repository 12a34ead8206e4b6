export * from './blocks.sql.js';
