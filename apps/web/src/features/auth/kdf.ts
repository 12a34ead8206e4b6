import type { KdfDefaults, KdfParams } from '@herald/shared';
import { throttleProgress } from './progress';

type WorkerAnswer = { progress: number } | { authKey: string } | { error: string };

/**
 * Password -> auth key with @herald/crypto's Argon2id+HKDF, in a Web Worker when the browser has
 * one (the main thread stays free to paint the progress bar), else on the main thread. The crypto
 * code is loaded on demand either way, so it is not part of the initial bundle.
 */
export async function deriveAuthKey(
  password: string,
  kdf: KdfParams,
  onProgress: (fraction: number) => void = () => {},
): Promise<string> {
  if (typeof Worker !== 'undefined') {
    try {
      return await inWorker(password, kdf, onProgress);
    } catch (error) {
      if (!(error instanceof WorkerUnavailable)) throw error;
    }
  }
  const { deriveKeys } = await import('@herald/crypto');
  const keys = await deriveKeys(password, kdf, throttleProgress(onProgress));
  keys.encryptionKey.fill(0);
  return keys.authKey;
}

export async function newKdf(defaults: KdfDefaults): Promise<KdfParams> {
  const { newKdfParams } = await import('@herald/crypto');
  return newKdfParams(defaults);
}

class WorkerUnavailable extends Error {}

function inWorker(password: string, kdf: KdfParams, onProgress: (fraction: number) => void): Promise<string> {
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
        if ('authKey' in answer) resolve(answer.authKey);
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
