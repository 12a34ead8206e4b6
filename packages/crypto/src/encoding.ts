/**
 * base64url without padding: the one binary-to-text encoding used on Herald's wire.
 *
 * Table-driven rather than through btoa/atob: a 256-member envelope encodes 256 wrapped keys and
 * every open decodes several fields, and the string round trip through btoa (one string per byte,
 * then three regex replacements) cost more than the encryption of a wrapped key.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHARS = Array.from(ALPHABET);
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += CHARS[v >> 18]! + CHARS[(v >> 12) & 63]! + CHARS[(v >> 6) & 63]! + CHARS[v & 63]!;
  }
  if (bytes.length - whole === 1) {
    const v = bytes[i]!;
    out += CHARS[v >> 2]! + CHARS[(v & 3) << 4]!;
  } else if (bytes.length - whole === 2) {
    const v = (bytes[i]! << 8) | bytes[i + 1]!;
    out += CHARS[v >> 10]! + CHARS[(v >> 4) & 63]! + CHARS[(v & 15) << 2]!;
  }
  return out;
}

function value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? VALUES[code]! : -1;
  if (v < 0) throw new Error('not base64url');
  return v;
}

export function fromBase64Url(text: string): Uint8Array {
  const rest = text.length % 4;
  if (rest === 1) throw new Error('not base64url');
  const bytes = new Uint8Array(((text.length - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  const whole = text.length - rest;
  let o = 0;
  let i = 0;
  for (; i < whole; i += 4) {
    const v = (value(text, i) << 18) | (value(text, i + 1) << 12) | (value(text, i + 2) << 6) | value(text, i + 3);
    bytes[o++] = v >> 16;
    bytes[o++] = (v >> 8) & 255;
    bytes[o++] = v & 255;
  }
  if (rest === 2) {
    bytes[o] = (value(text, i) << 2) | (value(text, i + 1) >> 4);
  } else if (rest === 3) {
    const v = (value(text, i) << 12) | (value(text, i + 1) << 6) | value(text, i + 2);
    bytes[o++] = v >> 10;
    bytes[o] = (v >> 2) & 255;
  }
  return bytes;
}

export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}
