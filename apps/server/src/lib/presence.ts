/**
 * Who is online right now. The realtime layer implements it from live sockets: in process memory,
 * or with REDIS_URL in Redis, shared by every server process; modules only ask.
 */
export interface PresenceReader {
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
}
