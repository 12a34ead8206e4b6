import { lastSeenText } from '../../lib/time';
import { useNow } from '../../lib/use-now';

/**
 * "last seen just now", kept current by its own clock (a tick every 15 s) rather than a time read
 * once when the screen was drawn. A last seen newer than the latest tick is "just now".
 */
export function LastSeen({ lastSeenAt, timeZone }: { lastSeenAt: string | null; timeZone: string }) {
  const now = useNow(15_000);
  return <>{lastSeenText(lastSeenAt, timeZone, now)}</>;
}
