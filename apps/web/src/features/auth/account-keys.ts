import type { UserKeys as PrivateUserKeys } from '@herald/crypto';
import type { SelfUser, UserKeys } from '@herald/shared';
import { loadCrypto, loadDeviceCopy, markLocked, saveDeviceCopy, setMyKeys, unlockWith } from '../../lib/e2ee';

/**
 * The signed-in user's keys across the account's life (DESIGN section 7): made at registration,
 * opened with the password at sign-in (or made then for an account from before encryption), kept
 * on this device as a sealed copy so that a reload needs no password, re-sealed when the password
 * changes. The secret keys are only ever in memory (the KeyRing) or sealed.
 */

/** Keys for a new account: the registration payload, and the keys to open the ring with. */
export async function newAccountKeys(encryptionKey: Uint8Array): Promise<{ keys: PrivateUserKeys; payload: UserKeys }> {
  const { generateUserKeys, publicKeysOf, sealKeyBundle } = await loadCrypto();
  const keys = generateUserKeys();
  return { keys, payload: { ...publicKeysOf(keys), encryptedPrivateKeys: sealKeyBundle(keys, encryptionKey) } };
}

/** Opens the ring with these keys, keeps the device copy, and zeroes the caller's copy. */
export async function establish(userId: string, keys: PrivateUserKeys): Promise<void> {
  const { wipeUserKeys } = await loadCrypto();
  try {
    await unlockWith(userId, keys);
    await saveDeviceCopy(userId, keys);
  } finally {
    wipeUserKeys(keys);
  }
}

export class KeysMismatch extends Error {}

/**
 * After the password was checked by the server (sign-in) or is to be checked (unlock): opens the
 * account's key bundle with the password's encryption key, or, for an account without keys yet,
 * makes them and registers them (PUT /api/users/me/keys with the auth key). Returns the user as
 * it now is (with keys).
 */
export async function openAccountKeys(
  me: SelfUser,
  password: { authKey: string; encryptionKey: Uint8Array },
): Promise<SelfUser> {
  const { openKeyBundle, publicKeysOf } = await loadCrypto();
  if (me.encryptedPrivateKeys) {
    const keys = openKeyBundle(me.encryptedPrivateKeys, password.encryptionKey);
    const opened = publicKeysOf(keys);
    // The bundle must hold the secret halves of the public keys everyone seals to.
    if (opened.x25519PublicKey !== me.x25519PublicKey || opened.ed25519PublicKey !== me.ed25519PublicKey) {
      throw new KeysMismatch('Your keys on the server do not match; contact your server administrator.');
    }
    await establish(me.id, keys);
    return me;
  }
  const { keys, payload } = await newAccountKeys(password.encryptionKey);
  const view = await setMyKeys({ ...payload, authKey: password.authKey });
  await establish(me.id, keys);
  return {
    ...me,
    x25519PublicKey: view.x25519PublicKey,
    ed25519PublicKey: view.ed25519PublicKey,
    encryptedPrivateKeys: payload.encryptedPrivateKeys,
  };
}

/**
 * A page load with a session: the keys from this device's sealed copy when it matches the
 * account's public keys; else the device is locked (the unlock screen asks for the password).
 * Returns whether the keys are open.
 */
export async function resumeKeys(me: SelfUser): Promise<boolean> {
  if (me.encryptedPrivateKeys && me.x25519PublicKey && me.ed25519PublicKey) {
    const keys = await loadDeviceCopy(me.id, {
      x25519PublicKey: me.x25519PublicKey,
      ed25519PublicKey: me.ed25519PublicKey,
    });
    if (keys) {
      const { wipeUserKeys } = await loadCrypto();
      try {
        await unlockWith(me.id, keys);
      } finally {
        wipeUserKeys(keys);
      }
      return true;
    }
  }
  markLocked(me.id);
  return false;
}

/** A password change: the same keys, re-sealed under the new password's key. */
export async function resealBundle(
  me: SelfUser,
  currentEncryptionKey: Uint8Array,
  newEncryptionKey: Uint8Array,
): Promise<string | undefined> {
  if (!me.encryptedPrivateKeys) return undefined;
  const { openKeyBundle, sealKeyBundle, wipeUserKeys } = await loadCrypto();
  const keys = openKeyBundle(me.encryptedPrivateKeys, currentEncryptionKey);
  try {
    return sealKeyBundle(keys, newEncryptionKey);
  } finally {
    wipeUserKeys(keys);
  }
}
