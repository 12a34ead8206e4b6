export * from './keys.sql.js';
export * from './keys.js';
export { keysRoutes } from './keys.routes.js';
