export * from './media.sql.js';
export * from './media.js';
export { selectOpens, withOneTimeOpens } from './one-time-opens.js';
