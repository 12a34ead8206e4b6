import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, isAllZero, utf8 } from './bytes.js';
import { CryptoError } from './errors.js';

/**
 * X25519 and Ed25519, through WebCrypto when the platform has them and gives the same answers,
 * else through @noble/curves.
 *
 * Why both: WebCrypto's native Ed25519 verifies a signature in tens of microseconds, @noble's pure
 * JS in about a millisecond, and opening a page of 50 messages is 50 verifications; sealing for a
 * new 256-member group is 256 X25519 agreements. But WebCrypto is missing in insecure contexts
 * (plain-http self-hosting), in older browsers, and (for these curves) in some runtimes, so @noble
 * stays as the fallback. Both compute the same deterministic functions (RFC 7748, RFC 8032), so the
 * bytes on the wire never depend on which one ran; a known-answer probe checks this once before
 * WebCrypto is trusted.
 *
 * The price is that signing, verifying and key agreement are asynchronous (WebCrypto has no
 * synchronous API), and with them `sealMessage` and `openMessage`.
 */
export type CurveBackend = 'webcrypto' | 'noble';
/** `auto`: WebCrypto if the probe passes, else noble. `noble`: always noble (tests, comparisons). */
export type CurvePreference = 'auto' | 'noble';

type Subtle = (typeof globalThis.crypto)['subtle'];
type WebKey = Awaited<ReturnType<Subtle['importKey']>>;
type Usages = Parameters<Subtle['importKey']>[4];
type DeriveAlgorithm = Parameters<Subtle['deriveBits']>[0];

/** Operations that need the user's own secret keys; peers' keys are passed per call. */
export interface CurveOps {
  readonly backend: CurveBackend;
  /** X25519(own secret, peer public); throws `bad_public_key` for unusable (low-order) keys. */
  sharedSecret(peerPublicKey: Uint8Array): Promise<Uint8Array>;
  /** Ed25519 (RFC 8032, pure) with the own signing key: deterministic, same bytes either way. */
  sign(message: Uint8Array): Promise<Uint8Array>;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Drops imported keys (the caller wipes the raw ones). */
  forget(): void;
}

// PKCS #8 wrappers of a raw 32-byte private key (RFC 8410): the only private-key import format
// every WebCrypto implementation of these curves accepts.
const PKCS8_X25519 = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
);
const PKCS8_ED25519 = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);

/** WebCrypto wants `ArrayBuffer`-backed views in its DOM typings; ours always are. */
const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

function subtle(): Subtle | undefined {
  return (globalThis.crypto as { subtle?: Subtle } | undefined)?.subtle;
}

function checkedSecret(secret: Uint8Array): Uint8Array {
  // RFC 7748 says to check for the all-zero output; both backends should, this makes it certain.
  if (secret.length !== 32 || isAllZero(secret)) throw new CryptoError('bad_public_key', 'unusable X25519 public key');
  return secret;
}

function nobleOps(x25519Secret: Uint8Array, ed25519Secret: Uint8Array): CurveOps {
  return {
    backend: 'noble',
    async sharedSecret(peerPublicKey) {
      try {
        return checkedSecret(x25519.getSharedSecret(x25519Secret, peerPublicKey));
      } catch (cause) {
        if (cause instanceof CryptoError) throw cause;
        throw new CryptoError('bad_public_key', 'unusable X25519 public key', { cause });
      }
    },
    async sign(message) {
      return ed25519.sign(message, ed25519Secret);
    },
    async verify(publicKey, message, signature) {
      try {
        // zip215: false = RFC 8032 / FIPS 186-5 rules, as the native implementations apply them, so
        // that a crafted edge-case signature cannot verify for some readers and not for others.
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
    forget() {},
  };
}

function webCryptoOps(s: Subtle, x25519Secret: Uint8Array, ed25519Secret: Uint8Array): CurveOps {
  // Private keys are imported lazily, once, as non-extractable keys.
  let agreementKey: Promise<WebKey> | undefined;
  let signingKey: Promise<WebKey> | undefined;
  // Peers' verification keys, imported once per distinct key (a page of messages has few senders).
  let verifyKeys = new Map<string, Promise<WebKey>>();
  const importPrivate = (prefix: Uint8Array, secret: Uint8Array, name: string, usages: Usages) =>
    s.importKey('pkcs8', view(concatBytes(prefix, secret)), { name }, false, usages);
  return {
    backend: 'webcrypto',
    async sharedSecret(peerPublicKey) {
      agreementKey ??= importPrivate(PKCS8_X25519, x25519Secret, 'X25519', ['deriveBits']);
      let bits: ArrayBuffer;
      try {
        const peer = await s.importKey('raw', view(peerPublicKey), { name: 'X25519' }, false, []);
        bits = await s.deriveBits({ name: 'X25519', public: peer } as DeriveAlgorithm, await agreementKey, 256);
      } catch (cause) {
        throw new CryptoError('bad_public_key', 'unusable X25519 public key', { cause });
      }
      return checkedSecret(new Uint8Array(bits));
    },
    async sign(message) {
      signingKey ??= importPrivate(PKCS8_ED25519, ed25519Secret, 'Ed25519', ['sign']);
      return new Uint8Array(await s.sign({ name: 'Ed25519' }, await signingKey, view(message)));
    },
    async verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      const id = publicKey.join(',');
      let key = verifyKeys.get(id);
      if (!key) {
        key = s.importKey('raw', view(publicKey), { name: 'Ed25519' }, false, ['verify']);
        verifyKeys.set(id, key);
      }
      try {
        return await s.verify({ name: 'Ed25519' }, await key, view(signature), view(message));
      } catch {
        return false;
      }
    },
    forget() {
      agreementKey = undefined;
      signingKey = undefined;
      verifyKeys = new Map();
    },
  };
}

let probe: Promise<boolean> | undefined;

/**
 * Whether this platform's WebCrypto has X25519 and Ed25519 and agrees with @noble on fixed inputs
 * (a key agreement, a signature, its verification and the rejection of a corrupted one). Run once.
 */
export function webCryptoCurvesUsable(): Promise<boolean> {
  probe ??= (async () => {
    const s = subtle();
    if (!s) return false;
    try {
      const seed = (n: number) => sha256(utf8(`herald/probe/${n}`));
      const a = seed(1);
      const b = x25519.getPublicKey(seed(2));
      const message = seed(3);
      const native = webCryptoOps(s, a, a);
      const reference = nobleOps(a, a);
      const signature = await native.sign(message);
      const corrupted = Uint8Array.from(signature, (byte, i) => (i === 0 ? byte ^ 1 : byte));
      const publicKey = ed25519.getPublicKey(a);
      return (
        equalBytes(await native.sharedSecret(b), await reference.sharedSecret(b)) &&
        equalBytes(signature, await reference.sign(message)) &&
        (await native.verify(publicKey, message, signature)) &&
        !(await native.verify(publicKey, message, corrupted))
      );
    } catch {
      return false;
    }
  })();
  return probe;
}

export async function curveOps(
  x25519Secret: Uint8Array,
  ed25519Secret: Uint8Array,
  preference: CurvePreference = 'auto',
): Promise<CurveOps> {
  const s = subtle();
  if (preference === 'auto' && s && (await webCryptoCurvesUsable())) {
    return webCryptoOps(s, x25519Secret, ed25519Secret);
  }
  return nobleOps(x25519Secret, ed25519Secret);
}
