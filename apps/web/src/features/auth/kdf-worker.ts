/// <reference lib="webworker" />
import '../../lib/zod-csp';
import { deriveKeys } from '@herald/crypto';
import type { KdfParams } from '@herald/shared';
import { throttleProgress } from './progress';

/**
 * Argon2id in pure JS takes seconds at the default cost: running it here keeps the page
 * responsive. Posts `{ progress }` (at most once per whole percent) while it runs, then
 * `{ authKey, encryptionKey }` (one Argon2id run gives both; the encryption key's buffer is
 * transferred, not copied, so no second copy stays in the worker) or `{ error }`.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<{ password: string; kdf: KdfParams }>) => {
  const { password, kdf } = event.data;
  deriveKeys(
    password,
    kdf,
    throttleProgress((progress) => scope.postMessage({ progress })),
  ).then(
    (keys) => {
      const encryptionKey = keys.encryptionKey.slice();
      keys.encryptionKey.fill(0);
      scope.postMessage({ authKey: keys.authKey, encryptionKey }, [encryptionKey.buffer]);
    },
    (error: unknown) => scope.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
};
