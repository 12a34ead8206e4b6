import {
  KeyRing,
  generateUserKeys,
  openMessage,
  publicKeysOf,
  sealFileBytes,
  sealKeyBundle,
  sealMessage,
  type FileSecrets,
  type PublicKeys,
  type SealFileOptions,
  type UserKeys as SecretKeys,
} from '@herald/crypto';
import type {
  ConversationKeys,
  EncryptedMedia,
  MessageKind,
  MessagePlaintext,
  PublicKeysView,
  UserKeys,
} from '@herald/shared';
import { parseMessageEnvelope } from '@herald/shared';

/**
 * End-to-end encryption for the server tests, on the real @herald/crypto (DESIGN section 7,
 * docs/e2ee-format.md): a test user has real keys, registers them as the web client does, seals
 * what it sends for the conversation's current members and opens what it receives. The server
 * never decrypts, so a test that wants to see "hello" arrive opens the delivered envelope as the
 * reader would: that proves the server carried the sender's sealed content untouched to them.
 */

/** What a test user (or HttpUser) keeps of its own keys. */
export interface KeyHolder {
  id: string;
  keys: SecretKeys;
}

/** Someone a message is sealed for: a member id and their X25519 key (null: no keys yet). */
export interface Recipient {
  userId: string;
  x25519PublicKey: string | null;
}

/** Anything that can GET a JSON envelope from the API as a signed-in user. */
export interface KeyFetcher {
  get<T>(url: string): Promise<{ status: number; body: { data: T } }>;
}

/** A fresh X25519 + Ed25519 key pair set, generated the way a client does at registration. */
export function newUserKeys(): SecretKeys {
  return generateUserKeys();
}

/**
 * The registration payload (`RegisterBody.keys`). The bundle is sealed under the real
 * `encryptionKey` of the same `deriveKeys(password, kdf)` that yields the auth key, so that a test
 * may open it again after login exactly as the web client does (`openKeyBundle`).
 */
export function registrationKeys(keys: SecretKeys, encryptionKey: Uint8Array): UserKeys {
  return { ...publicKeysOf(keys), encryptedPrivateKeys: sealKeyBundle(keys, encryptionKey) };
}

/**
 * Every test user's public keys by id, recorded at registration: what the key directory
 * (GET /api/users/:id/keys) would answer, available without a request when a test opens a message.
 */
const directory = new Map<string, PublicKeys>();
const rings = new Map<string, KeyRing>();

/** Records a registered user's public keys (registerUser and HttpUser.register call this). */
export function rememberKeys(user: KeyHolder): void {
  directory.set(user.id, publicKeysOf(user.keys));
}

/** The user's key ring, one per user for the whole test file (it caches pairwise keys). */
export function keyRingOf(user: KeyHolder): KeyRing {
  let ring = rings.get(user.id);
  if (!ring) {
    ring = new KeyRing({ userId: user.id, keys: user.keys });
    rings.set(user.id, ring);
    rememberKeys(user);
  }
  return ring;
}

/**
 * The conversation's current members and their X25519 keys, as the server tells `client`
 * (GET /api/conversations/:id/keys). Throws when it does not answer them (not a member).
 */
export async function conversationRecipients(client: KeyFetcher, conversationId: string): Promise<Recipient[]> {
  const keys = await client.get<ConversationKeys>(`/api/conversations/${conversationId}/keys`);
  if (keys.status !== 200) throw new Error(`conversation ${conversationId}: keys answered ${keys.status}`);
  return keys.body.data.members.map((m) => ({ userId: m.userId, x25519PublicKey: m.x25519PublicKey }));
}

/** Whether `content` is already a sealed envelope (helpers then send it as it is). */
export function isSealed(content: string): boolean {
  return parseMessageEnvelope(content) !== null;
}

/** Recipients by user id, from the keys test users registered (null for an unknown one). */
export function recipientsByIds(ids: readonly string[]): Recipient[] {
  return ids.map((userId) => ({ userId, x25519PublicKey: directory.get(userId)?.x25519PublicKey ?? null }));
}

