import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * The server's half of password handling. It only ever sees the client's auth key (already
 * Argon2id-stretched on the client) and stretches it again, so a database leak reveals neither
 * the password nor a key that would log in.
 */
export class AuthKeyHasher {
  private readonly dummyHash: Promise<string>;

  constructor(private readonly params: { memoryKiB: number; iterations: number }) {
    // Verified against when the username is unknown, so that both cases take the same time.
    this.dummyHash = this.hash(randomBytes(32).toString('base64url'));
  }

  hash(authKey: string): Promise<string> {
    return hash(authKey, { memoryCost: this.params.memoryKiB, timeCost: this.params.iterations, parallelism: 1 });
  }

  async verify(storedHash: string | undefined, authKey: string): Promise<boolean> {
    if (!storedHash) {
      await verify(await this.dummyHash, authKey).catch(() => false);
      return false;
    }
    return verify(storedHash, authKey).catch(() => false);
  }
}
