import { Redis, type Command, type RedisOptions } from 'ioredis';

/**
 * The Redis clients of the Socket.IO Redis Streams adapter.
 *
 * Commands wait for Redis instead of failing after a few reconnection attempts
 * (`maxRetriesPerRequest: null`): a broadcast made while Redis restarts is published once Redis
 * is back, rather than dropped (the adapter hands an event to local sockets only once it is in
 * the stream). Requests never wait for it: broadcasts are not awaited.
 *
 * The adapter leaves some results unawaited (a recovery session's SET, a PUBLISH, a SUBSCRIBE):
 * a failure there (Redis answering an error, the connection closed at shutdown) must not end the
 * process as an unhandled rejection, so every command's promise is marked handled here; whoever
 * awaits it still sees the error.
 *
 * The adapter duplicates the client (one connection blocks in XREAD, one subscribes) and ends
 * the XREAD one only after its current block: the copies are kept here, to close with the app.
 */
export class AdapterRedis extends Redis {
  private readonly copies: AdapterRedis[] = [];

  static connect(url: string): AdapterRedis {
    // No auto-pipelining: its batches answer through promises of their own, past sendCommand.
    // Commands are pipelined on the connection all the same (none waits for the previous reply).
    const client = new AdapterRedis(url, { maxRetriesPerRequest: null });
    // It reconnects by itself; without a listener, ioredis prints every failed attempt.
    client.on('error', () => {});
    return client;
  }

  override duplicate(override?: Partial<RedisOptions>): AdapterRedis {
    const copy = new AdapterRedis({ ...this.options, ...override });
    this.copies.push(copy);
    return copy;
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    command.promise.catch(() => {});
    return super.sendCommand(command, stream);
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
