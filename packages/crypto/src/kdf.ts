import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { KdfDefaults, KdfParams } from '@herald/shared';
import { fromBase64Url, randomBytes, toBase64Url } from './encoding.js';

/**
 * Password -> keys. The password never leaves the client: Argon2id turns it into a master key,
 * and HKDF splits that into an auth key (sent to the server, which hashes it again) and an
 * encryption key (kept on the device; unwraps the private-key bundle). Knowing the auth key does
 * not reveal the encryption key, so the server cannot decrypt anything.
 */
export interface DerivedKeys {
  /** Sent at login and registration (base64url, 32 bytes). */
  authKey: string;
  /** Never sent; wraps the user's private keys. */
  encryptionKey: Uint8Array;
}

const AUTH_INFO = new TextEncoder().encode('herald/v1/auth-key');
const ENCRYPTION_INFO = new TextEncoder().encode('herald/v1/encryption-key');

export function newKdfParams(defaults: KdfDefaults): KdfParams {
  return { ...defaults, salt: toBase64Url(randomBytes(16)) };
}

export async function deriveKeys(
  password: string,
  kdf: KdfParams,
  onProgress?: (fraction: number) => void,
): Promise<DerivedKeys> {
  const master = await argon2idAsync(password.normalize('NFKC'), fromBase64Url(kdf.salt), {
    t: kdf.iterations,
    m: kdf.memoryKiB,
    p: kdf.parallelism,
    dkLen: 32,
    // Yield to the event loop regularly so that a browser can repaint its progress bar.
    asyncTick: 10,
    ...(onProgress ? { onProgress } : {}),
  });
  const authKey = hkdf(sha256, master, undefined, AUTH_INFO, 32);
  const encryptionKey = hkdf(sha256, master, undefined, ENCRYPTION_INFO, 32);
  master.fill(0);
  return { authKey: toBase64Url(authKey), encryptionKey };
}