/** Recipients from test users we hold (for a conversation the sender cannot read the members of). */
export function recipientsOf(users: readonly KeyHolder[]): Recipient[] {
  return users.map((u) => ({ userId: u.id, x25519PublicKey: publicKeysOf(u.keys).x25519PublicKey }));
}

export interface SealOptions {
  kind?: MessageKind;
  media?: EncryptedMedia;
  /** Exactly whom to seal for; by default the conversation's current members, asked of the server. */
  recipients?: readonly Recipient[];
  /** Needed to ask the server for the members when `recipients` is not given. */
  client?: KeyFetcher;
}

/**
 * The `content` to send: `text` (and `media`) sealed by `sender` for the recipients (the sender is
 * always included, as sealMessage does). `kind` defaults to image when media is given, else text.
 */
export async function sealContent(
  sender: KeyHolder,
  conversationId: string,
  text: string,
  options: SealOptions = {},
): Promise<string> {
  let recipients = options.recipients;
  if (!recipients) {
    if (!options.client) throw new Error('sealContent: give recipients or a client to fetch them with');
    recipients = await conversationRecipients(options.client, conversationId);
  }
  const kind = options.kind ?? (options.media ? 'image' : 'text');
  return sealMessage(
    keyRingOf(sender),
    { conversationId, kind, recipients },
    { text, ...(options.media ? { media: options.media } : {}) },
  );
}

/** The public keys of a message's sender: from the local directory, else the server's. */
async function senderKeys(reader: KeyFetcher | undefined, senderId: string): Promise<PublicKeys> {
  const known = directory.get(senderId);
  if (known) return known;
  if (!reader) throw new Error(`no public keys known for ${senderId}`);
  const res = await reader.get<PublicKeysView>(`/api/users/${senderId}/keys`);
  const { x25519PublicKey, ed25519PublicKey } = res.body.data ?? {};
  if (res.status !== 200 || !x25519PublicKey || !ed25519PublicKey) {
    throw new Error(`keys of ${senderId}: ${res.status}`);
  }
  return { x25519PublicKey, ed25519PublicKey };
}

/** A message (live or scheduled) as far as opening it goes. */
export interface SealedMessage {
  conversationId: string;
  senderId: string;
  content: string;
}

/**
 * Opens `message` as `reader` would: checks the sender's signature, unwraps the reader's key and
 * decrypts. Throws a CryptoError when the reader cannot (e.g. `not_a_recipient`).
 */
export async function openContent(
  reader: KeyHolder & { client?: KeyFetcher },
  message: SealedMessage,
): Promise<MessagePlaintext> {
  return openMessage(
    keyRingOf(reader),
    message.content,
    { conversationId: message.conversationId, senderId: message.senderId },
    await senderKeys(reader.client, message.senderId),
  );
}

/** The text of `message` as `reader` reads it. */
export async function openText(reader: KeyHolder & { client?: KeyFetcher }, message: SealedMessage): Promise<string> {
  return (await openContent(reader, message)).text;
}

/** The texts of `messages` as `reader` reads them, in the same order. */
export function openTexts(
  reader: KeyHolder & { client?: KeyFetcher },
  messages: readonly SealedMessage[],
): Promise<string[]> {
  return Promise.all(messages.map((m) => openText(reader, m)));
}

/** A file sealed for upload: the bytes to POST and what the message must carry to open them. */
export interface SealedUpload {
  /** The encrypted file ("HRLF" header, then the chunks): upload as application/octet-stream. */
  ciphertext: Buffer;
  file: FileSecrets;
  /** `media` of the sealed message plaintext. */
  media: EncryptedMedia;
}

/** Seals file bytes as a client does before upload (sealFileBytes of @herald/crypto). */
export async function sealUpload(
  data: Uint8Array = Buffer.from(`plain file ${Math.random()}`),
  mimeType = 'image/png',
  options?: SealFileOptions,
): Promise<SealedUpload> {
  const { ciphertext, file } = await sealFileBytes(data, options);
  return {
    ciphertext: Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength),
    file,
    media: { key: file.key, sha256: file.sha256, mimeType, size: file.size, chunkSize: file.chunkSize },
  };
}
