import { z } from 'zod';
import type { UserId } from './ids.js';
import { USERNAME_RULES } from './limits.js';
import { boundedInt, lineText, nameText, queryInt } from './text.js';

/** base64url without padding, as produced by @herald/crypto's `toBase64Url`. */
export const Base64Url = lineText().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding');

/** A 32-byte key in base64url (43 characters). */
export const Key32 = Base64Url.length(43, 'must be 32 bytes in base64url (43 characters)');

export const Username = lineText()
  .trim()
  .min(USERNAME_RULES.min, `username must be at least ${USERNAME_RULES.min} characters`)
  .max(USERNAME_RULES.max, `username must be at most ${USERNAME_RULES.max} characters`)
  .regex(USERNAME_RULES.pattern, `username: ${USERNAME_RULES.hint}`);

export const DisplayName = nameText().trim().min(1).max(64);

/** IANA time zone name, checked against the runtime's zone database. */
export const TimeZone = lineText()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');

/** Argon2id parameters the client uses to turn a password into its master key. */
export const KdfParams = z.object({
  algorithm: z.literal('argon2id'),
  salt: Base64Url.min(22).max(64),
  memoryKiB: boundedInt(8, 1_048_576),
  iterations: boundedInt(1, 20),
  parallelism: boundedInt(1, 8),
});
export type KdfParams = z.infer<typeof KdfParams>;

export const PreloginQuery = z.object({ username: lineText().trim().min(1).max(64) });
export interface PreloginResponse {
  kdf: KdfParams;
}

/** Parameters a new account must use (salt left to the client). */
export type KdfDefaults = Omit<KdfParams, 'salt'>;

/** The private-key bundle sealed under the password-derived key (140 characters today). */
export const EncryptedPrivateKeys = Base64Url.min(1).max(4096);

/** Public keys and the password-wrapped private-key bundle (E2EE, DESIGN section 7). */
export const UserKeys = z.object({
  x25519PublicKey: Key32,
  ed25519PublicKey: Key32,
  encryptedPrivateKeys: EncryptedPrivateKeys,
});
export type UserKeys = z.infer<typeof UserKeys>;

/**
 * `PUT /api/users/me/keys`: an account made before encryption creates its keys (at its next
 * login), or a user replaces theirs. The password's auth key is required, so that a stolen
 * session alone cannot swap a user's keys. Contacts get `user_keys_changed`.
 */
export const SetKeysBody = UserKeys.extend({ authKey: Key32 });
export type SetKeysBody = z.infer<typeof SetKeysBody>;

/**
 * One user's public keys as the directory serves them (`GET /api/users/:id/keys`, and per member
 * in `GET /api/conversations/:id/keys`). Keys are null for an account that has not created them
 * yet; `keysChangedAt` is when they were last set (null before that).
 */
export interface PublicKeysView {
  userId: UserId;
  x25519PublicKey: string | null;
  ed25519PublicKey: string | null;
  keysChangedAt: string | null;
}

export const RegisterBody = z.object({
  username: Username,
  displayName: DisplayName.optional(),
  authKey: Key32,
  kdf: KdfParams,
  timeZone: TimeZone.optional(),
  /** Required: a new account has its keys from the start (DESIGN section 7). */
  keys: UserKeys,
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({
  username: lineText().trim().min(1).max(64),
  authKey: Key32,
});
export type LoginBody = z.infer<typeof LoginBody>;

export const ChangePasswordBody = z.object({
  currentAuthKey: Key32,
  newAuthKey: Key32,
  newKdf: KdfParams,
  /**
   * The same private keys re-sealed under the new password's key: required when the account has
   * keys (without it they could not be opened after the change), refused when it has none.
   */
  encryptedPrivateKeys: EncryptedPrivateKeys.optional(),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const DeleteAccountBody = z.object({ authKey: Key32 });

export const UpdateProfileBody = z
  .object({ displayName: DisplayName, timeZone: TimeZone })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

/** What anyone signed in may see of a user. */
export interface PublicUser {
  id: UserId;
  username: string;
  displayName: string;
  timeZone: string;
  online: boolean;
  lastSeenAt: string | null;
  deleted: boolean;
  x25519PublicKey: string | null;
  ed25519PublicKey: string | null;
  /**
   * The user's picture (public profile data, not encrypted): a versioned same-origin URL
   * (`/api/users/:id/avatar?v=<version>`), null when they have none or the account is deleted.
   */
  avatarUrl: string | null;
}

/** The largest avatar the server stores (bytes): the client re-encodes to 256x256 well under it. */
export const MAX_AVATAR_BYTES = 100 * 1024;

/**
 * `PUT /api/users/me/avatar`: the picture's bytes in base64 (standard or url alphabet, padding
 * optional), JSON like every other state change (the CSRF rule, http/origin-check.ts). The server
 * reads the type from the bytes (PNG, WebP or JPEG), never from a name or a declared type.
 */
export const SetAvatarBody = z.object({
  image: lineText()
    .min(1, 'image is empty')
    .max(Math.ceil(MAX_AVATAR_BYTES / 3) * 4, `image must be at most ${MAX_AVATAR_BYTES / 1024} KB`)
    .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'image must be base64'),
});
export type SetAvatarBody = z.infer<typeof SetAvatarBody>;

/** What the signed-in user sees of themself. */
export interface SelfUser extends PublicUser {
  createdAt: string;
  encryptedPrivateKeys: string | null;
  /** Failed scheduled messages the user has not dismissed or looked at yet. */
  unseenFailedScheduled: number;
}

export const UserSearchQuery = z.object({
  search: lineText().trim().min(1).max(64),
  limit: queryInt(1, 50).default(20),
});
