import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/db.js';
import { outsideRequest } from '../../db/request-budget.js';
import type { SessionClaims } from './tokens.js';

/**
 * The channel on which every process hears that sessions ended. Writers send the NOTIFY inside
 * the statement or transaction that ends them (auth.sql.ts), so PostgreSQL delivers it to every
 * listening process when, and only if, that change commits.
 */
export const SESSIONS_CHANNEL = 'herald_sessions';

/** The NOTIFY payloads: one session ended (logout), or all of a user's (token_version bumped). */
export const sessionNotice = {
  session: (sessionId: string): string => `session:${sessionId}`,
  user: (userId: string): string => `user:${userId}`,
};

/** What a live session is known by: the token's claims must match it, and it must not be expired. */
export interface LiveSession {
  userId: string;
  tokenVersion: number;
  expiresAt: Date;
}

interface Entry extends LiveSession {
  /** performance.now() when read from the database (the TTL counts real time, not the app clock). */
  readAt: number;
}

export interface SessionCacheOptions {
  /** Entries kept at most; the least recently used goes first. */
  maxEntries?: number;
  /** How long an entry is trusted without a database read, notifications or not. */
  ttlMs?: number;
}

/** A read in progress: it may fill the cache only if nothing was invalidated since it began. */
export interface FillTicket {
  readonly generation: number;
}

/** Bypassed: not listening yet, listening lost, or stopped. Only `on` serves from memory. */
type State = 'idle' | 'starting' | 'on' | 'lost' | 'stopped';

/** After a failed attempt to LISTEN, the next one waits this long (requests read the database meanwhile). */
const RELISTEN_AFTER_MS = 1000;

/**
 * The sessions this process knows to be live, so that an authenticated request costs no database
 * round trip: sessionId -> (userId, tokenVersion, expiresAt). It holds identity only, nothing a
 * user can edit (display name, time zone...): routes read those from the row, so a profile change
 * has nothing here to make stale, and only the writers that END sessions must tell the cache.
 *
 * Correctness rests on three rules:
 * - Served from memory only while this process LISTENs on SESSIONS_CHANNEL (`on`). Listening
 *   starts after the first live session is read (a process that serves no API, a dispatcher,
 *   never listens for this); when the LISTEN connection is lost, everything is dropped and every
 *   request reads the database until listening is restored (a notification sent meanwhile is
 *   gone for good, so nothing cached before the loss can be trusted after it). The LISTEN
 *   connection is the Db's one (shared with the dispatcher's): one pooled connection.
 * - A read fills the cache only if no invalidation, loss or restore happened while it was in
 *   flight (the generation counter): a read whose snapshot predates a revocation's commit may
 *   answer after that revocation's NOTIFY was handled, and must not put the session back.
 * - The process that ends a session drops it itself, synchronously after commit (dropSession,
 *   dropUser), so that its own next request cannot see it live even before its NOTIFY returns.
 *
 * The expiry (expires_at) is checked from the entry on every hit, and the TTL bounds what a
 * failure no one can detect would cost: a LISTEN connection that stops delivering without
 * breaking (a silent network partition, until TCP notices) leaves entries at most ttlMs stale.
 * The generation is global rather than per key: a fill that raced some other user's logout is
 * just a miss, read again next time, which is cheaper to reason about than per-key versions.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** userId -> its cached session ids, so that "all of a user's sessions" costs no scan. */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private state: State = 'idle';
  private retryAt = 0;
  private generation = 0;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    options: SessionCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /** Whether hits are served (tests and metrics; a request never needs to ask). */
  get serving(): boolean {
    return this.state === 'on';
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached session the claims name, if it is live and matches them; undefined means: read the database. */
  get(claims: SessionClaims, now: Date): LiveSession | undefined {
    if (this.state !== 'on') return undefined;
    const entry = this.entries.get(claims.sessionId);
    if (!entry) return undefined;
    const fresh = performance.now() - entry.readAt < this.ttlMs && entry.expiresAt > now;
    if (!fresh) {
      this.remove(claims.sessionId);
      return undefined;
    }
    // A validly signed token whose claims differ from the row's is not ours to judge from memory.
    if (entry.userId !== claims.userId || entry.tokenVersion !== claims.tokenVersion) return undefined;
    // Least recently used order: Map keeps insertion order, so a hit moves to the end.
    this.entries.delete(claims.sessionId);
    this.entries.set(claims.sessionId, entry);
    return entry;
  }

  /** Call before reading a session from the database. */
  beginRead(): FillTicket {
    return { generation: this.generation };
  }

  /**
   * Keeps what a read begun with `ticket` found live, unless anything was invalidated since.
   * The first call starts listening: after the read, so that the LISTEN connection does not take
   * the pooled connection that read was about to use.
   */
  fill(ticket: FillTicket, sessionId: string, session: LiveSession): void {
    this.startListening();
    if (this.state !== 'on' || ticket.generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(sessionId)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.remove(oldest);
    }
    this.remove(sessionId);
    this.entries.set(sessionId, { ...session, readAt: performance.now() });
    let ids = this.byUser.get(session.userId);
    if (!ids) this.byUser.set(session.userId, (ids = new Set()));
    ids.add(sessionId);
  }

  /** One session ended (here after commit, or heard from any process). */
  dropSession(sessionId: string): void {
    this.generation += 1;
    this.remove(sessionId);
  }

  /** Every session of the user ended or changed (token_version bumped, account deleted). */
  dropUser(userId: string): void {
    this.generation += 1;
    for (const sessionId of this.byUser.get(userId) ?? []) this.entries.delete(sessionId);
    this.byUser.delete(userId);
  }

  /** Drops what a notice (sessionNotice) names: heard from any process, or sent by this one. */
  dropNotice(payload: string): void {
    const [kind, id] = payload.split(':', 2);
    if (kind === 'session' && id) this.dropSession(id);
    else if (kind === 'user' && id) this.dropUser(id);
  }

  /** Stops listening and serving (the app is closing). */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  private startListening(): void {
    if (this.state !== 'idle' || performance.now() < this.retryAt) return;
    this.state = 'starting';
    // Outside any request: the LISTEN connection outlives the request that happened to open it.
    outsideRequest(() =>
      this.db.listen(SESSIONS_CHANNEL, (payload) => this.heard(payload), {
        lost: () => this.lose(),
        restored: () => this.restore(),
      }),
    ).then(
      (unlisten) => {
        if (this.state === 'stopped') return void unlisten().catch(() => {});
        this.unlisten = unlisten;
        // Lost again before the LISTEN call returned: stay bypassed until `restored`.
        if (this.state === 'starting') this.restore();
      },
      () => {
        if (this.state !== 'starting') return;
        this.state = 'idle';
        this.retryAt = performance.now() + RELISTEN_AFTER_MS;
      },
    );
  }

  private heard(payload: string): void {
    this.dropNotice(payload);
  }

  private lose(): void {
    if (this.state === 'stopped') return;
    this.state = 'lost';
    this.clear();
  }

  private restore(): void {
    if (this.state === 'stopped') return;
    this.state = 'on';
    this.clear();
  }

  private clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.byUser.clear();
  }

  private remove(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    this.entries.delete(sessionId);
    const ids = this.byUser.get(entry.userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.byUser.delete(entry.userId);
  }
}
