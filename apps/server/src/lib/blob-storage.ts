import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where media blobs live. The server only ever stores opaque (client-encrypted) bytes under names
 * it generates itself. Disk by default; an S3-compatible store can implement the same interface.
 */
export interface BlobStorage {
  /** Stores the stream under a new key; fails with BlobTooLargeError past maxBytes (nothing kept). */
  put(stream: Readable, maxBytes: number): Promise<{ key: string; size: number }>;
  get(key: string): Promise<Readable | undefined>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class DiskBlobStorage implements BlobStorage {
  constructor(private readonly root: string) {}

  /** Two-level fan-out so that no directory grows huge. */
  private pathOf(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('invalid blob key');
    return join(this.root, key.slice(0, 2), key);
  }

  async put(stream: Readable, maxBytes: number): Promise<{ key: string; size: number }> {
    const key = randomUUID().replace(/-/g, '');
    const path = this.pathOf(key);
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
    const partial = `${path}.part`;
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) callback(new BlobTooLargeError(maxBytes));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(stream, counter, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, size };
  }

  async get(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) return undefined;
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }
}
