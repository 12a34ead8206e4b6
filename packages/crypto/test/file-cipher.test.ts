import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  FILE_HEADER_BYTES,
  encryptedFileSize,
  openBlob,
  openFile,
  openFileBytes,
  sealBlob,
  sealFile,
  sealFileBytes,
  toBase64Url,
  type ByteSource,
  type CryptoErrorCode,
  type FileExpectations,
} from '@herald/crypto';
import { seededRandom } from './helpers.js';

const TAG = 16;

function data(length: number, seed = 'data'): Uint8Array {
  return seededRandom(seed)(length);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function rejects(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected CryptoError ${code}`).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

/** Seals `plaintext` and returns the encrypted pieces as produced: [header, chunk 0, chunk 1, ...]. */
async function sealedPieces(plaintext: Uint8Array, chunkSize: number, seed = 'file') {
  const sealed = sealFile(plaintext, { chunkSize, random: seededRandom(seed) });
  const pieces = await collect(sealed.chunks);
  return { pieces, file: await sealed.done };
}

describe('file round trips', () => {
  it.each([0, 1, 15, 16, 17, 64, 65, 1000])('%i bytes in 16-byte chunks', async (size) => {
    const plaintext = data(size);
    const { pieces, file } = await sealedPieces(plaintext, 16);
    expect(pieces[0]).toHaveLength(FILE_HEADER_BYTES);
    expect(pieces).toHaveLength(1 + Math.max(1, Math.ceil(size / 16)));
    const ciphertext = concat(pieces);
    expect(ciphertext).toHaveLength(encryptedFileSize(size, 16));
    expect(file).toEqual({ key: file.key, sha256: toBase64Url(sha256(plaintext)), size, chunkSize: 16 });
    expect(await openFileBytes(ciphertext, file.key, file)).toEqual(plaintext);
  });

  it('whatever the pieces the source and the download arrive in', async () => {
    const plaintext = data(5000);
    async function* oddPieces(bytes: Uint8Array) {
      let offset = 0;
      for (let n = 1; offset < bytes.length; n = (n * 7 + 3) % 311) {
        yield bytes.slice(offset, offset + n);
        offset += n;
      }
    }
    const sealed = sealFile(oddPieces(plaintext), { chunkSize: 100 });
    const ciphertext = concat(await collect(sealed.chunks));
    const file = await sealed.done;
    expect(file.sha256).toBe(toBase64Url(sha256(plaintext)));
    expect(concat(await collect(openFile(oddPieces(ciphertext), file.key, file)))).toEqual(plaintext);
    // A ReadableStream and a Blob work too.
    const stream = new Blob([ciphertext]).stream();
    expect(concat(await collect(openFile(stream, file.key, file)))).toEqual(plaintext);
    const blob = await openBlob(new Blob([ciphertext]), file.key, file, 'image/png');
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(plaintext);
  });

  it('sealBlob / openBlob with the default 64 KiB chunks', async () => {
    const plaintext = data(200_000);
    const { blob, file } = await sealBlob(new Blob([plaintext]));
    expect(blob.size).toBe(encryptedFileSize(200_000));
    expect(file.chunkSize).toBe(65_536);
    expect(new Uint8Array(await (await openBlob(blob, file.key, file)).arrayBuffer())).toEqual(plaintext);
  });

  it('streams: reads the source one chunk ahead at most (a large video never sits whole in memory)', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield new Uint8Array(1024);
      }
    }
    const sealed = sealFile(source(), { chunkSize: 4096 });
    const iterator = sealed.chunks[Symbol.asyncIterator]();
    expect(pulled).toBe(0);
    await iterator.next(); // header
    await iterator.next(); // chunk 0
    expect(pulled).toBeLessThanOrEqual(5);
    await iterator.next(); // chunk 1
    expect(pulled).toBeLessThanOrEqual(9);
    // Abandoning the iteration rejects `done` rather than leaving it pending.
    await iterator.return?.(undefined);
    await rejects(sealed.done, 'truncated');
  });

  it('a different key opens nothing', async () => {
    const { pieces } = await sealedPieces(data(100), 16);
    await rejects(openFileBytes(concat(pieces), new Uint8Array(32)), 'tampered');
  });
});

describe('damaged or manipulated files are rejected', () => {
  const plaintext = data(100); // 7 chunks of 16 bytes (the last holds 4)
  const chunkSize = 16;
  const open = async (pieces: Uint8Array[], key: string, expect?: FileExpectations) =>
    openFileBytes(concat(pieces), key, expect);

  it('a modified byte anywhere in any chunk or the header', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    const whole = concat(pieces);
    for (let i = 0; i < whole.length; i += 7) {
      const copy = whole.slice();
      copy[i]! ^= 0x40;
      const error = await openFileBytes(copy, file.key).then(
        () => undefined,
        (e: unknown) => e as CryptoError,
      );
      expect(error, `byte ${i}`).toBeInstanceOf(CryptoError);
      expect(['tampered', 'malformed', 'unsupported_version']).toContain(error!.code);
    }
  });

  it('a dropped chunk (first, middle, last)', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    await rejects(open([pieces[0]!, ...pieces.slice(2)], file.key), 'tampered');
    await rejects(open([...pieces.slice(0, 3), ...pieces.slice(4)], file.key), 'tampered');
    // Dropping the last chunk: the stream now ends on a chunk sealed as "not last".
    await rejects(open(pieces.slice(0, -1), file.key), 'truncated');
  });

  it('reordered or duplicated chunks', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    const swapped = [...pieces];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    await rejects(open(swapped, file.key), 'tampered');
    await rejects(open([...pieces.slice(0, 3), pieces[2]!, ...pieces.slice(3)], file.key), 'tampered');
  });

  it('a chunk swapped in from another file (same key or not)', async () => {
    const a = await sealedPieces(plaintext, chunkSize, 'file-a');
    const b = await sealedPieces(data(100, 'other'), chunkSize, 'file-b');
    const mixed = [...a.pieces];
    mixed[3] = b.pieces[3]!;
    await rejects(open(mixed, a.file.key), 'tampered');
    // Even the other file's header with this file's key fails (its nonce prefix differs).
    await rejects(open([b.pieces[0]!, ...a.pieces.slice(1)], a.file.key), 'tampered');
  });

  it('truncated: inside the header, inside a chunk, at a chunk boundary, or empty', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    const whole = concat(pieces);
    await rejects(openFileBytes(whole.subarray(0, 10), file.key), 'truncated');
    await rejects(openFileBytes(whole.subarray(0, 0), file.key), 'truncated');
    await rejects(openFileBytes(whole.subarray(0, FILE_HEADER_BYTES), file.key), 'truncated');
    await rejects(openFileBytes(whole.subarray(0, FILE_HEADER_BYTES + 32 + 5), file.key), 'truncated');
    // Cut inside a chunk after its first 16 bytes: indistinguishable from an altered last chunk.
    await rejects(openFileBytes(whole.subarray(0, FILE_HEADER_BYTES + 32 + 20), file.key), 'tampered');
    await rejects(openFileBytes(whole.subarray(0, FILE_HEADER_BYTES + (16 + TAG) * 3), file.key), 'truncated');
    await rejects(openFileBytes(whole.subarray(0, whole.length - 1), file.key), 'tampered');
  });

  it('data appended after the last chunk', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    await rejects(open([...pieces, new Uint8Array(1)], file.key), 'tampered');
    await rejects(open([...pieces, new Uint8Array(100)], file.key), 'tampered');
    await rejects(open([...pieces, pieces.at(-1)!], file.key), 'tampered');
    // A file whose size is a multiple of the chunk size, extended by a valid-looking chunk.
    const even = await sealedPieces(data(64), chunkSize);
    await rejects(open([...even.pieces, even.pieces.at(-1)!], even.file.key), 'tampered');
  });

  it('a hash, size or chunk size other than the message states', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    await rejects(open(pieces, file.key, { sha256: toBase64Url(sha256(data(100, 'x'))) }), 'tampered');
    await rejects(open(pieces, file.key, { size: 99 }), 'tampered');
    await rejects(open(pieces, file.key, { size: 101 }), 'tampered');
    await rejects(open(pieces, file.key, { chunkSize: 32 }), 'tampered');
    expect(await open(pieces, file.key, file)).toEqual(plaintext);
  });

  it('not a Herald file, or a later version', async () => {
    const { pieces, file } = await sealedPieces(plaintext, chunkSize);
    await rejects(openFileBytes(new TextEncoder().encode('GIF89a'.repeat(20)), file.key), 'malformed');
    const v2 = concat(pieces);
    v2[4] = 2;
    await rejects(openFileBytes(v2, file.key), 'unsupported_version');
  });

  it('refuses bad arguments', async () => {
    expect(() => sealFile(new Uint8Array(1), { chunkSize: 0 })).toThrow(CryptoError);
    expect(() => sealFile(new Uint8Array(1), { chunkSize: 5 * 1024 * 1024 })).toThrow(CryptoError);
    await rejects(openFileBytes(new Uint8Array(100), new Uint8Array(16)), 'invalid_argument');
    await rejects(
      sealFileBytes(['nope'] as unknown as Uint8Array).then(() => undefined),
      'invalid_argument',
    );
    const bad = sealFile([1, 2, 3] as unknown as ByteSource);
    await rejects(collect(bad.chunks), 'invalid_argument');
    await rejects(bad.done, 'invalid_argument');
  });
});
