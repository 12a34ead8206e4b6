import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  deriveKeys,
  fromBase64Url,
  generateUserKeys,
  newKdfParams,
  openKeyBundle,
  publicKeysOf,
  sealKeyBundle,
  toBase64Url,
  wipeUserKeys,
  type CryptoErrorCode,
} from '@herald/crypto';
import { UserKeys as UserKeysPayload } from '@herald/shared';
import { seededRandom } from './helpers.js';

function throwsCode(fn: () => unknown, code: CryptoErrorCode): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

const cheap = { algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 } as const;

describe('user keys', () => {
  it('are fresh X25519 and Ed25519 pairs whose public halves fit the registration payload', () => {
    const a = generateUserKeys();
    const b = generateUserKeys();
    for (const pair of [a.x25519, a.ed25519]) {
      expect(pair.publicKey).toHaveLength(32);
      expect(pair.secretKey).toHaveLength(32);
    }
    expect(a.x25519.secretKey).not.toEqual(b.x25519.secretKey);
    const pub = publicKeysOf(a);
    expect(pub.x25519PublicKey).toHaveLength(43);
    expect(pub.ed25519PublicKey).toHaveLength(43);
    const payload = { ...pub, encryptedPrivateKeys: sealKeyBundle(a, new Uint8Array(32)) };
    expect(UserKeysPayload.safeParse(payload).success).toBe(true);
  });

  it('are deterministic from the random source (for pinned vectors)', () => {
    const a = generateUserKeys({ random: seededRandom('same') });
    const b = generateUserKeys({ random: seededRandom('same') });
    expect(publicKeysOf(a)).toEqual(publicKeysOf(b));
  });

  it('can be wiped', () => {
    const keys = generateUserKeys();
    wipeUserKeys(keys);
    expect(keys.x25519.secretKey.every((b) => b === 0)).toBe(true);
    expect(keys.ed25519.secretKey.every((b) => b === 0)).toBe(true);
  });
});

describe('the sealed key bundle', () => {
  it('opens with the password-derived key and gives back the same keys (140 characters)', async () => {
    const keys = generateUserKeys();
    const { encryptionKey } = await deriveKeys('correct horse', newKdfParams(cheap));
    const sealed = sealKeyBundle(keys, encryptionKey);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).toHaveLength(140);
    expect(openKeyBundle(sealed, encryptionKey)).toEqual(keys);
    // A fresh nonce every time.
    expect(sealKeyBundle(keys, encryptionKey)).not.toBe(sealed);
  });

  it('a password change re-seals the same keys under the new key; the old key no longer opens it', async () => {
    const keys = generateUserKeys();
    const before = await deriveKeys('old password', newKdfParams(cheap));
    const after = await deriveKeys('new password', newKdfParams(cheap));
    const resealed = sealKeyBundle(
      openKeyBundle(sealKeyBundle(keys, before.encryptionKey), before.encryptionKey),
      after.encryptionKey,
    );
    expect(publicKeysOf(openKeyBundle(resealed, after.encryptionKey))).toEqual(publicKeysOf(keys));
    throwsCode(() => openKeyBundle(resealed, before.encryptionKey), 'bad_key_bundle');
  });

  it('a wrong password fails cleanly with bad_key_bundle', async () => {
    const keys = generateUserKeys();
    const kdf = newKdfParams(cheap);
    const sealed = sealKeyBundle(keys, (await deriveKeys('right', kdf)).encryptionKey);
    throwsCode(() => openKeyBundle(sealed, new Uint8Array(32)), 'bad_key_bundle');
    const wrong = (await deriveKeys('wrong', kdf)).encryptionKey;
    throwsCode(() => openKeyBundle(sealed, wrong), 'bad_key_bundle');
  });

  it('any altered byte fails with bad_key_bundle; other damage is malformed or unsupported', () => {
    const key = new Uint8Array(32).fill(3);
    const sealed = sealKeyBundle(generateUserKeys(), key);
    const bytes = fromBase64Url(sealed);
    for (const i of [1, 24, 25, 60, 104]) {
      const copy = bytes.slice();
      copy[i]! ^= 0x10;
      throwsCode(() => openKeyBundle(toBase64Url(copy), key), 'bad_key_bundle');
    }
    const v2 = bytes.slice();
    v2[0] = 2;
    throwsCode(() => openKeyBundle(toBase64Url(v2), key), 'unsupported_version');
    throwsCode(() => openKeyBundle(toBase64Url(bytes.subarray(0, 100)), key), 'malformed');
    throwsCode(() => openKeyBundle('not base64!', key), 'malformed');
    throwsCode(() => openKeyBundle('', key), 'malformed');
    throwsCode(() => openKeyBundle(sealed, new Uint8Array(16)), 'invalid_argument');
  });
});
