import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MAX_FILE_CHUNK_SIZE } from '@herald/shared';
import { KEY_BYTES, TAG_BYTES } from './aead.js';
import { concatBytes, decodeExact, equalBytes, utf8 } from './bytes.js';
import { toBase64Url } from './encoding.js';
import { CryptoError } from './errors.js';
import { drawRandom, systemRandom, type RandomSource } from './random.js';

/**
 * Files (images, videos) are encrypted on the client under their own random 32-byte key before
 * upload, as a stream of independently authenticated chunks, so that a 100 MB video is never
 * whole in memory on either side. The construction is STREAM (Hoang, Reyhanitabar, Rogaway,
 * Vizár 2015) over XChaCha20-Poly1305:
 *
 *   file    = header (28 bytes) | chunk 0 | chunk 1 | ... | chunk n-1
 *   header  = "HRLF" | version 0x01 | chunkSize (uint32, big-endian) | noncePrefix (19 random bytes)
 *   chunk i = XChaCha20-Poly1305(fileKey, nonce_i, plaintext_i, ad = header)
 *   nonce_i = noncePrefix (19) | i (uint32, big-endian) | 0x01 for the last chunk, else 0x00
 *
 * Every chunk but the last holds exactly chunkSize plaintext bytes; the last holds 0..chunkSize
 * (an empty file is one empty last chunk). The index in the nonce makes a reordered, dropped or
 * duplicated chunk fail; the last-chunk flag makes a file cut at a chunk boundary fail (the chunk
 * now at the end was not sealed as last) and so does anything appended after the real last chunk;
 * the per-file key (and prefix) makes a chunk moved from another file fail; the header as
 * associated data makes a changed chunk size or version fail.
 *
 * The SHA-256 of the plaintext is computed while sealing and travels, with the key, the size and
 * the real MIME type, inside the encrypted message; the opener checks it at the end. That also
 * commits the message to one file content (the AEAD alone is not key-committing).
 */

export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const FILE_HEADER_BYTES = 28;
const MAGIC = utf8('HRLF');
const FILE_VERSION = 1;
const PREFIX_BYTES = 19;

/** Anything that yields the bytes of a file, piece by piece (pieces of any size). */
export type ByteSource =
  Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** What a message needs to carry about an encrypted file (add the MIME type for `EncryptedMedia`). */
export interface FileSecrets {
  /** The file key, base64url (32 bytes). */
  key: string;
  /** SHA-256 of the plaintext, base64url (32 bytes). */
  sha256: string;
  /** Plaintext size in bytes. */
  size: number;
  chunkSize: number;
}

export interface SealedFile {
  /** The file key (32 bytes), available at once (also in `done`, as base64url). */
  key: Uint8Array;
  chunkSize: number;
  /**
   * The encrypted file: the header, then one piece per chunk. Single use. Reading it pulls from
   * the source one chunk at a time.
   */
  chunks: AsyncIterable<Uint8Array>;
  /** Resolves once `chunks` has been read to the end; rejects if it fails or is abandoned. */
  done: Promise<FileSecrets>;
}

export interface SealFileOptions {
  /** Plaintext bytes per chunk (1 .. 4 MiB); 64 KiB by default. */
  chunkSize?: number;
  /** Tests only (pinned vectors): the source of the file key (drawn first) and nonce prefix. */
  random?: RandomSource;
}

/** What the opener compares at the end (all optional; pass the message's `EncryptedMedia`). */
export interface FileExpectations {
  /** SHA-256 of the plaintext (bytes or base64url). */
  sha256?: Uint8Array | string;
  size?: number;
  chunkSize?: number;
}

/** Size of the encrypted file for a plaintext of `size` bytes: header plus one tag per chunk. */
export function encryptedFileSize(size: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  const chunks = Math.max(1, Math.ceil(size / chunkSize));
  return FILE_HEADER_BYTES + size + chunks * TAG_BYTES;
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_FILE_CHUNK_SIZE) {
    throw new CryptoError('invalid_argument', `the chunk size must be 1 to ${MAX_FILE_CHUNK_SIZE} bytes`);
  }
}

function chunkNonce(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  if (index > 0xffffffff) throw new CryptoError('invalid_argument', 'too many chunks for one file');
  const nonce = new Uint8Array(24);
  nonce.set(prefix, 0);
  new DataView(nonce.buffer).setUint32(PREFIX_BYTES, index, false);
  nonce[23] = last ? 1 : 0;
  return nonce;
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array> {
  return typeof (source as { getReader?: unknown }).getReader === 'function';
}

/** The pieces of any `ByteSource`, checked to be bytes. */
async function* piecesOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  const input = typeof Blob !== 'undefined' && source instanceof Blob ? source.stream() : source;
  if (isReadableStream(input)) {
    // Read through a reader rather than `for await`: Safari's ReadableStream is not async-iterable.
    const reader = input.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield bytes(value);
      }
      finished = true;
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  } else {
    for await (const piece of input as AsyncIterable<Uint8Array> | Iterable<Uint8Array>) yield bytes(piece);
  }
}

