/**
 * Every failure of this package is a `CryptoError` with a stable `code`, so that a client can say
 * what went wrong and what to do ("this message was sent before you joined") instead of showing a
 * stack trace. Messages are for logs; UIs should switch on `code`.
 */
export type CryptoErrorCode =
  /** The password-sealed private-key bundle did not open: wrong password-derived key, or altered. */
  | 'bad_key_bundle'
  /** Not JSON, not the expected shape, or a field that does not decode (e.g. bad base64url). */
  | 'malformed'
  /** A format version this code does not know (written by a newer client, or garbage). */
  | 'unsupported_version'
  /** The envelope (or its plaintext) names another conversation than the one it was found in. */
  | 'wrong_conversation'
  /** The envelope (or its plaintext) names another sender than the one the server says sent it. */
  | 'wrong_sender'
  /** No wrapped key for the reader: sealed before they joined, or their key was stripped. */
  | 'not_a_recipient'
  /** The Ed25519 signature does not match the sender's public key. */
  | 'bad_signature'
  /** An authenticated decryption failed: altered data, or a key other than the one used to seal. */
  | 'tampered'
  /** An encrypted file ends early (a dropped final chunk or a cut-off download). */
  | 'truncated'
  /** A public key that is not a usable 32-byte X25519/Ed25519 key (e.g. a low-order point). */
  | 'bad_public_key'
  /** The caller passed something this package refuses to seal (a programming error). */
  | 'invalid_argument'
  /** The sealed message would not fit the server's content limit. */
  | 'too_large'
  /** The key ring was wiped by `forget()` (logout) and cannot be used any more. */
  | 'key_ring_forgotten';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;
  /** The user a failure is about, when there is one (e.g. whose public key is unusable). */
  readonly userId: string | undefined;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown; userId?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userId = options?.userId;
  }
}

export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
