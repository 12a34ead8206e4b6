import { sha256 } from '@noble/hashes/sha2.js';
import {
  E2EE_FORMAT_VERSION,
  MAX_CONTENT_LENGTH,
  MAX_ENVELOPE_RECIPIENTS,
  MessageEnvelope,
  MessageKind,
  MessagePlaintext,
  isCanonicalUuid,
  type EncryptedMedia,
  type EnvelopeHeader,
} from '@herald/shared';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES, open, seal } from './aead.js';
import { concatBytes, decodeCanonical, decodeExact, fromUtf8, label, utf8, wipe } from './bytes.js';
import { toBase64Url } from './encoding.js';
import { CryptoError } from './errors.js';
import { decodePublicKey, type PublicKeys } from './keys.js';
import type { KeyRing } from './key-ring.js';
import { drawRandom, randomUuid, systemRandom, type RandomSource } from './random.js';

/**
 * The message envelope (format version 1, docs/e2ee-format.md):
 *
 *   { "header": { "v": 1, conversationId, senderId, messageId, kind, recipients },
 *     "body":   base64url( XChaCha20-Poly1305(contentKey, nonce = 24 zero bytes,
 *                                             UTF-8 plaintext JSON, ad = headerBytes) ),
 *     "keys":   { recipientId: base64url( nonce (24) | XChaCha20-Poly1305(wrappingKey(sender,
 *                 recipient), nonce, contentKey, ad = "herald/v1/wrapped-key" 0x00 | H | recipientId) ) },
 *     "sig":    base64url( Ed25519(sender, "herald/v1/message-signature" 0x00 | H | SHA-256(body) |
 *                 SHA-256("herald/v1/content-key-commitment" 0x00 | contentKey)) ) }
 *
 * where headerBytes = UTF-8 of JSON ["herald/v1/message-header", v, conversationId, senderId,
 * messageId, kind, recipients] (a fixed order, rebuilt from the parsed fields: the wire spelling of
 * the header object does not matter) and H = SHA-256(headerBytes).
 *
 * Choices:
 * - The content key is fresh for every message and encrypts exactly one plaintext, so the body's
 *   nonce can be fixed (zero) and costs no bytes; wrapping keys are long-lived, so every wrap has
 *   its own random 24-byte nonce.
 * - The signature leaves `keys` out, so that the server can strip the wrapped key of a member gone
 *   before a scheduled message's delivery without breaking it. Each wrap is still bound to the
 *   header (H) and to its recipient, and wrapping keys are known only to the two users concerned.
 * - The signature commits to the content key: without this a malicious sender could wrap two
 *   different keys under which the one signed body opens to two different texts (AEADs like this
 *   one are not key-committing) and show different members different messages. A reader therefore
 *   verifies the signature after unwrapping its key (the commitment costs no bytes on the wire).
 */

export type { MessagePlaintext } from '@herald/shared';

/** What a sender writes: the plaintext without the ids, which `sealMessage` fills in. */
export interface MessageContent {
  text: string;
  media?: EncryptedMedia;
  /** Room for later fields (they travel encrypted and come back from `openMessage`). */
  [field: string]: unknown;
}

export interface MessageAddress {
  conversationId: string;
  kind: MessageKind;
  /**
   * Every current member and their X25519 public key. The sender may be listed or not: they are
   * always included, with the ring's own key. A member without keys yet (an account from before
   * encryption that has not logged in since) has `null`: they are addressed (listed in the
   * header, as the server wants every member) but get no wrapped key, so cannot read it.
   */
  recipients: readonly { userId: string; x25519PublicKey: string | null }[];
}

export interface SealOptions {
  /** Tests only (pinned vectors): the source of the message id, content key and nonces. */
  random?: RandomSource;
}

const HEADER_LABEL = 'herald/v1/message-header';
const WRAP_AD_LABEL = label('herald/v1/wrapped-key');
const SIGNATURE_LABEL = label('herald/v1/message-signature');
const COMMITMENT_LABEL = label('herald/v1/content-key-commitment');
const BODY_NONCE = new Uint8Array(NONCE_BYTES);
const WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

function headerBytes(h: EnvelopeHeader): Uint8Array {
  return utf8(JSON.stringify([HEADER_LABEL, h.v, h.conversationId, h.senderId, h.messageId, h.kind, h.recipients]));
}

function wrapAd(headerHash: Uint8Array, recipientId: string): Uint8Array {
  return concatBytes(WRAP_AD_LABEL, headerHash, utf8(recipientId));
}

function signedBytes(headerHash: Uint8Array, body: Uint8Array, contentKey: Uint8Array): Uint8Array {
  const commitment = sha256(concatBytes(COMMITMENT_LABEL, contentKey));
  return concatBytes(SIGNATURE_LABEL, headerHash, sha256(body), commitment);
}

