import { createHmac } from 'node:crypto';
import type { KdfDefaults, KdfParams } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';

/** Salt size of new accounts (16 bytes, as @herald/crypto makes it), so that a fake one can match it. */
const SALT_BYTES = 16;
const SALT_LENGTH = Math.ceil((SALT_BYTES * 4) / 3);

const sameKdfCost = (a: KdfDefaults, b: KdfDefaults) =>
  a.algorithm === b.algorithm &&
  a.memoryKiB === b.memoryKiB &&
  a.iterations === b.iterations &&
  a.parallelism === b.parallelism;

/**
 * The one place a prelogin answer is built, keys in one fixed order: an account's parameters come
 * back from a jsonb column, whose key order differs from an object literal's, and any difference in
 * bytes between known and unknown names would tell which usernames exist.
 */
export function kdfAnswer(cost: KdfDefaults, salt: string): KdfParams {
  return {
    algorithm: cost.algorithm,
    salt,
    memoryKiB: cost.memoryKiB,
    iterations: cost.iterations,
    parallelism: cost.parallelism,
  };
}

/** A stable salt for an unknown username, derived from the server secret (same HMAC every time). */
export function fakeSalt(secret: string, username: string): string {
  return createHmac('sha256', secret)
    .update(`prelogin:${username.trim().toLowerCase()}`)
    .digest()
    .subarray(0, SALT_BYTES)
    .toString('base64url');
}

/**
 * New accounts must use the server's current KDF cost, so that the prelogin answer for a real
 * account looks exactly like the one invented for an unknown username.
 */
export function assertKdfIsCurrent(kdf: KdfParams, defaults: KdfDefaults): void {
  if (kdf.salt.length !== SALT_LENGTH) {
    throw new AppError(
      'validation_failed',
      `The key-derivation salt must be ${SALT_BYTES} random bytes (${SALT_LENGTH} base64url characters).`,
      [{ path: 'kdf.salt', message: `must be ${SALT_LENGTH} base64url characters` }],
    );
  }
  if (!sameKdfCost(kdf, defaults)) {
    throw new AppError(
      'validation_failed',
      `Use the server's key-derivation parameters (GET /api/auth/kdf-params): ${JSON.stringify(defaults)}.`,
      [{ path: 'kdf', message: 'must match the server parameters' }],
    );
  }
}
