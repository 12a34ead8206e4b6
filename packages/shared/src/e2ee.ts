import { z } from 'zod';
import { Base64Url, Key32 } from './auth.js';
import { MAX_CONTENT_LENGTH, MAX_GROUP_MEMBERS, MAX_TEXT_LENGTH } from './limits.js';
import { INT4_MAX, boundedInt, lineText, multilineText } from './text.js';

/**
 * The end-to-end encrypted message envelope as it travels and is stored (`content` of a message or
 * scheduled message), DESIGN section 7 and docs/e2ee-format.md. The server never decrypts it: it
 * checks the shape and sizes here, that the sender and conversation are the ones of the request,
 * and that `header.recipients` are exactly the conversation's current members; at delivery it may
 * drop wrapped keys with `withoutRecipients`. @herald/crypto seals and opens it with this same
 * schema, so there is one definition of the format.
 */
export const E2EE_FORMAT_VERSION = 1;
/** The sender counts: a full group of 256 members is 256 recipients. */
export const MAX_ENVELOPE_RECIPIENTS = MAX_GROUP_MEMBERS;
/** XChaCha20-Poly1305 of a 32-byte content key with its 24-byte nonce: 72 bytes, 96 characters. */
export const WRAPPED_KEY_LENGTH = 96;
/** An Ed25519 signature: 64 bytes, 86 characters. */
export const SIGNATURE_LENGTH = 86;
/** Largest plaintext chunk of an encrypted file that a reader accepts (a reader buffers one). */
export const MAX_FILE_CHUNK_SIZE = 4 * 1024 * 1024;

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Ids inside an envelope are lower-case UUIDs (as PostgreSQL prints them): one spelling per id, so
 * that sorting, hashing and comparing with member ids never disagree.
 */
export function isCanonicalUuid(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_UUID.test(value);
}

export const CanonicalUuid = lineText().regex(CANONICAL_UUID, 'must be a lower-case UUID');

export const MessageKind = z.enum(['text', 'image', 'video']);
export type MessageKind = z.infer<typeof MessageKind>;

/** Bound as associated data to the body and to every wrapped key, and signed. */
export const EnvelopeHeader = z
  .strictObject({
    v: z.literal(E2EE_FORMAT_VERSION),
    conversationId: CanonicalUuid,
    senderId: CanonicalUuid,
    /** Random, chosen by the sealer (a UUID v4): makes every header, and so every wrap, unique. */
    messageId: CanonicalUuid,
    kind: MessageKind,
    /** Sorted (code-unit order), no duplicates, the sender included. */
    recipients: z.array(CanonicalUuid).min(1).max(MAX_ENVELOPE_RECIPIENTS),
  })
  .refine((h) => h.recipients.every((id, i) => i === 0 || h.recipients[i - 1]! < id), {
    message: 'recipients must be sorted and unique',
    path: ['recipients'],
  })
  .refine((h) => h.recipients.includes(h.senderId), {
    message: 'the sender must be one of the recipients',
    path: ['recipients'],
  });
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;

/**
 * zod's record drops a "__proto__" key without a word, so an envelope carrying one would pass as
 * valid (and be stored with it). It is refused like any other key that is not a user id.
 */
const WrappedKeys = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')
      ? '"__proto__" is not a user id'
      : value,
  z.record(CanonicalUuid, Base64Url.length(WRAPPED_KEY_LENGTH)),
);

export const MessageEnvelope = z
  .strictObject({
    header: EnvelopeHeader,
    /** XChaCha20-Poly1305 ciphertext and tag of the plaintext JSON (at least the 16-byte tag). */
    body: Base64Url.min(22).max(MAX_CONTENT_LENGTH),
    /** Recipient user id -> wrapped content key. A subset of the recipients once some are stripped. */
    keys: WrappedKeys,
    /** Ed25519 by the sender over the header and the body (not over `keys`). */
    sig: Base64Url.length(SIGNATURE_LENGTH),
  })
  .refine(
    (e) => {
      const recipients = new Set(e.header.recipients);
      return Object.keys(e.keys).every((id) => recipients.has(id));
    },
    { message: 'every wrapped key must belong to a recipient', path: ['keys'] },
  );