function checkKindAndMedia(kind: MessageKind, media: unknown, code: 'invalid_argument' | 'malformed'): void {
  if ((kind === 'text') !== (media === undefined)) {
    throw new CryptoError(code, kind === 'text' ? 'a text message carries no media' : `an ${kind} message needs media`);
  }
}

/**
 * Seals `content` from the ring's user to everyone in `address.recipients` (and the sender).
 * Returns the envelope JSON to send as the message `content`. Costs one X25519 agreement per
 * recipient not yet in the ring's cache, then symmetric operations and one signature.
 */
export async function sealMessage(
  ring: KeyRing,
  address: MessageAddress,
  content: MessageContent,
  options?: SealOptions,
): Promise<string> {
  ring.assertUsable();
  const random = options?.random ?? systemRandom;
  const senderId = ring.userId;
  if (!isCanonicalUuid(address.conversationId)) {
    throw new CryptoError('invalid_argument', 'the conversation id must be a lower-case UUID');
  }
  if (!MessageKind.safeParse(address.kind).success) throw new CryptoError('invalid_argument', 'unknown message kind');

  const publicKeys = new Map<string, string | null>();
  for (const peer of address.recipients) {
    if (!isCanonicalUuid(peer.userId)) throw new CryptoError('invalid_argument', 'user ids must be lower-case UUIDs');
    if (publicKeys.has(peer.userId)) {
      throw new CryptoError('invalid_argument', `recipient ${peer.userId} is listed twice`, { userId: peer.userId });
    }
    publicKeys.set(peer.userId, peer.x25519PublicKey);
  }
  publicKeys.set(senderId, ring.publicKeys.x25519PublicKey);
  if (publicKeys.size > MAX_ENVELOPE_RECIPIENTS) {
    throw new CryptoError('invalid_argument', `at most ${MAX_ENVELOPE_RECIPIENTS} recipients (the sender included)`);
  }
  const recipients = [...publicKeys.keys()].sort();

  for (const field of ['conversationId', 'senderId'] as const) {
    const given = content[field];
    const expected = field === 'conversationId' ? address.conversationId : senderId;
    if (given !== undefined && given !== expected) {
      throw new CryptoError('invalid_argument', `content.${field} differs from the envelope's`);
    }
  }
  const checked = MessagePlaintext.safeParse({ ...content, conversationId: address.conversationId, senderId });
  if (!checked.success) {
    throw new CryptoError('invalid_argument', `the message content is not valid: ${checked.error.issues[0]?.message}`);
  }
  checkKindAndMedia(address.kind, content.media, 'invalid_argument');
  // Ids first, then the content as given: a stable, readable order.
  const { text, media, conversationId: _c, senderId: _s, ...rest } = content;
  const plaintext = { conversationId: address.conversationId, senderId, text, ...(media ? { media } : {}), ...rest };

  // Every random draw happens here, in a fixed order (message id, content key, then one nonce per
  // recipient in sorted order), so that a seeded source gives a pinned envelope.
  const messageId = randomUuid(random);
  const contentKey = drawRandom(random, KEY_BYTES).slice();
  // One draw for all wrap nonces (the same bytes as one draw per recipient, in order).
  const nonceBytes = drawRandom(random, NONCE_BYTES * recipients.length);

  const header: EnvelopeHeader = {
    v: E2EE_FORMAT_VERSION,
    conversationId: address.conversationId,
    senderId,
    messageId,
    kind: address.kind,
    recipients,
  };
  const hBytes = headerBytes(header);
  const headerHash = sha256(hBytes);
  const body = seal(contentKey, BODY_NONCE, utf8(JSON.stringify(plaintext)), hBytes);

  try {
    const wrappingKeys = await Promise.all(
      recipients.map((userId) => {
        const x25519PublicKey = publicKeys.get(userId);
        return x25519PublicKey ? ring.wrappingKey({ userId, x25519PublicKey }) : Promise.resolve(null);
      }),
    );
    ring.assertUsable();
    const keys: Record<string, string> = {};
    recipients.forEach((userId, i) => {
      const wrappingKey = wrappingKeys[i];
      if (!wrappingKey) return;
      // A keyless recipient's nonce is drawn but unused, so that the draw order never changes.
      const nonce = nonceBytes.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
      keys[userId] = toBase64Url(concatBytes(nonce, seal(wrappingKey, nonce, contentKey, wrapAd(headerHash, userId))));
    });
    const sig = await ring.sign(signedBytes(headerHash, body, contentKey));
    const envelope = JSON.stringify({ header, body: toBase64Url(body), keys, sig: toBase64Url(sig) });
    if (envelope.length > MAX_CONTENT_LENGTH) {
      throw new CryptoError(
        'too_large',
        `the sealed message is ${envelope.length} characters; the limit is ${MAX_CONTENT_LENGTH}`,
      );
    }
    return envelope;
  } finally {
    wipe(contentKey);
  }
}

