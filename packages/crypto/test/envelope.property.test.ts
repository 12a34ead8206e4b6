import fc from 'fast-check';
import { CryptoError, fromBase64Url, openMessage, readEnvelopeHeader, sealMessage, toBase64Url } from '@herald/crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATION, OTHER_CONVERSATION, makeUser, uuid, type TestUser } from './helpers.js';

/**
 * Properties of the envelope decoder (envelope.ts): arbitrary input is refused with a CryptoError
 * of the documented codes and nothing else; any tampering with what the sender sealed (header,
 * body, signature, the reader's wrapped key) is refused, never opened; and whatever text is sealed
 * opens to the same text for every recipient.
 */

const RUNS = { numRuns: 150 };
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let sealed: string;

beforeAll(async () => {
  alice = makeUser(uuid(1), { seed: 'alice' });
  bob = makeUser(uuid(2), { seed: 'bob' });
  carol = makeUser(uuid(3), { seed: 'carol' });
  sealed = await sealMessage(
    alice.ring,
    { conversationId: CONVERSATION, kind: 'text', recipients: [alice.peer, bob.peer] },
    { text: 'the sealed text' },
  );
});

/** Opens as bob, from alice in CONVERSATION: the plaintext, or the CryptoError's code. */
async function openAsBob(envelope: string): Promise<string> {
  try {
    return (
      await openMessage(bob.ring, envelope, { conversationId: CONVERSATION, senderId: alice.userId }, alice.publicKeys)
    ).text;
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return `error:${(error as CryptoError).code}`;
  }
}

/** Flips one bit of a base64url field's bytes (re-encoded, so the shape stays valid). */
function flipBit(field: string, bit: number): string {
  const bytes = fromBase64Url(field).slice();
  bytes[Math.floor(bit / 8) % bytes.length]! ^= 1 << (bit % 8);
  return toBase64Url(bytes);
}

interface Wire {
  header: {
    v: number;
    conversationId: string;
    senderId: string;
    messageId: string;
    kind: string;
    recipients: string[];
  };
  body: string;
  keys: Record<string, string>;
  sig: string;
}

/** Tamperings of what the sender sealed: each must make the envelope unreadable for bob. */
const tamperings: fc.Arbitrary<[string, (w: Wire) => void]> = fc.oneof(
  fc.nat().map((bit): [string, (w: Wire) => void] => [`body bit ${bit}`, (w) => void (w.body = flipBit(w.body, bit))]),
  fc
    .nat()
    .map((bit): [string, (w: Wire) => void] => [`signature bit ${bit}`, (w) => void (w.sig = flipBit(w.sig, bit))]),
  fc
    .nat()
    .map((bit): [string, (w: Wire) => void] => [
      `bob's wrapped key bit ${bit}`,
      (w) => void (w.keys[bob.userId] = flipBit(w.keys[bob.userId]!, bit)),
    ]),
  fc
    .nat({ max: 0xfff })
    .map((n): [string, (w: Wire) => void] => [
      `messageId ${n}`,
      (w) => void (w.header.messageId = uuid(n + 100, 'd0000000')),
    ]),
  fc.constantFrom<[string, (w: Wire) => void]>(
    ['kind image', (w) => void (w.header.kind = 'image')],
    [
      'carol added to the recipients',
      (w) => void (w.header.recipients = [...w.header.recipients, carol.userId].sort()),
    ],
    ['alice dropped from the recipients', (w) => void (w.header.recipients = [bob.userId])],
    ['another conversation', (w) => void (w.header.conversationId = OTHER_CONVERSATION)],
    ['carol as the sender', (w) => void (w.header.senderId = carol.userId)],
    ["alice's wrapped key given to bob", (w) => void (w.keys[bob.userId] = w.keys[alice.userId]!)],
    ['version 2', (w) => void (w.header.v = 2)],
    ['body truncated by a byte', (w) => void (w.body = toBase64Url(fromBase64Url(w.body).subarray(1)))],
  ),
);

describe('the envelope decoder', () => {
  it('refuses arbitrary input with malformed or unsupported_version, never another error', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc
        .jsonValue({ maxDepth: 3 })
        .map((v) =>
          JSON.stringify({ header: { v: 1, ...(typeof v === 'object' ? v : {}) }, body: v, keys: v, sig: v }),
        ),
    );
    fc.assert(
      fc.property(input, (text) => {
        try {
          readEnvelopeHeader(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CryptoError);
          expect(['malformed', 'unsupported_version']).toContain((error as CryptoError).code);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never opens a tampered envelope, and says why with a CryptoError', async () => {
    await fc.assert(
      fc.asyncProperty(tamperings, async ([name, tamper]) => {
        const wire = JSON.parse(sealed) as Wire;
        tamper(wire);
        const result = await openAsBob(JSON.stringify(wire));
        expect(result, name).toMatch(/^error:/);
      }),
      RUNS,
    );
  });

  it('opens what was sealed, for every recipient, whatever the text', async () => {
    const text = fc
      .string({ unit: 'grapheme', maxLength: 300 })
      .filter((s) => !/\p{Cs}/u.test(s) && !/(?![\t\n\r])\p{Cc}/u.test(s));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const envelope = await sealMessage(
          alice.ring,
          { conversationId: CONVERSATION, kind: 'text', recipients: [bob.peer, carol.peer] },
          { text: t },
        );
        expect(await openAsBob(envelope)).toBe(t);
        const asCarol = await openMessage(
          carol.ring,
          envelope,
          { conversationId: CONVERSATION, senderId: alice.userId },
          alice.publicKeys,
        );
        expect(asCarol.text).toBe(t);
      }),
      { numRuns: 60 },
    );
  });
});