export type MessageEnvelope = z.infer<typeof MessageEnvelope>;

/** JSON text -> a valid envelope, or null (not JSON, or not an envelope: e.g. legacy plaintext). */
export function parseMessageEnvelope(json: string): MessageEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = MessageEnvelope.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The user ids the envelope is addressed to (sorted, the sender included): check these against members. */
export function envelopeRecipients(parsed: MessageEnvelope): string[] {
  return [...parsed.header.recipients];
}

/** The user ids that still have a wrapped key (all recipients when sent; fewer after stripping). */
export function envelopeKeyHolders(parsed: MessageEnvelope): string[] {
  return Object.keys(parsed.keys);
}

/**
 * The envelope with the wrapped keys of users not in `keep` removed, as JSON to store: what the
 * server does at delivery for members gone since scheduling. The header (and so the signature) is
 * untouched: kept readers still open it; removed ones get `not_a_recipient`. Throws on anything
 * that is not a valid envelope.
 */
export function withoutRecipients(envelopeJson: string, keep: ReadonlySet<string>): string {
  const parsed = parseMessageEnvelope(envelopeJson);
  if (!parsed) throw new Error('not a valid message envelope');
  const keys: Record<string, string> = {};
  for (const [userId, wrapped] of Object.entries(parsed.keys)) if (keep.has(userId)) keys[userId] = wrapped;
  return JSON.stringify({ ...parsed, keys });
}

// ---- inside the body (never seen by the server) ------------------------------------------------

/** An encrypted file referenced by a message: what a reader needs to fetch, open and check it. */
export const EncryptedMedia = z.looseObject({
  /** The file's own random key (32 bytes). */
  key: Key32,
  /** SHA-256 of the plaintext file (32 bytes), checked after the last chunk. */
  sha256: Key32,
  /** The real type; readers check it against the allow-list before making a blob URL. */
  mimeType: lineText().min(1).max(255),
  /** Plaintext size in bytes. */
  size: boundedInt(0, INT4_MAX),
  /** Plaintext bytes per chunk (also in the file's header; both must agree). */
  chunkSize: boundedInt(1, MAX_FILE_CHUNK_SIZE),
});
export type EncryptedMedia = z.infer<typeof EncryptedMedia>;

/** Most files sent together as one album (Telegram's model: N messages sharing an album id). */
export const MAX_ALBUM_ITEMS = 10;

/**
 * One message's place in an album: the messages of one send share `id` (random, chosen by the
 * sender), each with its `index` (0-based) and the album's `count`. Inside the sealed body only:
 * the server sees N ordinary media messages.
 */
export const AlbumRef = z
  .strictObject({
    id: CanonicalUuid,
    index: boundedInt(0, MAX_ALBUM_ITEMS - 1),
    count: boundedInt(2, MAX_ALBUM_ITEMS),
  })
  .refine((a) => a.index < a.count, { message: 'index must be below count', path: ['index'] });
export type AlbumRef = z.infer<typeof AlbumRef>;

/**
 * The decrypted body. It repeats the conversation and sender ids of the header, and readers reject
 * a mismatch. Unknown fields are kept (later versions of the client may add some).
 */
export const MessagePlaintext = z.looseObject({
  conversationId: CanonicalUuid,
  senderId: CanonicalUuid,
  text: multilineText().max(MAX_TEXT_LENGTH),
  media: EncryptedMedia.optional(),
  /** Sent as part of an album (several files in one send); only with `media`. */
  album: AlbumRef.optional(),
});
export type MessagePlaintext = z.infer<typeof MessagePlaintext>;
