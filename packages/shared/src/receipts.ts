import type { MessageStatus, Receipt } from './chat.js';

/**
 * A message's status from its recipients' receipts, the one rule the server (message views) and
 * clients (a `message_status` event applied to a held message) both use. Direct chats: the
 * recipient's status; groups: the least advanced over all recipients. A read receipt implies
 * delivery. No recipients: `sent`. Schema-free, so that the web's first paint may import it.
 */
export function aggregateStatus(receipts: readonly Pick<Receipt, 'deliveredAt' | 'readAt'>[]): MessageStatus {
  if (receipts.length === 0) return 'sent';
  if (receipts.every((r) => r.readAt)) return 'read';
  if (receipts.every((r) => r.deliveredAt || r.readAt)) return 'delivered';
  return 'sent';
}
