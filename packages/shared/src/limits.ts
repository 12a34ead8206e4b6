/**
 * Limits and fixed choices that clients show before the server refuses (the username rule, the
 * temporary-mode lifetimes, message and group sizes). Plain values, no schemas: the web's first
 * paint imports these, and a module that also builds zod schemas would pull zod (and, once
 * @herald/crypto uses those schemas, all of them) into the entry chunk. The schemas in auth.ts,
 * chat.ts and e2ee.ts are built from these.
 */

export const USERNAME_RULES = {
  min: 3,
  max: 32,
  pattern: /^[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$/i,
  hint: '3 to 32 characters: letters, digits, and . _ - inside',
} as const;

/** Temporary mode (disappearing messages): the allowed lifetimes, in seconds; null = off. */
export const TEMPORARY_TTLS = [null, 3_600, 86_400, 604_800, 7_776_000] as const;
export type TemporaryTtl = (typeof TEMPORARY_TTLS)[number];

export const MAX_GROUP_MEMBERS = 256;
/**
 * Message content is opaque to the server (an end-to-end encrypted envelope, shared/e2ee.ts); this
 * bounds its JSON size. A 256-member group's envelope carries 256 wrapped keys (~46,000
 * characters) besides the body, which is the sealed text plus its base64url growth (4/3).
 */
export const MAX_CONTENT_LENGTH = 192 * 1024;
/** What a person may type in one message (UTF-16 code units), checked by clients before sealing. */
export const MAX_TEXT_LENGTH = 16_000;
export const MAX_PAGE_SIZE = 100;
/** The sender may edit a message's text or caption for this long after it was sent (48 h). */
export const EDIT_WINDOW_SECONDS = 48 * 3_600;
/** The sender may delete a message for everyone for this long after it was sent (48 h). */
export const DELETE_FOR_EVERYONE_WINDOW_SECONDS = 48 * 3_600;

/**
 * The defaults of what an operator may configure (the server's environment), as `GET /api/config`
 * reports them: the server's configuration defaults to these, and clients show them until the
 * server has answered.
 */
export const DEFAULT_SCHEDULING_LIMITS = {
  /** The server refuses times sooner than this. */
  minLeadSeconds: 10,
  /** The web picker offers nothing sooner than this. */
  pickerMinLeadSeconds: 60,
  maxHorizonDays: 367,
  maxPendingPerConversation: 100,
  maxPendingPerUser: 500,
  /** Delivery attempts after a transient failure. */
  maxRetries: 3,
} as const;
export const DEFAULT_MEDIA_LIMITS = { maxImageMb: 16, maxVideoMb: 100 } as const;
