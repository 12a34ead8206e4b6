export type { MessageRow } from './messages.sql.js';
export { selectMessagesByIds, selectMessageByClientId, MESSAGE_COLUMNS } from './messages.sql.js';
export { selectReactions } from './reactions.sql.js';
export type { NewMessage } from './write-messages.sql.js';
export { createMessagesService, type MessagesDeps, type MessagesService } from './messages.js';
export { writeMessages, announceMessages, type WrittenMessages } from './write-messages.js';
export { validateContent, assertRepliable, oneTimeMediaColumns, type ParsedSend } from './send-rules.js';
export { presentMessages } from './present.js';
export { toMessage, receiptsFor, scheduleSeenBy } from './message-view.js';
export {
  assertAddressedToMembers,
  assertRecipientsAreMembers,
  checkSealedHeader,
  withoutKeysOf,
  type SealedTarget,
} from './sealed-content.js';
