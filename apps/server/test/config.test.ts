import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startServerProcess } from './helpers/process.js';

describe('configuration', () => {
  it('boots on defaults with no environment at all (embedded PGlite)', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
  });

  it('lists every problem at once, not just the first', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', COOKIE_SECURE: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL.*postgres/);
    expect(problems).toMatch(/JWT_SECRET.*32/);
    expect(problems).toMatch(/COOKIE_SECURE/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('says what is wrong with a number: not a number, not whole, or out of range', () => {
    const problems = (() => {
      try {
        loadConfig({ PORT: '70000', DATABASE_POOL_SIZE: '2.5', SESSION_TTL_HOURS: 'x' });
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    })();
    expect([...problems].sort()).toEqual([
      'DATABASE_POOL_SIZE: must be a whole number',
      'PORT: must be at most 65535',
      'SESSION_TTL_HOURS: must be a number',
    ]);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  it('parses lists and booleans', () => {
    const config = loadConfig({ ALLOWED_ORIGINS: 'http://a.test, https://b.test', COOKIE_SECURE: 'true' });
    expect(config.allowedOrigins).toEqual(['http://a.test', 'https://b.test']);
    expect(config.cookieSecure).toBe(true);
  });
});

describe('process roles (HERALD_ROLE)', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  const shared = { DATABASE_URL: 'postgres://db/herald', REDIS_URL: 'redis://cache:6379' };

  it('defaults to all, where DISPATCHER_ENABLED still chooses (true unless set false)', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({}).delivery.dispatcherEnabled).toBe(true);
    expect(loadConfig({ DISPATCHER_ENABLED: 'false' }).delivery.dispatcherEnabled).toBe(false);
    expect(loadConfig({ HERALD_ROLE: 'all', DISPATCHER_ENABLED: 'true' }).delivery.dispatcherEnabled).toBe(true);
  });

  it('runs the dispatcher in a dispatcher process and never in an api process', () => {
    expect(loadConfig({ ...shared, HERALD_ROLE: 'api' }).delivery.dispatcherEnabled).toBe(false);
    expect(loadConfig({ ...shared, HERALD_ROLE: 'dispatcher' }).delivery.dispatcherEnabled).toBe(true);
    // Saying what the role does anyway is allowed.
    expect(loadConfig({ ...shared, HERALD_ROLE: 'api', DISPATCHER_ENABLED: 'false' }).role).toBe('api');
    expect(loadConfig({ ...shared, HERALD_ROLE: 'dispatcher', DISPATCHER_ENABLED: 'true' }).role).toBe('dispatcher');
  });

  it('refuses an unknown role', () => {
    expect(problemsOf({ HERALD_ROLE: 'worker' })).toEqual(['HERALD_ROLE: must be one of all, api, dispatcher']);
  });

  it('needs PostgreSQL and Redis for a split role, saying why', () => {
    expect(problemsOf({ HERALD_ROLE: 'api' })).toEqual([
      'HERALD_ROLE: api needs DATABASE_URL (PGlite serves a single process)',
      'HERALD_ROLE: api needs REDIS_URL (dispatchers reach its sockets through Redis)',
    ]);
    expect(problemsOf({ HERALD_ROLE: 'dispatcher', DATABASE_URL: shared.DATABASE_URL })).toEqual([
      "HERALD_ROLE: dispatcher needs REDIS_URL (its deliveries reach the api processes' sockets through Redis)",
    ]);
    expect(problemsOf({ HERALD_ROLE: 'dispatcher', REDIS_URL: shared.REDIS_URL })).toEqual([
      'HERALD_ROLE: dispatcher needs DATABASE_URL (PGlite serves a single process)',
    ]);
  });

  it('refuses DISPATCHER_ENABLED against the role', () => {
    expect(problemsOf({ ...shared, HERALD_ROLE: 'api', DISPATCHER_ENABLED: 'true' })).toEqual([
      'DISPATCHER_ENABLED: HERALD_ROLE=api never runs the dispatcher (use HERALD_ROLE=all or dispatcher)',
    ]);
    expect(problemsOf({ ...shared, HERALD_ROLE: 'dispatcher', DISPATCHER_ENABLED: 'no' })).toEqual([
      'DISPATCHER_ENABLED: HERALD_ROLE=dispatcher always runs the dispatcher (stop the process instead)',
    ]);
  });

  it("lists the role's problems with every other one", () => {
    const problems = problemsOf({ HERALD_ROLE: 'dispatcher', PORT: 'x', REDIS_URL: 'http://cache' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT: must be a number/);
    expect(problems.join('\n')).toMatch(/REDIS_URL: must be a URL/);
    expect(problems.join('\n')).toMatch(/dispatcher needs DATABASE_URL/);
  });
});

describe('boot', () => {
  it('refuses to start with a bad configuration, listing every problem, and exits 1', async () => {
    const server = await startServerProcess({ PORT: 'x', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' });
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toMatch(/Invalid configuration/);
    expect(output).toMatch(/DATABASE_URL/);
    expect(output).toMatch(/LOG_LEVEL/);
  });

  it('refuses to start a dispatcher process without PostgreSQL and Redis, and exits 1', async () => {
    const server = await startServerProcess({ HERALD_ROLE: 'dispatcher' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Invalid configuration[\s\S]*dispatcher needs DATABASE_URL[\s\S]*needs REDIS_URL/);
  });
});
