export type { NewMessage, MessageRow } from './messages.sql.js';
export { selectMessagesByIds, selectMessageByClientId, selectReactions } from './messages.sql.js';
export * from './messages.js';
export { toMessage, receiptsFor } from './message-view.js';
export {
  assertAddressedToMembers,
  assertRecipientsAreMembers,
  checkSealedHeader,
  withoutKeysOf,
  type SealedTarget,
} from './sealed-content.js';
