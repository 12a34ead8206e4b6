import { describe, expect, it } from 'vitest';
import { deriveKeys, fromBase64Url, newKdfParams, toBase64Url } from '@herald/crypto';

const cheap = { algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 } as const;

describe('key derivation', () => {
  it('is deterministic for the same password and salt', async () => {
    const kdf = newKdfParams(cheap);
    const a = await deriveKeys('pässword', kdf);
    const b = await deriveKeys('pässword', kdf);
    expect(a.authKey).toBe(b.authKey);
    expect(a.encryptionKey).toEqual(b.encryptionKey);
  });

  it('separates the auth key (sent) from the encryption key (kept)', async () => {
    const { authKey, encryptionKey } = await deriveKeys('password', newKdfParams(cheap));
    expect(fromBase64Url(authKey)).toHaveLength(32);
    expect(encryptionKey).toHaveLength(32);
    expect(toBase64Url(encryptionKey)).not.toBe(authKey);
  });

  it('gives different keys for different salts and passwords', async () => {
    const k1 = newKdfParams(cheap);
    const k2 = newKdfParams(cheap);
    expect(k1.salt).not.toBe(k2.salt);
    const a = await deriveKeys('password', k1);
    expect((await deriveKeys('password', k2)).authKey).not.toBe(a.authKey);
    expect((await deriveKeys('passw0rd', k1)).authKey).not.toBe(a.authKey);
  });

  it('normalises Unicode so that the same password typed differently gives the same keys', async () => {
    const kdf = newKdfParams(cheap);
    const composed = await deriveKeys('caf\u00e9', kdf);
    const decomposed = await deriveKeys('cafe\u0301', kdf);
    expect(composed.authKey).toBe(decomposed.authKey);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await deriveKeys('password', { ...newKdfParams(cheap), memoryKiB: 256, iterations: 2 }, (p) => seen.push(p));
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
  });
});

describe('base64url', () => {
  it('round-trips every byte value without padding', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });

  it('refuses non-base64url text', () => {
    expect(() => fromBase64Url('a+b/')).toThrow();
  });
});
