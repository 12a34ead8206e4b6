export * from './media.sql.js';
export * from './media.js';
export { mediaRoutes } from './media.routes.js';
