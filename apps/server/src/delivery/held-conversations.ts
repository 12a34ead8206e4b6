/**
 * Due rows that something else held when a pass wanted them (a request on the row itself, or
 * another transaction on its conversation) are tried again this soon, rather than at once: no
 * busy loop while the holder finishes. The dispatcher arms its timer no sooner than this after
 * such a pass; this process's picks leave held conversations out for as long.
 */
export const HELD_ROW_RETRY_MS = 50;

/**
 * Conversations this process found locked by someone else (deliver-batch.ts), and when. For
 * HELD_ROW_RETRY_MS after that, its picks leave their rows out: otherwise the same held rows,
 * oldest due first, would head every pick, and once they filled a batch the drain loop would pick
 * them again and again without delivering anything, for as long as the hold lasted. After it, one
 * pick takes them again: delivered if the lock is free, or noted again. Per process, and small:
 * only conversations held within the last 50 ms are kept.
 *
 * Why retrying a held conversation every HELD_ROW_RETRY_MS, rather than ever waiting for its lock,
 * cannot starve it: a live send holds a conversation's lock for one statement and its commit,
 * milliseconds; a retry finds it held only if it comes at such a moment, and retries come at
 * moments unrelated to the sends, so k misses in a row have the probability u^k, u the share of
 * time the lock is held: even at u = 0.5 (hundreds of sends a second into one chat, far beyond its
 * members' rate limits) 20 retries, one second, all miss about once in a million. Another batch
 * that holds it is delivering that conversation's rows itself, and the rows it left, due first,
 * head the next pick. A long hold (a connection idle in transaction, a stopped process) is not
 * shortened by waiting: it ends when it ends, and the rows go within about 50 ms of that.
 */
export class HeldConversations {
  /** When each was found held: on the dispatcher's clock, and in real (monotonic) time. */
  private readonly heldAt = new Map<string, { clockMs: number; realMs: number }>();

  /** `ids` were held by someone else at `now` (the dispatcher's clock). */
  noteHeld(ids: Iterable<string>, now: Date): void {
    const at = { clockMs: now.getTime(), realMs: performance.now() };
    for (const id of ids) this.heldAt.set(id, at);
  }

  /** `ids` were locked by this process: free again. */
  noteLocked(ids: Iterable<string>): void {
    for (const id of ids) this.heldAt.delete(id);
  }

  /**
   * The conversations a pick at `now` leaves out: found held less than HELD_ROW_RETRY_MS ago, by
   * the dispatcher's clock and in real time. The two agree in production; in tests the clock is a
   * fake one: moved on, it ends the wait when the test says (the retry timer fires on it); frozen,
   * real time ends it (runOnce tries held rows again without moving it).
   */
  leftOut(now: Date): string[] {
    const clockMs = now.getTime();
    const realMs = performance.now();
    const ids: string[] = [];
    for (const [id, at] of this.heldAt) {
      const clockWait = clockMs - at.clockMs;
      // (A clock set back, in tests, makes an entry from its future stale too.)
      if (clockWait >= 0 && clockWait < HELD_ROW_RETRY_MS && realMs - at.realMs < HELD_ROW_RETRY_MS) ids.push(id);
      else this.heldAt.delete(id);
    }
    return ids;
  }
}
