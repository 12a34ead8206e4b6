import { describe, expect, it } from 'vitest';
import { originRule } from '../src/lib/origin.js';
import { MAX_REQUEST_BYTES } from '../src/lib/request-limits.js';
import { MAX_CONTENT_LENGTH } from '@herald/shared';

describe('the one Origin rule (CSRF check and socket handshake)', () => {
  const allowed = originRule(['https://app.example.com/']);

  it('lets through no Origin, our own, and a configured one', () => {
    expect(allowed(undefined, { host: 'herald.test', schemes: ['https'] })).toBe(true);
    expect(allowed('https://herald.test', { host: 'herald.test', schemes: ['https'] })).toBe(true);
    expect(allowed('https://app.example.com', { host: 'herald.test', schemes: ['https'] })).toBe(true);
  });

  it('refuses another site, another scheme than the request came by, and any Origin without a Host', () => {
    expect(allowed('https://evil.test', { host: 'herald.test', schemes: ['https'] })).toBe(false);
    expect(allowed('http://herald.test', { host: 'herald.test', schemes: ['https'] })).toBe(false);
    expect(allowed('http://herald.test', { host: 'herald.test', schemes: ['http', 'https'] })).toBe(true);
    expect(allowed('https://herald.test', { host: undefined, schemes: ['https'] })).toBe(false);
  });
});

describe('the request and frame size', () => {
  it('derives from the content limit and leaves room for any valid content (3 bytes a character at most)', () => {
    expect(MAX_REQUEST_BYTES).toBe(1024 * 1024);
    expect(MAX_REQUEST_BYTES).toBeGreaterThan(3 * MAX_CONTENT_LENGTH + 64 * 1024);
  });
});
