import { describe, expect, it } from 'vitest';
import { sha512 } from '@noble/hashes/sha2.js';
import { CryptoError, fromBase64Url, generateUserKeys, publicKeysOf, safetyNumber } from '@herald/crypto';
import { seededRandom, uuid } from './helpers.js';

const party = (n: number, seed = `user-${n}`) => ({
  userId: uuid(n),
  ...publicKeysOf(generateUserKeys({ random: seededRandom(seed) })),
});

describe('safety numbers', () => {
  const a = party(1);
  const b = party(2);

  it('are 60 digits in 12 groups of 5, the same for both sides', () => {
    const n = safetyNumber(a, b);
    expect(n).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(safetyNumber(b, a)).toBe(n);
  });

  it('change when any key of either side changes, or the users change', () => {
    const n = safetyNumber(a, b);
    const other = party(2, 'another seed');
    expect(safetyNumber(a, { ...b, x25519PublicKey: other.x25519PublicKey })).not.toBe(n);
    expect(safetyNumber(a, { ...b, ed25519PublicKey: other.ed25519PublicKey })).not.toBe(n);
    expect(safetyNumber({ ...a, x25519PublicKey: other.x25519PublicKey }, b)).not.toBe(n);
    expect(safetyNumber(a, { ...b, userId: uuid(3) })).not.toBe(n);
    // Each user's half sits in a fixed place: the half of the smaller user id comes first.
    const withNewB = safetyNumber(a, { ...b, ed25519PublicKey: other.ed25519PublicKey });
    expect(withNewB.slice(0, 35)).toBe(n.slice(0, 35));
    expect(withNewB.slice(36)).not.toBe(n.slice(36));
  });

  it('is pinned (a change to the scheme would show every user a "changed" number)', () => {
    expect(safetyNumber(a, b)).toBe(PINNED);
  });

  it('follows the documented computation', () => {
    const half = (p: typeof a) => {
      const keys = [...fromBase64Url(p.x25519PublicKey), ...fromBase64Url(p.ed25519PublicKey)];
      let h = sha512(
        Uint8Array.from([
          ...new TextEncoder().encode('herald/v1/safety-number\0'),
          ...keys,
          ...new TextEncoder().encode(p.userId),
        ]),
      );
      for (let i = 0; i < 5200; i++) h = sha512(Uint8Array.from([...h, ...keys]));
      let digits = '';
      for (let g = 0; g < 6; g++) {
        const v = h.subarray(g * 5, g * 5 + 5).reduce((acc, byte) => acc * 256 + byte, 0);
        digits += String(v % 100000).padStart(5, '0');
      }
      return digits;
    };
    expect(safetyNumber(a, b).replace(/ /g, '')).toBe(half(a) + half(b));
  });

  it('refuses malformed input', () => {
    expect(() => safetyNumber({ ...a, x25519PublicKey: 'x' }, b)).toThrow(CryptoError);
    expect(() => safetyNumber({ ...a, userId: 'alice' }, b)).toThrow(CryptoError);
  });
});

const PINNED = '24685 80803 03318 70644 95841 09352 69749 89260 72775 92631 15474 97875';
