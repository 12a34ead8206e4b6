import type { KdfDefaults, KdfParams } from '@herald/shared';
import { throttleProgress } from './progress';

/** What a password gives: the auth key (sent to the server) and the encryption key (never sent). */
export interface PasswordKeys {
  authKey: string;
  /** Opens the key bundle; zero it (`fill(0)`) once used. */
  encryptionKey: Uint8Array;
}

type WorkerAnswer = { progress: number } | { authKey: string; encryptionKey: Uint8Array } | { error: string };

/**
 * Password -> auth key and encryption key with @herald/crypto's Argon2id+HKDF (one Argon2id run
 * for both), in a Web Worker when the browser has one (the main thread stays free to paint the
 * progress bar), else on the main thread. The crypto code is loaded on demand either way, so it
 * is not part of the initial bundle.
 */
export async function derivePasswordKeys(
  password: string,
  kdf: KdfParams,
  onProgress: (fraction: number) => void = () => {},
): Promise<PasswordKeys> {
  if (typeof Worker !== 'undefined') {
    try {
      return await inWorker(password, kdf, onProgress);
    } catch (error) {
      if (!(error instanceof WorkerUnavailable)) throw error;
    }
  }
  const { deriveKeys } = await import('@herald/crypto');
  return deriveKeys(password, kdf, throttleProgress(onProgress));
}

/** Only the auth key (deleting the account): the encryption key is zeroed at once. */
export async function deriveAuthKey(
  password: string,
  kdf: KdfParams,
  onProgress: (fraction: number) => void = () => {},
): Promise<string> {
  const keys = await derivePasswordKeys(password, kdf, onProgress);
  keys.encryptionKey.fill(0);
  return keys.authKey;
}

export async function newKdf(defaults: KdfDefaults): Promise<KdfParams> {
  const { newKdfParams } = await import('@herald/crypto');
  return newKdfParams(defaults);
}

class WorkerUnavailable extends Error {}

function inWorker(password: string, kdf: KdfParams, onProgress: (fraction: number) => void): Promise<PasswordKeys> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./kdf-worker.ts', import.meta.url), { type: 'module' });
    } catch {
      reject(new WorkerUnavailable());
      return;
    }
    let started = false;
    worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
      started = true;
      const answer = event.data;
      if ('progress' in answer) onProgress(answer.progress);
      else {
        worker.terminate();
        if ('authKey' in answer) resolve({ authKey: answer.authKey, encryptionKey: answer.encryptionKey });
        else reject(new Error(answer.error));
      }
    };
    worker.onerror = () => {
      worker.terminate();
      reject(started ? new Error('Key derivation failed.') : new WorkerUnavailable());
    };
    worker.postMessage({ password, kdf });
  });
}
