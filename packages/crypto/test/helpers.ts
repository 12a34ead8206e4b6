import { sha256 } from '@noble/hashes/sha2.js';
import {
  KeyRing,
  generateUserKeys,
  publicKeysOf,
  type CurvePreference,
  type RandomSource,
  type UserKeys,
} from '@herald/crypto';

/**
 * A deterministic byte stream for pinned test vectors ONLY: SHA-256(seed | counter) blocks. It is
 * what makes "sealing these inputs gives exactly these bytes" testable; production code always
 * uses crypto.getRandomValues.
 */
export function seededRandom(seed: string): RandomSource {
  const seedBytes = new TextEncoder().encode(seed);
  let counter = 0;
  let spare: Uint8Array = new Uint8Array(0);
  return (length) => {
    const out = new Uint8Array(length);
    let filled = Math.min(spare.length, length);
    out.set(spare.subarray(0, filled));
    spare = spare.subarray(filled);
    const block = new Uint8Array(seedBytes.length + 4);
    block.set(seedBytes);
    while (filled < length) {
      new DataView(block.buffer).setUint32(seedBytes.length, counter++);
      const next = sha256(block);
      const n = Math.min(32, length - filled);
      out.set(next.subarray(0, n), filled);
      spare = next.subarray(n);
      filled += n;
    }
    return out;
  };
}

/** A lower-case UUID (v4 layout) numbered `n`, readable in failures. */
export function uuid(n: number, prefix = '00000000'): string {
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface TestUser {
  userId: string;
  keys: UserKeys;
  ring: KeyRing;
  publicKeys: { x25519PublicKey: string; ed25519PublicKey: string };
  peer: { userId: string; x25519PublicKey: string };
}

export function makeUser(userId: string, options?: { seed?: string; curves?: CurvePreference }): TestUser {
  const keys = generateUserKeys(options?.seed ? { random: seededRandom(options.seed) } : undefined);
  const publicKeys = publicKeysOf(keys);
  return {
    userId,
    keys,
    ring: new KeyRing({ userId, keys }, options?.curves ? { curves: options.curves } : undefined),
    publicKeys,
    peer: { userId, x25519PublicKey: publicKeys.x25519PublicKey },
  };
}

export const CONVERSATION = uuid(1, 'c0000000');
export const OTHER_CONVERSATION = uuid(2, 'c0000000');
