/** A client id for optimistic sends and idempotent creates (the server dedupes on it). */
export function newClientId(): string {
  return globalThis.crypto.randomUUID();
}
