/**
 * @herald/crypto (and zod, through the envelope schema) is loaded on first use rather than with
 * the first paint: the sign-in screen does not need it until a password is submitted, and the
 * signed-in shell opens messages asynchronously anyway.
 */
import type * as CryptoModule from '@herald/crypto';

export type Crypto = typeof CryptoModule;

let loading: Promise<Crypto> | null = null;

export function loadCrypto(): Promise<Crypto> {
  // public/zod-jitless.js (run by index.html before any module) has already told zod not to
  // probe `new Function`.
  loading ??= import('@herald/crypto');
  return loading;
}
