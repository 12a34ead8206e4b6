import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { CryptoError, type CryptoErrorCode } from './errors.js';

/**
 * The one AEAD of every Herald format: XChaCha20-Poly1305 (32-byte key, 24-byte nonce, 16-byte
 * tag appended). Its 192-bit nonce can be drawn at random for every use of a long-lived key (the
 * pairwise wrapping keys, the password-derived key) with no risk of a collision, which a 96-bit
 * nonce (AES-GCM, ChaCha20-Poly1305) cannot promise. Pure JS (@noble/ciphers): the same code and
 * results in Node and in every browser, secure context or not.
 */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;

export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
}

/** Opens or throws `CryptoError(code)`: a wrong key and altered data are indistinguishable here. */
export function open(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array,
  code: CryptoErrorCode,
  what: string,
): Uint8Array {
  if (ciphertext.length < TAG_BYTES) throw new CryptoError('malformed', `${what} is shorter than its tag`);
  try {
    return xchacha20poly1305(key, nonce, ad).decrypt(ciphertext);
  } catch (cause) {
    throw new CryptoError(code, `${what} did not authenticate`, { cause });
  }
}
