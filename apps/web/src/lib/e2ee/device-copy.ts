import type { PublicKeys, UserKeys } from '@herald/crypto';
import { loadCrypto } from './crypto';

/**
 * This device's copy of the signed-in user's keys, so that a reload does not ask for the password
 * again. It lives in IndexedDB and is never readable as stored:
 *
 *   record = { userId, public keys, deviceKey, iv, sealedLocalKey, bundle }
 *   deviceKey      a WebCrypto AES-256-GCM key made NON-EXTRACTABLE (stored as a CryptoKey object:
 *                  the page can use it, but no script can read its bytes out)
 *   sealedLocalKey AES-GCM(deviceKey, iv, localKey), localKey 32 random bytes
 *   bundle         sealKeyBundle(keys, localKey): the same format as the password-sealed bundle
 *
 * Reading it back needs the deviceKey, which only this browser profile has. What it protects
 * against: the private keys sitting in storage in the clear (a copied profile folder, a backup,
 * an extension reading storage). What it does not: code running in the page (an XSS) can use the
 * key while the page is open, as it could use the keys in memory; docs/web.md says so.
 */
const DB_NAME = 'herald-keys';
const STORE = 'device';
const RECORD = 'current';

interface DeviceRecord {
  v: 1;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  deviceKey: CryptoKey;
  iv: Uint8Array<ArrayBuffer>;
  sealedLocalKey: ArrayBuffer;
  bundle: string;
}

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(DB_NAME, 1);
    } catch {
      resolve(null);
      return;
    }
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    // Private windows and locked-down profiles may refuse storage: then there is no device copy.
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  const db = await openDb();
  if (!db) return null;
  try {
    return await new Promise<T | null>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      let result: T | null = null;
      request.onsuccess = () => (result = request.result);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

function subtle(): SubtleCrypto | null {
  return globalThis.crypto?.subtle ?? null;
}

/** Saves the device copy; false when this browser cannot keep one (no IndexedDB or WebCrypto). */
export async function saveDeviceCopy(userId: string, keys: UserKeys): Promise<boolean> {
  const webCrypto = subtle();
  if (!webCrypto) return false;
  try {
    const { publicKeysOf, sealKeyBundle } = await loadCrypto();
    const deviceKey = await webCrypto.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const localKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const sealedLocalKey = await webCrypto.encrypt({ name: 'AES-GCM', iv }, deviceKey, localKey);
    const bundle = sealKeyBundle(keys, localKey);
    localKey.fill(0);
    const record: DeviceRecord = { v: 1, userId, ...publicKeysOf(keys), deviceKey, iv, sealedLocalKey, bundle };
    // `put` answers the record's key; null means there was no database to write to.
    return (await run('readwrite', (store) => store.put(record, RECORD))) !== null;
  } catch {
    return false;
  }
}

/**
 * The keys from this device's copy when it belongs to `userId` and matches the public keys the
 * server has for them (a copy left from before a key change is useless, and removed); else null.
 */
export async function loadDeviceCopy(userId: string, expected: PublicKeys): Promise<UserKeys | null> {
  const webCrypto = subtle();
  if (!webCrypto) return null;
  let record: DeviceRecord | null;
  try {
    record = (await run('readonly', (store) => store.get(RECORD) as IDBRequest<DeviceRecord | undefined>)) ?? null;
  } catch {
    return null;
  }
  if (!record) return null;
  if (
    record.v !== 1 ||
    record.userId !== userId ||
    record.x25519PublicKey !== expected.x25519PublicKey ||
    record.ed25519PublicKey !== expected.ed25519PublicKey
  ) {
    await removeDeviceCopy();
    return null;
  }
  try {
    const { openKeyBundle } = await loadCrypto();
    const localKey = new Uint8Array(
      await webCrypto.decrypt({ name: 'AES-GCM', iv: record.iv }, record.deviceKey, record.sealedLocalKey),
    );
    const keys = openKeyBundle(record.bundle, localKey);
    localKey.fill(0);
    return keys;
  } catch {
    await removeDeviceCopy();
    return null;
  }
}

/** Sign-out, session end, account deletion: the copy goes (the key with it). */
export async function removeDeviceCopy(): Promise<void> {
  try {
    await run('readwrite', (store) => store.delete(RECORD));
  } catch {
    // Nothing stored, or storage unavailable: nothing to remove.
  }
}
