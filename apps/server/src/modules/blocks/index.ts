export * from './blocks.sql.js';
export { blocksRoutes, type BlocksRoutesDeps } from './blocks.routes.js';
