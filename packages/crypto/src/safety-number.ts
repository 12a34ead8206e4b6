import { sha512 } from '@noble/hashes/sha2.js';
import { isCanonicalUuid } from '@herald/shared';
import { concatBytes, label, utf8 } from './bytes.js';
import { CryptoError } from './errors.js';
import { decodePublicKey } from './keys.js';

/**
 * Safety numbers: what two people compare (read aloud, side by side) to be sure that the server
 * gave each of them the other's real keys. Same scheme as Signal's: each user's half is an
 * iterated hash of their id and both public keys, shown as 30 digits; the number is both halves,
 * the half of the user with the smaller id first, so both sides see the same 60 digits whatever
 * the argument order. Any change of either user's keys (or a swap of users) changes it.
 *
 *   h_0 = SHA-512("herald/v1/safety-number" 0x00 | x25519PublicKey | ed25519PublicKey | userId)
 *   h_i = SHA-512(h_{i-1} | x25519PublicKey | ed25519PublicKey),   i = 1 .. 5200
 *   half = for each of the first six 5-byte groups of h_5200: (uint40, big-endian) mod 100000,
 *          as 5 digits with leading zeros
 *
 * The 5200 iterations (as Signal) make finding a key pair whose half collides with someone's
 * (a 100-bit target) slower for an attacker; it costs a few milliseconds once per contact.
 */
export interface SafetyNumberParty {
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

const ITERATIONS = 5200;
const LABEL = label('herald/v1/safety-number');

function half(party: SafetyNumberParty): string {
  if (!isCanonicalUuid(party.userId)) throw new CryptoError('invalid_argument', 'user ids must be lower-case UUIDs');
  const keys = concatBytes(
    decodePublicKey(party.x25519PublicKey, party.userId),
    decodePublicKey(party.ed25519PublicKey, party.userId),
  );
  let hash = sha512(concatBytes(LABEL, keys, utf8(party.userId)));
  const input = new Uint8Array(hash.length + keys.length);
  input.set(keys, hash.length);
  for (let i = 0; i < ITERATIONS; i++) {
    input.set(hash, 0);
    hash = sha512(input);
  }
  let digits = '';
  for (let group = 0; group < 6; group++) {
    let value = 0;
    // 40 bits fit a double exactly.
    for (let j = 0; j < 5; j++) value = value * 256 + hash[group * 5 + j]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

/** 60 digits in 12 groups of 5 separated by spaces, identical for `(a, b)` and `(b, a)`. */
export function safetyNumber(a: SafetyNumberParty, b: SafetyNumberParty): string {
  const [first, second] = a.userId <= b.userId ? [a, b] : [b, a];
  const digits = half(first) + half(second);
  return digits.match(/\d{5}/g)!.join(' ');
}
