/**
 * What the dispatcher does, as typed events: tests await them instead of polling or sleeping,
 * and the app counts some of them as metrics.
 */
export interface DispatchEventMap {
  /** A batch of due rows was picked and recorded as in flight (`suspect`: rows of a dead process). */
  claimed: { kind: 'fresh' | 'suspect'; ids: readonly string[] };
  /** After commit: rows sent. */
  delivered: { ids: readonly string[] };
  /** After commit: rows failed for good (a permanent reason, or retries used up). */
  failed: { ids: readonly string[] };
  /** After commit: rows whose write failed, to be tried again later. */
  retrying: { ids: readonly string[] };
  /**
   * After commit: rows left pending because another transaction held their conversation (tried
   * again after HELD_ROW_RETRY_MS; rows a request held are only seen as claimed and not handled).
   */
  held: { ids: readonly string[] };
  /** A pass threw (database unreachable...): its rows stay pending; the next try is in `retryInMs`. */
  'pass-error': { error: unknown; retryInMs: number };
  /** A NOTIFY: a row is due at `dueAt` (or now): delivered at once, or the timer re-armed sooner. */
  woken: { dueAt: Date | undefined };
  /** Nothing due is left: the timer is armed for `nextWakeAt`. */
  idle: { nextWakeAt: Date };
  /** The LISTEN connection broke: notifications are missed until it is restored. */
  'listen-lost': { error: Error };
  /** Listening again; a catch-up pass follows (something may have come due meanwhile). */
  'listen-restored': Record<string, never>;
}

export type DispatchEventName = keyof DispatchEventMap;
type Handler<E extends DispatchEventName> = (payload: DispatchEventMap[E]) => void;

/** A small typed emitter; a throwing handler cannot break the dispatcher. */
export class DispatchEvents {
  private readonly handlers = new Map<DispatchEventName, Set<Handler<never>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<E extends DispatchEventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** The next `event` whose payload satisfies `accept`: subscribe BEFORE causing it. */
  next<E extends DispatchEventName>(
    event: E,
    accept: (payload: DispatchEventMap[E]) => boolean = () => true,
  ): Promise<DispatchEventMap[E]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!accept(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  emit<E extends DispatchEventName>(event: E, payload: DispatchEventMap[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        (handler as Handler<E>)(payload);
      } catch {
        // An observer's bug must not stop delivery.
      }
    }
  }
}
