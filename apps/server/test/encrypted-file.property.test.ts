import { Readable } from 'node:stream';
import fc from 'fast-check';
import { sealFileBytes } from '@herald/crypto';
import { describe, expect, it } from 'vitest';
import { encryptedFileStream, NotEncryptedFileError } from '../src/modules/media/encrypted-file.js';

/**
 * Properties of the server's upload reader (modules/media/encrypted-file.ts): whatever the bytes
 * and however the network splits them, it either passes them through unchanged or fails with
 * NotEncryptedFileError (never another error), and which of the two does not depend on the
 * split: an upload is accepted exactly when it is empty (refused later as empty) or starts with
 * the encrypted-file magic and version ("HRLF" 0x01) and is at least a header and a tag long.
 */

const RUNS = { numRuns: 300 };
const MAGIC = Buffer.from('HRLF\x01', 'latin1');
const MIN_BYTES = 28 + 16;

/** `bytes` cut at the given points (sorted, deduplicated), as pieces a socket might deliver. */
function split(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(Buffer.from(bytes.subarray(from, point)));
    from = point;
  }
  return pieces;
}

async function read(pieces: Buffer[]): Promise<{ ok: true; bytes: Buffer } | { ok: false }> {
  const out: Buffer[] = [];
  try {
    for await (const chunk of encryptedFileStream(Readable.from(pieces))) out.push(chunk as Buffer);
    return { ok: true, bytes: Buffer.concat(out) };
  } catch (error) {
    expect(error).toBeInstanceOf(NotEncryptedFileError);
    return { ok: false };
  }
}

const expectedAccepted = (bytes: Uint8Array) =>
  bytes.length === 0 || (bytes.length >= MIN_BYTES && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC));

/** Bytes that often start like an encrypted file (a prefix of the magic, then anything). */
const uploads = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(fc.integer({ min: 0, max: MAGIC.length }), fc.uint8Array({ maxLength: 120 }))
    .map(([n, rest]) => Uint8Array.from([...MAGIC.subarray(0, n), ...rest])),
);

describe('encryptedFileStream', () => {
  it('accepts or refuses arbitrary bytes by their framing alone, whatever the split, and passes them unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        uploads,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bytes, cutsA, cutsB) => {
          const a = await read(split(bytes, cutsA));
          const b = await read(split(bytes, cutsB));
          expect(a.ok).toBe(expectedAccepted(bytes));
          expect(b.ok).toBe(a.ok);
          if (a.ok) expect(a.bytes.equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('passes every sealed file through unchanged, however it is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (plain, chunkSize, cuts) => {
          const { ciphertext } = await sealFileBytes(plain, { chunkSize });
          const result = await read(split(ciphertext, cuts));
          expect(result.ok).toBe(true);
          if (result.ok) expect(result.bytes.equals(Buffer.from(ciphertext))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
