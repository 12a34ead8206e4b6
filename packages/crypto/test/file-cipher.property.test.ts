import fc from 'fast-check';
import { CryptoError, FILE_HEADER_BYTES, openFileBytes, openFile, sealFileBytes } from '@herald/crypto';
import { describe, expect, it } from 'vitest';

/**
 * Properties of the STREAM file decryptor (file-cipher.ts): a sealed file opens to its plaintext
 * however its bytes arrive (any split into pieces); any change to it (a flipped bit anywhere, a
 * cut at any point, bytes appended) is refused with a CryptoError; and arbitrary bytes are refused
 * with a CryptoError, never another error. Small chunk sizes make many chunks out of small files.
 */

const RUNS = { numRuns: 120 };

/** `bytes` as pieces cut at the given points. */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    out.push(bytes.slice(from, point));
    from = point;
  }
  return out;
}

async function open(source: Uint8Array[], key: Uint8Array | string, expect?: { sha256: string; size: number }) {
  const parts: Uint8Array[] = [];
  for await (const part of openFile(source, key, expect)) parts.push(part);
  return Buffer.concat(parts);
}

/** The CryptoError code a promise fails with; fails the test on success or on any other error. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  throw new Error('opened a file that should have been refused');
}

const plaintext = fc.uint8Array({ maxLength: 400 });
const chunkSize = fc.integer({ min: 1, max: 48 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('the file decryptor', () => {
  it('opens every sealed file to its plaintext, however it is split', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, chunkSize, cuts, async (plain, size, at) => {
        const { ciphertext, file } = await sealFileBytes(plain, { chunkSize: size });
        const opened = await open(pieces(ciphertext, at), file.key, { sha256: file.sha256, size: file.size });
        expect(opened.equals(Buffer.from(plain))).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuses a sealed file with any one bit flipped', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, chunkSize, fc.nat(), cuts, async (plain, size, bit, at) => {
        const { ciphertext, file } = await sealFileBytes(plain, { chunkSize: size });
        const damaged = ciphertext.slice();
        damaged[Math.floor(bit / 8) % damaged.length]! ^= 1 << (bit % 8);
        const code = await refusal(open(pieces(damaged, at), file.key));
        expect(['tampered', 'truncated', 'malformed', 'unsupported_version']).toContain(code);
      }),
      RUNS,
    );
  });

  it('refuses a sealed file cut anywhere, or with bytes appended', async () => {
    await fc.assert(
      fc.asyncProperty(
        plaintext,
        chunkSize,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (plain, size, cut, extra, append) => {
          const { ciphertext, file } = await sealFileBytes(plain, { chunkSize: size });
          const changed = append ? Buffer.concat([ciphertext, extra]) : ciphertext.subarray(0, cut % ciphertext.length);
          const code = await refusal(openFileBytes(changed, file.key, { sha256: file.sha256, size: file.size }));
          expect(['tampered', 'truncated']).toContain(code);
        },
      ),
      RUNS,
    );
  });

  it('refuses arbitrary bytes with a CryptoError, also when they start like a file', async () => {
    const header = Uint8Array.from([0x48, 0x52, 0x4c, 0x46, 0x01, 0, 0, 0, 16]);
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ minLength: FILE_HEADER_BYTES, maxLength: 200 }).map((b) => Uint8Array.from([...header, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.uint8Array({ minLength: 32, maxLength: 32 }), cuts, async (data, key, at) => {
        await refusal(open(pieces(data, at), key));
      }),
      { numRuns: 300 },
    );
  });
});
