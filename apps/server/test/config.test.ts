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

describe('boot', () => {
  it('refuses to start with a bad configuration, listing every problem, and exits 1', async () => {
    const server = await startServerProcess({ PORT: 'x', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' });
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toMatch(/Invalid configuration/);
    expect(output).toMatch(/DATABASE_URL/);
    expect(output).toMatch(/LOG_LEVEL/);
  });
});
