import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES, open, seal } from './aead.js';
import { concatBytes, label, wipe } from './bytes.js';
import { fromBase64Url, toBase64Url } from './encoding.js';
import { CryptoError } from './errors.js';
import { drawRandom, systemRandom, type RandomSource } from './random.js';

/**
 * A user's long-term keys: X25519 to receive (content keys are wrapped under keys agreed with it),
 * Ed25519 to sign what they send. Generated on the client; the secret halves leave the device only
 * inside the key bundle, sealed under the password-derived `encryptionKey` (see kdf.ts).
 *
 * Not to be confused with `UserKeys` of @herald/shared, the registration payload (public keys and
 * the sealed bundle) built from these with `publicKeysOf` and `sealKeyBundle`.
 */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface UserKeys {
  x25519: KeyPair;
  /** `secretKey` is the 32-byte RFC 8032 seed. */
  ed25519: KeyPair;
}

/** The public halves as the server's directory carries them (base64url, 43 characters each). */
export interface PublicKeys {
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

export function generateUserKeys(options?: { random?: RandomSource }): UserKeys {
  const random = options?.random ?? systemRandom;
  return keysFromSecrets(drawRandom(random, 32), drawRandom(random, 32));
}

export function publicKeysOf(keys: UserKeys): PublicKeys {
  return {
    x25519PublicKey: toBase64Url(keys.x25519.publicKey),
    ed25519PublicKey: toBase64Url(keys.ed25519.publicKey),
  };
}

/** Zeroes the secret keys in place (logout, account deletion). */
export function wipeUserKeys(keys: UserKeys): void {
  wipe(keys.x25519.secretKey, keys.ed25519.secretKey);
}

/** A public key from the directory, as 32 bytes; `bad_public_key` if it is not one. */
export function decodePublicKey(text: string, userId?: string): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = fromBase64Url(text);
  } catch {
    bytes = undefined;
  }
  if (bytes?.length !== 32 || toBase64Url(bytes) !== text) {
    throw new CryptoError('bad_public_key', 'a public key must be 32 bytes in base64url', userId ? { userId } : {});
  }
  return bytes;
}

function keysFromSecrets(x25519Secret: Uint8Array, ed25519Seed: Uint8Array): UserKeys {
  return {
    x25519: { secretKey: x25519Secret, publicKey: x25519.getPublicKey(x25519Secret) },
    ed25519: { secretKey: ed25519Seed, publicKey: ed25519.getPublicKey(ed25519Seed) },
  };
}

// ---- the sealed key bundle -------------------------------------------------------------------
//
// base64url( version 0x01 | nonce (24) | XChaCha20-Poly1305(encryptionKey, nonce,
//            x25519 secret (32) | ed25519 seed (32), ad = "herald/v1/key-bundle" 0x00 | version) )
// = 105 bytes, 140 characters. Public keys are recomputed from the secrets when opening, so a
// bundle cannot carry a public key that does not belong to its secret key.

const BUNDLE_VERSION = 1;
const BUNDLE_AD = concatBytes(label('herald/v1/key-bundle'), Uint8Array.of(BUNDLE_VERSION));
const BUNDLE_BYTES = 1 + NONCE_BYTES + 64 + TAG_BYTES;

function checkEncryptionKey(encryptionKey: Uint8Array): void {
  if (!(encryptionKey instanceof Uint8Array) || encryptionKey.length !== KEY_BYTES) {
    throw new CryptoError('invalid_argument', 'the encryption key must be 32 bytes');
  }
}

/**
 * Seals the secret keys under the password-derived key. A password change calls this again with
 * the new key (same keys, fresh nonce): nothing else is re-encrypted.
 */
export function sealKeyBundle(keys: UserKeys, encryptionKey: Uint8Array, options?: { random?: RandomSource }): string {
  checkEncryptionKey(encryptionKey);
  const nonce = drawRandom(options?.random ?? systemRandom, NONCE_BYTES);
  const secrets = concatBytes(keys.x25519.secretKey, keys.ed25519.secretKey);
  if (secrets.length !== 64) throw new CryptoError('invalid_argument', 'secret keys must be 32 bytes each');
  const sealed = seal(encryptionKey, nonce, secrets, BUNDLE_AD);
  wipe(secrets);
  return toBase64Url(concatBytes(Uint8Array.of(BUNDLE_VERSION), nonce, sealed));
}

/** Opens a bundle; a wrong key and any alteration both give `bad_key_bundle`. */
export function openKeyBundle(sealed: string, encryptionKey: Uint8Array): UserKeys {
  checkEncryptionKey(encryptionKey);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(sealed);
  } catch (cause) {
    throw new CryptoError('malformed', 'the key bundle is not base64url', { cause });
  }
  if (bytes.length === 0 || toBase64Url(bytes) !== sealed) {
    throw new CryptoError('malformed', 'the key bundle is not canonical base64url');
  }
  if (bytes[0] !== BUNDLE_VERSION) {
    throw new CryptoError('unsupported_version', `key bundle version ${bytes[0]} is not supported`);
  }
  if (bytes.length !== BUNDLE_BYTES) throw new CryptoError('malformed', 'the key bundle has the wrong length');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const secrets = open(
    encryptionKey,
    nonce,
    bytes.subarray(1 + NONCE_BYTES),
    BUNDLE_AD,
    'bad_key_bundle',
    'the key bundle',
  );
  const keys = keysFromSecrets(secrets.slice(0, 32), secrets.slice(32, 64));
  wipe(secrets);
  return keys;
}
