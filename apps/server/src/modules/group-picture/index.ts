export { createGroupPictureService, type GroupPictureService } from './group-picture.js';
export { groupPictureRoutes } from './group-picture.routes.js';
export { selectPictureConversation, selectPictures } from './group-picture.sql.js';
