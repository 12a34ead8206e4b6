export { createGroupPictureService, type GroupPictureService } from './group-picture.js';
export { selectPictureConversation, selectPictures } from './group-picture.sql.js';
