/**
 * What every benchmark's Herald process runs with, besides its database and data directory:
 * password hashing at its minimum cost (users are created in the set-up, not measured), rate limits
 * and pending quotas far above the load the benchmark generates (a 429 would measure the limiter,
 * not delivery), and warnings only in the log. Pool size and everything else stay at the defaults
 * unless a benchmark says otherwise.
 */
export function benchHeraldEnv(secret: string): Record<string, string> {
  return {
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    KDF_MEMORY_KIB: '8',
    KDF_ITERATIONS: '1',
    AUTH_HASH_MEMORY_KIB: '8',
    AUTH_HASH_ITERATIONS: '1',
    RATE_LIMIT_REGISTER_PER_HOUR: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000000',
    RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: '100000000',
    SCHEDULE_RATE_LIMIT_PER_MINUTE: '100000000',
    SCHEDULE_MAX_PENDING_PER_CONVERSATION: '1000000',
    SCHEDULE_MAX_PENDING_PER_USER: '10000000',
  };
}
