/**
 * Who is online right now. The realtime layer implements it (sockets, shared through Redis or the
 * database across processes); modules only ask.
 */
export interface PresenceReader {
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
}
