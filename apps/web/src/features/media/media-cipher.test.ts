// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { encryptedFileSize, FILE_HEADER_BYTES } from '@herald/crypto';
import { allowedDecryptedType, MediaOpenError, openMediaFile, sealedSize, sealMediaFile } from './media-cipher';

/** Bytes that are easy to recognise, and different at every offset. */
function pattern(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

describe('encrypted media files', () => {
  it('seals a file in chunks (never the plaintext bytes) and opens it back with its real type', async () => {
    const plain = pattern(200 * 1024 + 7); // four 64 KiB chunks
    const fractions: number[] = [];
    const { blob, media } = await sealMediaFile(new Blob([plain]), 'Image/PNG', (f) => fractions.push(f));
    expect(blob.type).toBe('application/octet-stream');
    expect(blob.size).toBe(FILE_HEADER_BYTES + plain.length + 4 * 16);
    const sealed = await bytesOf(blob);
    expect(new TextDecoder('latin1').decode(sealed.subarray(0, 4))).toBe('HRLF');
    // No run of the plaintext survives: look for a 32-byte window of it in the sealed bytes.
    const needle = Buffer.from(plain.subarray(100_000, 100_032));
    expect(Buffer.from(sealed).indexOf(needle)).toBe(-1);
    expect(media).toMatchObject({ mimeType: 'image/png', size: plain.length, chunkSize: 64 * 1024 });
    expect(fractions.at(-1)).toBe(1);

    const opened = await openMediaFile(blob, media, 'image');
    expect(opened.type).toBe('image/png');
    expect(await bytesOf(opened)).toEqual(plain);
  });

  it('refuses a changed byte, a cut file or another hash as "could not be decrypted", nothing partial', async () => {
    const plain = pattern(150_000);
    const { blob, media } = await sealMediaFile(new Blob([plain]), 'image/jpeg');
    const sealed = await bytesOf(blob);

    const flipped = sealed.slice();
    flipped[FILE_HEADER_BYTES + 70_000]! ^= 1;
    const cut = sealed.slice(0, FILE_HEADER_BYTES + 64 * 1024 + 16);
    const cases: [Blob, typeof media][] = [
      [new Blob([flipped]), media],
      [new Blob([cut]), media],
      [blob, { ...media, sha256: media.key }],
      [blob, { ...media, size: media.size - 1 }],
    ];
    for (const [input, secrets] of cases) {
      const error = await openMediaFile(input, secrets, 'image').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaOpenError);
      expect(error).toMatchObject({ problem: 'undecryptable', message: 'This file could not be decrypted.' });
    }
  });

  it('knows the sealed size the server will check against its limits', () => {
    for (const size of [0, 1, 65_535, 65_536, 65_537, 10 * 1024 * 1024 + 3]) {
      expect(sealedSize(size)).toBe(encryptedFileSize(size));
    }
  });

  it('never types a blob with a real type off the allow-list, or of the other kind', async () => {
    const { blob, media } = await sealMediaFile(new Blob(['<svg onload="alert(1)"/>']), 'image/svg+xml');
    await expect(openMediaFile(blob, media, 'image')).rejects.toMatchObject({ problem: 'not_allowed' });
    expect(allowedDecryptedType({ ...media, mimeType: 'text/html' }, 'image')).toBeNull();
    expect(allowedDecryptedType({ ...media, mimeType: 'video/mp4' }, 'image')).toBeNull();
    expect(allowedDecryptedType({ ...media, mimeType: 'video/mp4; codecs=x' }, 'video')).toBe('video/mp4');
  });
});
