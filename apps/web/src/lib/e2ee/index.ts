/**
 * End-to-end encryption in the web client (DESIGN section 7, docs/web.md "End-to-end encryption").
 * Everything the features use goes through here:
 *
 * - sealing: `sealContent(conversationId, kind, { text, media? })` -> envelope JSON for `content`
 *   (all current members as recipients); `sendSealed` adds the one automatic re-seal on 409
 *   recipients_mismatch.
 * - opening: `openContent(message)` -> `Opened` (plaintext, legacy text, or why it cannot be read
 *   with the sentence to show); `useOpened(message)` for views; plaintext is cached in memory only.
 * - keys: `conversationKeys(conversationId)` (the members' public keys), `onKeysChanged(listener)`
 *   (membership or someone's keys changed), `useKeyState` (locked / unlocked).
 * - account: `unlockWith`, `markLocked`, the device copy (`saveDeviceCopy`, `loadDeviceCopy`),
 *   and `wipeDeviceKeys` on sign-out / session end / account deletion.
 */
export { prepareConversation, sealContent, sealText, sendSealed, type SealableContent } from './seal';
export { openContent, peekOpened, primeOpened } from './open';
export { useOpened } from './use-opened';
export { NOTICES, type Opened, type OpenableMessage, type UnreadableReason } from './opened-cache';
export {
  conversationKeys,
  userKeys,
  membersChanged,
  userKeysChanged,
  onKeysChanged,
  type KeysChange,
} from './directory';
export { currentRing, markLocked, requireRing, unlockWith, useKeyState, type KeyStatus } from './key-state';
export { loadDeviceCopy, removeDeviceCopy, saveDeviceCopy } from './device-copy';
export { dismissKeyChange, fingerprintOf, useKeyChanges, type KeyChangeNotice } from './key-changes';
export { safetyNumberWith } from './safety';
export { loadCrypto } from './crypto';
export { keysApi } from './api';

import type { SetKeysBody } from '@herald/shared';
import { keysApi } from './api';
/** PUT /api/users/me/keys: sets (or replaces) my keys; contacts get user_keys_changed. */
export const setMyKeys = (body: SetKeysBody) => keysApi.setMine(body);

import { removeDeviceCopy } from './device-copy';
import { wipeKeyState } from './key-state';

/**
 * Sign-out, "sign out everywhere", account deletion, session ended (401): the ring's keys are
 * zeroed, the plaintext and key caches emptied, and this device's sealed copy removed.
 */
export async function wipeDeviceKeys(): Promise<void> {
  wipeKeyState();
  await removeDeviceCopy();
}
