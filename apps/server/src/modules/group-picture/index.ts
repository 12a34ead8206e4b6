// What other modules read (the conversation views, the media access rule). The service is
// imported by app-services.ts from group-picture.ts: it depends on media and messages, which
// read this index, so exporting it here would make an import cycle.
export { selectPictureConversation, selectPictures } from './group-picture.sql.js';