function bytes(piece: unknown): Uint8Array {
  if (!(piece instanceof Uint8Array)) throw new CryptoError('invalid_argument', 'a file source must yield Uint8Arrays');
  return piece;
}

/**
 * Encrypts a file as it is read. Nothing is read until `chunks` is iterated; at most one chunk of
 * plaintext is buffered.
 */
export function sealFile(source: ByteSource, options?: SealFileOptions): SealedFile {
  const chunkSize = options?.chunkSize ?? DEFAULT_CHUNK_SIZE;
  checkChunkSize(chunkSize);
  const random = options?.random ?? systemRandom;
  const key = drawRandom(random, KEY_BYTES).slice();
  const prefix = drawRandom(random, PREFIX_BYTES).slice();
  const header = new Uint8Array(FILE_HEADER_BYTES);
  header.set(MAGIC, 0);
  header[4] = FILE_VERSION;
  new DataView(header.buffer).setUint32(5, chunkSize, false);
  header.set(prefix, 9);

  let settle!: { resolve: (secrets: FileSecrets) => void; reject: (error: unknown) => void };
  const done = new Promise<FileSecrets>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be listening yet when it rejects: that must not be an unhandled rejection.
  done.catch(() => undefined);

  const seal = (plaintext: Uint8Array, index: number, last: boolean) =>
    xchacha20poly1305(key, chunkNonce(prefix, index, last), header).encrypt(plaintext);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let settled = false;
    try {
      yield header.slice();
      const hash = sha256.create();
      const pending = new Uint8Array(chunkSize);
      let filled = 0;
      let index = 0;
      let size = 0;
      for await (const piece of piecesOf(source)) {
        hash.update(piece);
        size += piece.length;
        let offset = 0;
        while (offset < piece.length) {
          // A full chunk is sealed as "not last" only once a further byte exists.
          if (filled === chunkSize) {
            yield seal(pending, index++, false);
            filled = 0;
          }
          const n = Math.min(chunkSize - filled, piece.length - offset);
          pending.set(piece.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
        }
      }
      const last = seal(pending.subarray(0, filled), index, true);
      pending.fill(0);
      settled = true;
      settle.resolve({ key: toBase64Url(key), sha256: toBase64Url(hash.digest()), size, chunkSize });
      yield last;
    } catch (error) {
      settled = true;
      settle.reject(error);
      throw error;
    } finally {
      if (!settled) settle.reject(new CryptoError('truncated', 'the encrypted file was not read to the end'));
    }
  }

  return { key, chunkSize, chunks: chunks(), done };
}

/** A FIFO of byte pieces from which exact lengths can be taken. */
class ByteQueue {
  #pieces: Uint8Array[] = [];
  #head = 0;
  length = 0;

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.#pieces.push(piece);
    this.length += piece.length;
  }

  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.#pieces[0]!;
      const count = Math.min(n - filled, piece.length - this.#head);
      out.set(piece.subarray(this.#head, this.#head + count), filled);
      filled += count;
      this.#head += count;
      if (this.#head === piece.length) {
        this.#pieces.shift();
        this.#head = 0;
      }
    }
    this.length -= n;
    return out;
  }
}

/**
 * Decrypts a file as it is read, yielding plaintext chunk by chunk. Each chunk is authentic when
 * yielded, but only the end of the iteration proves the file complete (not truncated) and, with
 * `expect`, of the right hash and size: a consumer must discard everything it got if the
 * iteration throws (collect into a Blob and use it only afterwards, as `openBlob` does).
 */
