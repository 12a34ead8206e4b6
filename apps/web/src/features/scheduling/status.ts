import { FAILURE_TEXT, type ScheduledMessage } from '@herald/shared';
import type { BadgeTone } from '../../components/ui/badge';

export interface StatusView {
  label: string;
  tone: BadgeTone;
  /** The reason, in words, for failures and retries. */
  detail: string | null;
}

export function statusView(scheduled: ScheduledMessage): StatusView {
  switch (scheduled.status) {
    case 'pending':
      return scheduled.retryCount > 0
        ? {
            label: `Retrying ${scheduled.retryCount}/${scheduled.maxRetries}`,
            tone: 'warning',
            detail: 'Delivery hit a temporary problem; trying again shortly.',
          }
        : { label: 'Pending', tone: 'info', detail: null };
    case 'failed':
      return {
        label: 'Failed',
        tone: 'danger',
        detail:
          scheduled.failureReason ??
          (scheduled.failureCode ? FAILURE_TEXT[scheduled.failureCode] : null) ??
          scheduled.lastError ??
          'It could not be delivered.',
      };
    case 'sent':
      return { label: 'Sent', tone: 'success', detail: null };
    case 'cancelled':
      return { label: 'Cancelled', tone: 'neutral', detail: null };
  }
}
