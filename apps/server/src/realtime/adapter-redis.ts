import { Redis } from 'ioredis';

/**
 * The Redis client given to the Socket.IO Redis Streams adapter.
 *
 * Its commands wait for Redis instead of failing after a few reconnection attempts
 * (`maxRetriesPerRequest: null`): a broadcast made while Redis restarts is published once Redis
 * is back, rather than dropped (the adapter only hands an event to local sockets once it is in
 * the stream). Requests never wait for it: broadcasts are not awaited.
 *
 * The adapter duplicates it, one connection blocking in XREAD and one subscribed, and ends the
 * XREAD one only after its current block: the copies are kept here to be closed with the app.
 */
export class AdapterRedis extends Redis {
  private readonly copies: Redis[] = [];

  constructor(url: string) {
    super(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  }

  override duplicate(...args: Parameters<Redis['duplicate']>): Redis {
    const copy = super.duplicate(...args);
    this.copies.push(copy);
    return copy;
  }

  /**
   * After io.close(): sends what is queued (the sessions of the sockets just closed, which another
   * process may recover) for up to `graceMs`, then drops every connection.
   */
  async close(graceMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.quit().catch(() => {}), grace]).finally(() => clearTimeout(timer));
    for (const client of [this, ...this.copies]) client.disconnect();
  }
}
