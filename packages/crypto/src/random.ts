import { randomBytes } from './encoding.js';

/**
 * Where keys and nonces come from. Always the platform CSPRNG (`crypto.getRandomValues`) in use;
 * functions that draw randomness accept a `random` option only so that tests can pin exact outputs
 * (test vectors). Never pass anything else in production code.
 */
export type RandomSource = (length: number) => Uint8Array;

export const systemRandom: RandomSource = randomBytes;

export function drawRandom(random: RandomSource, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`random source returned ${String(bytes?.length)} bytes instead of ${length}`);
  }
  return bytes;
}

/** A random (version 4) UUID in lower case, drawn from `random` so that tests can pin it. */
export function randomUuid(random: RandomSource): string {
  const b = drawRandom(random, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