export async function* openFile(
  source: ByteSource,
  key: Uint8Array | string,
  expect?: FileExpectations,
): AsyncGenerator<Uint8Array> {
  const fileKey = typeof key === 'string' ? decodeExact(key, KEY_BYTES, 'the file key') : key;
  if (fileKey.length !== KEY_BYTES) throw new CryptoError('invalid_argument', 'the file key must be 32 bytes');
  const expectedHash =
    typeof expect?.sha256 === 'string' ? decodeExact(expect.sha256, 32, 'the file hash') : expect?.sha256;

  const queue = new ByteQueue();
  const pieces = piecesOf(source)[Symbol.asyncIterator]();
  let ended = false;
  /** Pulls until more than `n` bytes are queued, or the source ends. */
  const fill = async (n: number) => {
    while (!ended && queue.length <= n) {
      const next = await pieces.next();
      if (next.done) ended = true;
      else queue.push(next.value);
    }
  };

  try {
    await fill(FILE_HEADER_BYTES - 1);
    if (queue.length < FILE_HEADER_BYTES)
      throw new CryptoError('truncated', 'the encrypted file ends inside its header');
    const header = queue.take(FILE_HEADER_BYTES);
    if (!equalBytes(header.subarray(0, 4), MAGIC)) throw new CryptoError('malformed', 'not a Herald encrypted file');
    if (header[4] !== FILE_VERSION) {
      throw new CryptoError('unsupported_version', `encrypted file version ${header[4]} is not supported`);
    }
    const chunkSize = new DataView(header.buffer).getUint32(5, false);
    if (chunkSize < 1 || chunkSize > MAX_FILE_CHUNK_SIZE) throw new CryptoError('malformed', 'bad chunk size');
    if (expect?.chunkSize !== undefined && expect.chunkSize !== chunkSize) {
      throw new CryptoError('tampered', 'the file does not have the chunk size its message states');
    }
    const prefix = header.subarray(9);
    const sealedChunk = chunkSize + TAG_BYTES;
    const decrypt = (ciphertext: Uint8Array, index: number, last: boolean) =>
      xchacha20poly1305(fileKey, chunkNonce(prefix, index, last), header).decrypt(ciphertext);

    const hash = sha256.create();
    let size = 0;
    const account = (plaintext: Uint8Array) => {
      size += plaintext.length;
      if (expect?.size !== undefined && size > expect.size) {
        throw new CryptoError('tampered', 'the file is larger than its message states');
      }
      hash.update(plaintext);
      return plaintext;
    };

    for (let index = 0; ; index++) {
      await fill(sealedChunk);
      if (queue.length > sealedChunk) {
        // More follows, so this chunk must have been sealed as not last.
        let plaintext: Uint8Array;
        try {
          plaintext = decrypt(queue.take(sealedChunk), index, false);
        } catch (cause) {
          throw new CryptoError('tampered', `chunk ${index} of the file did not authenticate`, { cause });
        }
        yield account(plaintext);
        continue;
      }
      const final = queue.take(queue.length);
      if (final.length < TAG_BYTES) throw new CryptoError('truncated', 'the encrypted file ends early');
      let plaintext: Uint8Array;
      try {
        plaintext = decrypt(final, index, true);
      } catch (cause) {
        // Authentic as a middle chunk: the real end was cut off.
        let middle = false;
        try {
          decrypt(final, index, false);
          middle = true;
        } catch {
          // altered
        }
        if (middle) throw new CryptoError('truncated', 'the encrypted file ends early', { cause });
        throw new CryptoError('tampered', `chunk ${index} of the file did not authenticate`, { cause });
      }
      yield account(plaintext);
      break;
    }
    if (expect?.size !== undefined && size !== expect.size) {
      throw new CryptoError('tampered', 'the file is smaller than its message states');
    }
    if (expectedHash && !equalBytes(hash.digest(), expectedHash)) {
      throw new CryptoError('tampered', 'the file does not have the hash its message states');
    }
  } finally {
    if (!ended) await pieces.return?.(undefined);
  }
}

// ---- whole files ---------------------------------------------------------------------------------

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts;
}

/** Seals a whole file held in memory. */
export async function sealFileBytes(
  data: Uint8Array,
  options?: SealFileOptions,
): Promise<{ ciphertext: Uint8Array; file: FileSecrets }> {
  const sealed = sealFile(data, options);
  const ciphertext = concatBytes(...(await collect(sealed.chunks)));
  return { ciphertext, file: await sealed.done };
}

/** Opens a whole encrypted file held in memory. */
export async function openFileBytes(
  ciphertext: Uint8Array,
  key: Uint8Array | string,
  expect?: FileExpectations,
): Promise<Uint8Array> {
  return concatBytes(...(await collect(openFile(ciphertext, key, expect))));
}

const blobPart = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

/**
 * Seals a Blob (a picked File) into an encrypted Blob to upload, reading it as a stream: the
 * browser may keep large Blobs on disk, so the JS heap never holds the whole video.
 */
export async function sealBlob(blob: Blob, options?: SealFileOptions): Promise<{ blob: Blob; file: FileSecrets }> {
  const sealed = sealFile(blob, options);
  const parts = await collect(sealed.chunks);
  return { blob: new Blob(parts.map(blobPart), { type: 'application/octet-stream' }), file: await sealed.done };
}

/**
 * Opens a downloaded encrypted Blob into a plaintext Blob of `type` (the caller's allow-listed
 * type: never trust the message's MIME type for this without the allow-list).
 */
export async function openBlob(
  blob: Blob,
  key: Uint8Array | string,
  expect?: FileExpectations,
  type = 'application/octet-stream',
): Promise<Blob> {
  const parts = await collect(openFile(blob, key, expect));
  return new Blob(parts.map(blobPart), { type });
}
