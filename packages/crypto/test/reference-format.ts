import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, type UserKeys } from '@herald/crypto';

/**
 * An independent implementation of the envelope format exactly as docs/e2ee-format.md writes it,
 * straight from the primitives. The tests use it to check that the package produces the
 * documented bytes (not merely bytes it can read back), and to build envelopes an honest sealer
 * never makes (a lying plaintext, different content keys for different readers).
 */
const enc = new TextEncoder();
const lbl = (text: string) => concat(enc.encode(text), new Uint8Array(1));

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function referenceWrappingKey(
  self: { userId: string; x25519Secret: Uint8Array; x25519Public: Uint8Array },
  peer: { userId: string; x25519Public: Uint8Array },
): Uint8Array {
  const shared = x25519.getSharedSecret(self.x25519Secret, peer.x25519Public);
  const [a, b] =
    self.userId <= peer.userId
      ? [
          { id: self.userId, pk: self.x25519Public },
          { id: peer.userId, pk: peer.x25519Public },
        ]
      : [
          { id: peer.userId, pk: peer.x25519Public },
          { id: self.userId, pk: self.x25519Public },
        ];
  const info = concat(
    lbl('herald/v1/pairwise-wrapping-key'),
    enc.encode(a.id),
    new Uint8Array(1),
    enc.encode(b.id),
    new Uint8Array(1),
    a.pk,
    b.pk,
  );
  return hkdf(sha256, shared, undefined, info, 32);
}

export interface ReferenceInput {
  sender: { userId: string; keys: UserKeys };
  /** Sorted by the caller as they should appear (the reference does not sort: tests may lie). */
  recipients: { userId: string; x25519Public: Uint8Array; nonce: Uint8Array; contentKey?: Uint8Array }[];
  conversationId: string;
  messageId: string;
  kind: 'text' | 'image' | 'video';
  plaintext: Uint8Array;
  contentKey: Uint8Array;
}

export function referenceEnvelope(input: ReferenceInput): string {
  const ids = input.recipients.map((r) => r.userId);
  const header = {
    v: 1,
    conversationId: input.conversationId,
    senderId: input.sender.userId,
    messageId: input.messageId,
    kind: input.kind,
    recipients: ids,
  };
  const headerBytes = enc.encode(
    JSON.stringify([
      'herald/v1/message-header',
      1,
      input.conversationId,
      input.sender.userId,
      input.messageId,
      input.kind,
      ids,
    ]),
  );
  const h = sha256(headerBytes);
  const body = xchacha20poly1305(input.contentKey, new Uint8Array(24), headerBytes).encrypt(input.plaintext);
  const keys: Record<string, string> = {};
  for (const r of input.recipients) {
    const k = referenceWrappingKey(
      {
        userId: input.sender.userId,
        x25519Secret: input.sender.keys.x25519.secretKey,
        x25519Public: input.sender.keys.x25519.publicKey,
      },
      { userId: r.userId, x25519Public: r.x25519Public },
    );
    const ad = concat(lbl('herald/v1/wrapped-key'), h, enc.encode(r.userId));
    keys[r.userId] = toBase64Url(
      concat(r.nonce, xchacha20poly1305(k, r.nonce, ad).encrypt(r.contentKey ?? input.contentKey)),
    );
  }
  const commitment = sha256(concat(lbl('herald/v1/content-key-commitment'), input.contentKey));
  const signed = concat(lbl('herald/v1/message-signature'), h, sha256(body), commitment);
  const sig = ed25519.sign(signed, input.sender.keys.ed25519.secretKey);
  return JSON.stringify({ header, body: toBase64Url(body), keys, sig: toBase64Url(sig) });
}
