export * from './conversations.js';
export { conversationsRoutes } from './conversations.routes.js';
