import { describe, expect, it } from 'vitest';
import type { PublicKeysView } from '@herald/shared';
import { cannotReadText, envelopeAddress, readerGap } from './reader-gap';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const D = '00000000-0000-4000-8000-00000000000d';

const member = (userId: string, withKeys = true): PublicKeysView =>
  ({
    userId,
    x25519PublicKey: withKeys ? 'x' : null,
    ed25519PublicKey: withKeys ? 'e' : null,
    keysChangedAt: null,
  }) as PublicKeysView;

function envelope(recipients: string[], keyHolders = recipients): string {
  return JSON.stringify({
    header: { v: 1, conversationId: A, senderId: A, messageId: A, kind: 'text', recipients },
    body: 'AAAA',
    keys: Object.fromEntries(keyHolders.map((id) => [id, 'k'])),
    sig: 's',
  });
}

describe('who can read a pending scheduled message', () => {
  it('counts members who joined since it was sealed (with keys), and notices stale recipients', () => {
    expect(readerGap(envelope([A, B]), [member(A), member(B)])).toEqual({ cannotRead: [], stale: false });
    expect(readerGap(envelope([A, B]), [member(A), member(B), member(C), member(D)])).toEqual({
      cannotRead: [C, D],
      stale: true,
    });
    // Someone left: nobody is missing a key, but the recipients are stale.
    expect(readerGap(envelope([A, B, C]), [member(A), member(B)])).toEqual({ cannotRead: [], stale: true });
    // A member without keys can't be given one: listed, not counted.
    expect(readerGap(envelope([A, B, C], [A, B]), [member(A), member(B), member(C, false)])).toEqual({
      cannotRead: [],
      stale: false,
    });
    // A member whose wrapped key is missing (stripped, or sealed while they had no keys).
    expect(readerGap(envelope([A, B], [A]), [member(A), member(B)])).toEqual({ cannotRead: [B], stale: false });
  });

  it('leaves legacy content alone', () => {
    expect(envelopeAddress('hello')).toBeNull();
    expect(envelopeAddress('{"header":{}}')).toBeNull();
    expect(readerGap('{"text":"x"}', [member(A)])).toBeNull();
  });

  it('says it in words', () => {
    expect(cannotReadText(1)).toBe("1 new member can't read this yet");
    expect(cannotReadText(3)).toBe("3 new members can't read this yet");
  });
});