/**
 * The header of an envelope, read WITHOUT any verification: for routing and bookkeeping only (for
 * example, which members a pending scheduled message was sealed for). `malformed` or
 * `unsupported_version` if it is not a readable envelope.
 */
export function readEnvelopeHeader(envelope: string): EnvelopeHeader {
  return parseEnvelope(envelope).header;
}

function parseEnvelope(envelope: string): MessageEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(envelope);
  } catch (cause) {
    throw new CryptoError('malformed', 'the message is not an encrypted envelope (not JSON)', { cause });
  }
  const version = (value as { header?: { v?: unknown } } | null)?.header?.v;
  if (typeof version === 'number' && version !== E2EE_FORMAT_VERSION) {
    throw new CryptoError('unsupported_version', `envelope version ${version} is not supported`);
  }
  const parsed = MessageEnvelope.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CryptoError('malformed', `not a valid envelope: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Opens an envelope found in conversation `expected.conversationId`, said by the server to come
 * from `expected.senderId`, whose public keys are `senderPublicKeys`. Checks, in order: the shape
 * and version; that the header names the expected conversation and sender; that there is a wrapped
 * key for the ring's user; the wrap (AEAD); the signature; the body (AEAD); the plaintext's shape
 * and its repeated ids. Every failure is a `CryptoError` (see errors.ts for the codes).
 */
export async function openMessage(
  ring: KeyRing,
  envelope: string,
  expected: { conversationId: string; senderId: string },
  senderPublicKeys: PublicKeys,
): Promise<MessagePlaintext> {
  ring.assertUsable();
  const parsed = parseEnvelope(envelope);
  const { header } = parsed;
  if (header.conversationId !== expected.conversationId) {
    throw new CryptoError('wrong_conversation', 'this message was sealed for another conversation');
  }
  if (header.senderId !== expected.senderId) {
    throw new CryptoError('wrong_sender', 'this message was sealed by someone other than its sender');
  }
  const wrappedText = Object.hasOwn(parsed.keys, ring.userId) ? parsed.keys[ring.userId] : undefined;
  if (wrappedText === undefined) {
    throw new CryptoError(
      'not_a_recipient',
      header.recipients.includes(ring.userId)
        ? 'there is no key for you in this message (removed, or sealed before you had keys)'
        : 'this message was sealed before you could read it (not addressed to you)',
    );
  }
  const wrapped = decodeExact(wrappedText, WRAPPED_BYTES, 'the wrapped key');
  const signature = decodeExact(parsed.sig, 64, 'the signature');
  const body = decodeCanonical(parsed.body, TAG_BYTES, 'the body');
  const signingKey = decodePublicKey(senderPublicKeys.ed25519PublicKey, header.senderId);

  const hBytes = headerBytes(header);
  const headerHash = sha256(hBytes);
  const wrappingKey = await ring.wrappingKey({
    userId: header.senderId,
    x25519PublicKey: senderPublicKeys.x25519PublicKey,
  });
  ring.assertUsable();
  const contentKey = open(
    wrappingKey,
    wrapped.subarray(0, NONCE_BYTES),
    wrapped.subarray(NONCE_BYTES),
    wrapAd(headerHash, ring.userId),
    'tampered',
    'the wrapped key',
  );
  try {
    if (!(await ring.verify(signingKey, signedBytes(headerHash, body, contentKey), signature))) {
      throw new CryptoError('bad_signature', "the signature does not match the sender's key");
    }
    const plaintextBytes = open(contentKey, BODY_NONCE, body, hBytes, 'tampered', 'the message body');
    let value: unknown;
    try {
      value = JSON.parse(fromUtf8(plaintextBytes));
    } catch (cause) {
      throw cause instanceof CryptoError ? cause : new CryptoError('malformed', 'the plaintext is not JSON', { cause });
    }
    const plaintext = MessagePlaintext.safeParse(value);
    if (!plaintext.success) throw new CryptoError('malformed', 'the plaintext is not a valid message');
    if (plaintext.data.conversationId !== header.conversationId) {
      throw new CryptoError('wrong_conversation', 'the plaintext names another conversation than its header');
    }
    if (plaintext.data.senderId !== header.senderId) {
      throw new CryptoError('wrong_sender', 'the plaintext names another sender than its header');
    }
    checkKindAndMedia(header.kind, plaintext.data.media, 'malformed');
    return plaintext.data;
  } finally {
    wipe(contentKey);
  }
}
