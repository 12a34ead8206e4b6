import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { isCanonicalUuid } from '@herald/shared';
import { concatBytes, label, utf8, wipe } from './bytes.js';
import { curveOps, type CurveBackend, type CurveOps, type CurvePreference } from './curves.js';
import { CryptoError } from './errors.js';
import { decodePublicKey, publicKeysOf, type PublicKeys, type UserKeys } from './keys.js';

/**
 * The signed-in user's keys, and the pairwise wrapping keys derived from them.
 *
 * A message's content key is wrapped once per recipient. Doing an X25519 agreement per recipient
 * per message would cost a 256-member group 256 agreements on every send; instead the key agreed
 * with each peer's static X25519 key goes through HKDF once into a 32-byte *wrapping key*, cached
 * here, and every later message to that peer costs one small symmetric encryption. The sender's
 * own copy is wrapped the same way under the key agreed with their own public key.
 *
 *   wrappingKey(A, B) = HKDF-SHA256(ikm = X25519(a, B) = X25519(b, A), salt = none,
 *                       info = "herald/v1/pairwise-wrapping-key" 0x00 | id1 0x00 | id2 0x00 | pk1 | pk2,
 *                       length = 32)
 * where id1 < id2 are the two user ids in code-unit order and pk1, pk2 their X25519 public keys in
 * the same order: both sides compute the same key, bound to both identities and both keys.
 *
 * There is no per-message forward secrecy: whoever obtains a user's X25519 secret key can unwrap
 * every content key ever wrapped for them (docs/security.md states this limit).
 */
export interface Peer {
  userId: string;
  x25519PublicKey: string;
}

export interface KeyRingOptions {
  /** Which X25519/Ed25519 implementation to use; 'auto' (WebCrypto when usable) unless testing. */
  curves?: CurvePreference;
}

const PAIRWISE_INFO = label('herald/v1/pairwise-wrapping-key');
const NUL = new Uint8Array(1);

interface CachedKey {
  publicKey: string;
  key: Promise<Uint8Array>;
  /** Set once derived, so that `forget` can zero it synchronously. */
  bytes?: Uint8Array;
}

export class KeyRing {
  readonly userId: string;
  readonly publicKeys: PublicKeys;
  readonly #keys: UserKeys;
  readonly #ops: Promise<CurveOps>;
  readonly #cache = new Map<string, CachedKey>();
  #forgotten = false;

  constructor(self: { userId: string; keys: UserKeys }, options?: KeyRingOptions) {
    if (!isCanonicalUuid(self.userId)) throw new CryptoError('invalid_argument', 'user ids must be lower-case UUIDs');
    this.userId = self.userId;
    // Own copies: `forget` zeroes these without touching the caller's objects.
    this.#keys = {
      x25519: { publicKey: self.keys.x25519.publicKey.slice(), secretKey: self.keys.x25519.secretKey.slice() },
      ed25519: { publicKey: self.keys.ed25519.publicKey.slice(), secretKey: self.keys.ed25519.secretKey.slice() },
    };
    this.publicKeys = publicKeysOf(this.#keys);
    this.#ops = curveOps(this.#keys.x25519.secretKey, this.#keys.ed25519.secretKey, options?.curves);
  }

  /** Which implementation the curve operations run on (for measurements and diagnostics). */
  async backend(): Promise<CurveBackend> {
    return (await this.#ops).backend;
  }

  /** How many pairwise keys are cached. */
  get cachedKeyCount(): number {
    return this.#cache.size;
  }

  /**
   * The wrapping key shared with `peer` (derived on first use, then cached per user id and public
   * key: a peer whose key changed gets a new one). `bad_public_key` if the key is unusable.
   */
  wrappingKey(peer: Peer): Promise<Uint8Array> {
    this.assertUsable();
    if (!isCanonicalUuid(peer.userId)) throw new CryptoError('invalid_argument', 'user ids must be lower-case UUIDs');
    const cached = this.#cache.get(peer.userId);
    if (cached?.publicKey === peer.x25519PublicKey) return cached.key;
    // A changed key replaces the entry. The old key is not zeroed here: a seal in progress may
    // still hold it; it is simply no longer cached.
    const entry: CachedKey = { publicKey: peer.x25519PublicKey, key: Promise.resolve(new Uint8Array()) };
    entry.key = this.#derive(peer).then(
      (key) => {
        entry.bytes = key;
        return key;
      },
      (error: unknown) => {
        if (this.#cache.get(peer.userId) === entry) this.#cache.delete(peer.userId);
        throw error;
      },
    );
    this.#cache.set(peer.userId, entry);
    return entry.key;
  }

  /**
   * Derives, in the background, the keys a first send to these peers would need (e.g. when a
   * conversation is opened), so that the send itself costs only symmetric work. Peers without keys
   * and unusable keys are skipped here (sealing reports them).
   */
  async prepare(peers: readonly { userId: string; x25519PublicKey: string | null }[]): Promise<void> {
    const keyed = peers.filter((peer): peer is Peer => peer.x25519PublicKey !== null);
    await Promise.allSettled(keyed.map((peer) => this.wrappingKey(peer)));
  }

  /** True after `forget()`: every use then throws `key_ring_forgotten`. */
  get forgotten(): boolean {
    return this.#forgotten;
  }

  /** Throws `key_ring_forgotten` after `forget()` (checked again after every await by callers). */
  assertUsable(): void {
    if (this.#forgotten) throw new CryptoError('key_ring_forgotten', 'this key ring was forgotten (logged out)');
  }

  /** Signs with the user's Ed25519 key. */
  async sign(message: Uint8Array): Promise<Uint8Array> {
    this.assertUsable();
    return (await this.#ops).sign(message);
  }

  /** Verifies someone's Ed25519 signature (the ring caches their imported key). */
  async verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    this.assertUsable();
    return (await this.#ops).verify(publicKey, message, signature);
  }

  /**
   * Logout: zeroes every cached wrapping key and the ring's copy of the secret keys, and refuses
   * any further use. (The caller wipes its own `UserKeys` with `wipeUserKeys`.)
   */
  forget(): void {
    if (this.#forgotten) return;
    this.#forgotten = true;
    for (const entry of this.#cache.values()) {
      if (entry.bytes) wipe(entry.bytes);
      else
        entry.key.then(
          (key) => wipe(key),
          () => undefined,
        );
    }
    this.#cache.clear();
    wipe(this.#keys.x25519.secretKey, this.#keys.ed25519.secretKey);
    this.#ops.then(
      (ops) => ops.forget(),
      () => undefined,
    );
  }

  async #derive(peer: Peer): Promise<Uint8Array> {
    const peerPublic = decodePublicKey(peer.x25519PublicKey, peer.userId);
    const ops = await this.#ops;
    let shared: Uint8Array;
    try {
      shared = await ops.sharedSecret(peerPublic);
    } catch (error) {
      if (error instanceof CryptoError) {
        throw new CryptoError(error.code, `${error.message} (user ${peer.userId})`, {
          cause: error,
          userId: peer.userId,
        });
      }
      throw error;
    }
    this.assertUsable();
    const own = { id: this.userId, pk: this.#keys.x25519.publicKey };
    const other = { id: peer.userId, pk: peerPublic };
    const [first, second] = own.id <= other.id ? [own, other] : [other, own];
    const info = concatBytes(PAIRWISE_INFO, utf8(first.id), NUL, utf8(second.id), NUL, first.pk, second.pk);
    const key = hkdf(sha256, shared, undefined, info, 32);
    wipe(shared);
    return key;
  }
}
