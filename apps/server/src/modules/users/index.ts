export * from './users.sql.js';
export * from './users.js';
export { usersRoutes } from './users.routes.js';
