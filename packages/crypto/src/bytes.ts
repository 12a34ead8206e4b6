import { CryptoError } from './errors.js';
import { fromBase64Url, toBase64Url } from './encoding.js';

/** Small byte helpers shared by the format modules (not exported from the package). */

const encoder = new TextEncoder();
// `fatal`: invalid UTF-8 inside an authenticated plaintext is an error, never silently replaced.
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('malformed', 'the plaintext is not valid UTF-8', { cause });
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A domain-separation label: its UTF-8 bytes and a 0x00 terminator (labels never contain NUL). */
export function label(text: string): Uint8Array {
  return concatBytes(utf8(text), new Uint8Array(1));
}

/**
 * base64url that must decode to exactly `length` bytes and be the one canonical spelling of them
 * (no stray low bits in the last character), so that an envelope field has a single encoding.
 */
export function decodeExact(text: string, length: number, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch (cause) {
    throw new CryptoError('malformed', `${what} is not base64url`, { cause });
  }
  if (bytes.length !== length || toBase64Url(bytes) !== text) {
    throw new CryptoError('malformed', `${what} must be ${length} bytes in canonical base64url`);
  }
  return bytes;
}

/** Like `decodeExact` for variable-length fields (at least `min` bytes). */
export function decodeCanonical(text: string, min: number, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch (cause) {
    throw new CryptoError('malformed', `${what} is not base64url`, { cause });
  }
  if (bytes.length < min || toBase64Url(bytes) !== text) {
    throw new CryptoError('malformed', `${what} is not canonical base64url of at least ${min} bytes`);
  }
  return bytes;
}

/** Constant-time comparison (for hashes of secrets; length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const byte of bytes) acc |= byte;
  return acc === 0;
}

export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const array of arrays) array?.fill(0);
}
