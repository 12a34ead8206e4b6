import { beforeAll, describe, expect, it } from 'vitest';
import {
  CryptoError,
  fromBase64Url,
  openMessage,
  readEnvelopeHeader,
  sealMessage,
  toBase64Url,
  type CryptoErrorCode,
  type MessageAddress,
  type MessageContent,
} from '@herald/crypto';
import { MessageEnvelope, withoutRecipients } from '@herald/shared';
import { CONVERSATION, OTHER_CONVERSATION, makeUser, seededRandom, uuid, type TestUser } from './helpers.js';
import { referenceEnvelope } from './reference-format.js';

const enc = new TextEncoder();

async function rejects(promise: Promise<unknown>, code: CryptoErrorCode): Promise<CryptoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected CryptoError ${code}`).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
  return error as CryptoError;
}

/** An envelope as plain JSON, loosely typed so that tests can damage it. */
interface WireEnvelope {
  header: { v: unknown; recipients: string[]; [field: string]: unknown };
  body: string;
  keys: Record<string, string>;
  sig: string;
}

/** Edits an envelope's JSON (what a malicious server or network could do). */
function edit(envelope: string, change: (e: WireEnvelope) => void): string {
  const value = JSON.parse(envelope) as WireEnvelope;
  change(value);
  return JSON.stringify(value);
}

/** Flips one bit of a base64url field. */
function flip(text: string, byte = 0, bit = 0): string {
  const bytes = fromBase64Url(text);
  bytes[byte]! ^= 1 << bit;
  return toBase64Url(bytes);
}

function uuidFromBytes(b: Uint8Array): string {
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
const direct = () => ({ conversationId: CONVERSATION, kind: 'text' as const, recipients: [alice.peer, bob.peer] });
const fromAlice = { conversationId: CONVERSATION, senderId: '' };

beforeAll(() => {
  alice = makeUser(uuid(0xa), { seed: 'alice' });
  bob = makeUser(uuid(0xb), { seed: 'bob' });
  carol = makeUser(uuid(0xc), { seed: 'carol' });
  dave = makeUser(uuid(0xd), { seed: 'dave' });
  fromAlice.senderId = alice.userId;
});

describe('round trips', () => {
  it('direct chat: the recipient and the sender (own copy) both read it', async () => {
    const envelope = await sealMessage(alice.ring, direct(), { text: 'hello, Bob' });
    for (const reader of [bob, alice]) {
      const plaintext = await openMessage(reader.ring, envelope, fromAlice, alice.publicKeys);
      expect(plaintext).toEqual({ conversationId: CONVERSATION, senderId: alice.userId, text: 'hello, Bob' });
    }
  });

  it('includes the sender even when the caller lists only the others, and sorts recipients', async () => {
    const envelope = await sealMessage(
      alice.ring,
      { conversationId: CONVERSATION, kind: 'text', recipients: [carol.peer, bob.peer] },
      { text: 'x' },
    );
    const header = readEnvelopeHeader(envelope);
    expect(header.recipients).toEqual([alice.userId, bob.userId, carol.userId]);
    expect(Object.keys(JSON.parse(envelope).keys)).toEqual(header.recipients);
    expect(header.senderId).toBe(alice.userId);
    expect(header.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(MessageEnvelope.safeParse(JSON.parse(envelope)).success).toBe(true);
  });

  it('carries media, unicode and unknown fields (room for later versions)', async () => {
    const media = {
      key: toBase64Url(new Uint8Array(32).fill(7)),
      sha256: toBase64Url(new Uint8Array(32).fill(9)),
      mimeType: 'video/mp4',
      size: 104_857_600,
      chunkSize: 65_536,
      width: 1920,
    };
    const envelope = await sealMessage(
      alice.ring,
      { ...direct(), kind: 'video' },
      { text: 'caption ✓ 🎬\nline two', media, replyTo: 'later-field' },
    );
    const opened = await openMessage(bob.ring, envelope, fromAlice, alice.publicKeys);
    expect(opened).toEqual({
      conversationId: CONVERSATION,
      senderId: alice.userId,
      text: 'caption ✓ 🎬\nline two',
      media,
      replyTo: 'later-field',
    });
  });

  it('a 256-member group: every member and the sender read it', { timeout: 120_000 }, async () => {
    const members = Array.from({ length: 255 }, (_, i) => makeUser(uuid(0x1000 + i, 'a0000000')));
    const address: MessageAddress = {
      conversationId: CONVERSATION,
      kind: 'text',
      recipients: members.map((m) => m.peer),
    };
    const envelope = await sealMessage(alice.ring, address, { text: 'to everyone' });
    expect(readEnvelopeHeader(envelope).recipients).toHaveLength(256);
    const readers = [alice, ...members];
    const texts = await Promise.all(
      readers.map(async (r) => (await openMessage(r.ring, envelope, fromAlice, alice.publicKeys)).text),
    );
    expect(new Set(texts)).toEqual(new Set(['to everyone']));
    // A 257th recipient is refused before anything is sealed.
    await rejects(
      sealMessage(alice.ring, { ...address, recipients: [...address.recipients, carol.peer] }, { text: 'x' }),
      'invalid_argument',
    );
  });

  it('the @noble fallback and WebCrypto produce the same envelope and read each other', async () => {
    const nobleAlice = makeUser(alice.userId, { seed: 'alice', curves: 'noble' });
    const nobleBob = makeUser(bob.userId, { seed: 'bob', curves: 'noble' });
    expect(await nobleAlice.ring.backend()).toBe('noble');
    const a = await sealMessage(alice.ring, direct(), { text: 'same' }, { random: seededRandom('backends') });
    const b = await sealMessage(nobleAlice.ring, direct(), { text: 'same' }, { random: seededRandom('backends') });
    expect(b).toBe(a);
    expect((await openMessage(nobleBob.ring, a, fromAlice, alice.publicKeys)).text).toBe('same');
    await rejects(
      openMessage(
        nobleBob.ring,
        edit(a, (e) => (e.sig = flip(e.sig, 5))),
        fromAlice,
        alice.publicKeys,
      ),
      'bad_signature',
    );
  });

  it('writes exactly the documented format (checked against an independent implementation)', async () => {
    const random = seededRandom('reference');
    const envelope = await sealMessage(
      alice.ring,
      { conversationId: CONVERSATION, kind: 'text', recipients: [carol.peer, bob.peer] },
      { text: 'per the spec' },
      { random },
    );
    const draws = seededRandom('reference');
    const messageId = uuidFromBytes(draws(16));
    const contentKey = draws(32);
    const recipients = [alice, bob, carol].map((u) => ({
      userId: u.userId,
      x25519Public: u.keys.x25519.publicKey,
      nonce: draws(24),
    }));
    const plaintext = enc.encode(
      JSON.stringify({ conversationId: CONVERSATION, senderId: alice.userId, text: 'per the spec' }),
    );
    expect(envelope).toBe(
      referenceEnvelope({
        sender: alice,
        recipients,
        conversationId: CONVERSATION,
        messageId,
        kind: 'text',
        plaintext,
        contentKey,
      }),
    );
  });
});

describe('tampering and misdirection are rejected', () => {
  let envelope: string;
  beforeAll(async () => {
    envelope = await sealMessage(
      alice.ring,
      { conversationId: CONVERSATION, kind: 'text', recipients: [bob.peer, carol.peer] },
      { text: 'original' },
    );
  });
  const asBob = (e: string) => openMessage(bob.ring, e, fromAlice, alice.publicKeys);

  it('opens untouched (control)', async () => {
    expect((await asBob(envelope)).text).toBe('original');
  });

  it('body ciphertext: any bit', async () => {
    const bodyLength = fromBase64Url(JSON.parse(envelope).body).length;
    for (const byte of [0, Math.floor(bodyLength / 2), bodyLength - 1]) {
      await rejects(asBob(edit(envelope, (e) => (e.body = flip(e.body, byte, 3)))), 'bad_signature');
    }
    await rejects(
      asBob(edit(envelope, (e) => (e.body = toBase64Url(fromBase64Url(e.body).subarray(1))))),
      'bad_signature',
    );
  });

  it('header fields: message id, kind, recipients, version', async () => {
    await rejects(asBob(edit(envelope, (e) => (e.header.messageId = uuid(99)))), 'tampered');
    await rejects(asBob(edit(envelope, (e) => (e.header.kind = 'image'))), 'tampered');
    // Dropping a recipient from the header (the list stays sorted and keeps the sender).
    await rejects(
      asBob(
        edit(envelope, (e) => {
          e.header.recipients = e.header.recipients.filter((id) => id !== carol.userId);
          delete e.keys[carol.userId];
        }),
      ),
      'tampered',
    );
    // Adding one.
    await rejects(
      asBob(edit(envelope, (e) => (e.header.recipients = [...e.header.recipients, dave.userId].sort()))),
      'tampered',
    );
    await rejects(asBob(edit(envelope, (e) => (e.header.v = 2))), 'unsupported_version');
    await rejects(asBob(edit(envelope, (e) => (e.header.extra = 1))), 'malformed');
    await rejects(asBob(edit(envelope, (e) => e.header.recipients.reverse())), 'malformed');
  });

  it('the signature', async () => {
    await rejects(asBob(edit(envelope, (e) => (e.sig = flip(e.sig, 0)))), 'bad_signature');
    await rejects(asBob(edit(envelope, (e) => (e.sig = flip(e.sig, 63, 7)))), 'bad_signature');
    // A valid signature by someone else over the same bytes is not Alice's.
    await rejects(
      openMessage(bob.ring, envelope, fromAlice, {
        ...alice.publicKeys,
        ed25519PublicKey: carol.publicKeys.ed25519PublicKey,
      }),
      'bad_signature',
    );
    // Non-canonical base64url (stray low bits in the last character) is refused outright.
    const sig: string = JSON.parse(envelope).sig;
    const last = sig.at(-1)!;
    const sibling = 'AQgw'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last;
    if (sibling !== last)
      await rejects(asBob(edit(envelope, (e) => (e.sig = sig.slice(0, -1) + sibling))), 'malformed');
  });

  it('the wrapped key and its nonce', async () => {
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = flip(e.keys[bob.userId]!, 40)))), 'tampered');
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = flip(e.keys[bob.userId]!, 71, 7)))), 'tampered');
    // The nonce is the first 24 bytes.
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = flip(e.keys[bob.userId]!, 0)))), 'tampered');
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = flip(e.keys[bob.userId]!, 23, 7)))), 'tampered');
    // Carol's wrapped key put in Bob's place.
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = e.keys[carol.userId]!))), 'tampered');
    await rejects(asBob(edit(envelope, (e) => (e.keys[bob.userId] = e.keys[bob.userId]!.slice(1)))), 'malformed');
  });

  it('a header moved to another conversation or sender', async () => {
    // Served in another conversation than the one it was sealed for.
    await rejects(
      openMessage(bob.ring, envelope, { conversationId: OTHER_CONVERSATION, senderId: alice.userId }, alice.publicKeys),
      'wrong_conversation',
    );
    // Presented as Carol's message.
    await rejects(
      openMessage(bob.ring, envelope, { conversationId: CONVERSATION, senderId: carol.userId }, carol.publicKeys),
      'wrong_sender',
    );
    // The header rewritten to match the new place: the wraps and the signature no longer fit.
    const moved = edit(envelope, (e) => (e.header.conversationId = OTHER_CONVERSATION));
    await rejects(
      openMessage(bob.ring, moved, { conversationId: OTHER_CONVERSATION, senderId: alice.userId }, alice.publicKeys),
      'tampered',
    );
    const resent = edit(envelope, (e) => (e.header.senderId = carol.userId));
    await rejects(
      openMessage(bob.ring, resent, { conversationId: CONVERSATION, senderId: carol.userId }, carol.publicKeys),
      'tampered',
    );
  });

  it("the sender's keys from the directory are not the ones it was sealed with", async () => {
    await rejects(
      openMessage(bob.ring, envelope, fromAlice, {
        ...alice.publicKeys,
        x25519PublicKey: dave.publicKeys.x25519PublicKey,
      }),
      'tampered',
    );
    await rejects(
      openMessage(bob.ring, envelope, fromAlice, { ...alice.publicKeys, ed25519PublicKey: 'short' }),
      'bad_public_key',
    );
  });

  it('a reader without a wrapped key gets not_a_recipient', async () => {
    await rejects(openMessage(dave.ring, envelope, fromAlice, alice.publicKeys), 'not_a_recipient');
  });

  it('not an envelope at all', async () => {
    await rejects(asBob('plain text from before encryption'), 'malformed');
    await rejects(asBob('{"text":"hi"}'), 'malformed');
    await rejects(asBob('null'), 'malformed');
    await rejects(asBob(edit(envelope, (e) => (e.header.v = 'one'))), 'malformed');
  });
});

describe('dishonest senders', () => {
  function craft(plaintext: object | Uint8Array, options?: { kind?: 'text' | 'image'; keyForBob?: Uint8Array }) {
    const random = seededRandom(`craft-${JSON.stringify(plaintext)}`);
    const contentKey = random(32);
    return referenceEnvelope({
      sender: alice,
      recipients: [alice, bob].map((u) => ({
        userId: u.userId,
        x25519Public: u.keys.x25519.publicKey,
        nonce: random(24),
        ...(u === bob && options?.keyForBob ? { contentKey: options.keyForBob } : {}),
      })),
      conversationId: CONVERSATION,
      messageId: uuid(77),
      kind: options?.kind ?? 'text',
      plaintext: plaintext instanceof Uint8Array ? plaintext : enc.encode(JSON.stringify(plaintext)),
      contentKey,
    });
  }
  const asBob = (e: string) => openMessage(bob.ring, e, fromAlice, alice.publicKeys);

  it('a correctly signed envelope opens (control)', async () => {
    expect((await asBob(craft({ conversationId: CONVERSATION, senderId: alice.userId, text: 'ok' }))).text).toBe('ok');
  });

  it('a plaintext naming another conversation or sender than its header', async () => {
    await rejects(
      asBob(craft({ conversationId: OTHER_CONVERSATION, senderId: alice.userId, text: 'x' })),
      'wrong_conversation',
    );
    await rejects(asBob(craft({ conversationId: CONVERSATION, senderId: carol.userId, text: 'x' })), 'wrong_sender');
  });

  it('a plaintext that is not a valid message', async () => {
    await rejects(asBob(craft(new Uint8Array([0xff, 0xfe]))), 'malformed');
    await rejects(asBob(craft(enc.encode('not json'))), 'malformed');
    await rejects(asBob(craft({ conversationId: CONVERSATION, senderId: alice.userId })), 'malformed');
    await rejects(
      asBob(craft({ conversationId: CONVERSATION, senderId: alice.userId, text: 'nul\u0000' })),
      'malformed',
    );
    // kind and media disagree
    await rejects(
      asBob(craft({ conversationId: CONVERSATION, senderId: alice.userId, text: 'x' }, { kind: 'image' })),
      'malformed',
    );
  });

  it('a different content key for one reader (showing members different texts) fails the signature', async () => {
    const envelope = craft(
      { conversationId: CONVERSATION, senderId: alice.userId, text: 'x' },
      { keyForBob: new Uint8Array(32).fill(1) },
    );
    await rejects(asBob(envelope), 'bad_signature');
    expect((await openMessage(alice.ring, envelope, fromAlice, alice.publicKeys)).text).toBe('x');
  });
});

describe('scheduled delivery: stripping the keys of members who left', () => {
  it('keeps opening for those kept and gives not_a_recipient to those removed', async () => {
    const envelope = await sealMessage(
      alice.ring,
      { conversationId: CONVERSATION, kind: 'text', recipients: [bob.peer, carol.peer] },
      { text: 'due later' },
    );
    const stripped = withoutRecipients(envelope, new Set([alice.userId, bob.userId, dave.userId]));
    expect(Object.keys(JSON.parse(stripped).keys)).toEqual([alice.userId, bob.userId]);
    expect(readEnvelopeHeader(stripped)).toEqual(readEnvelopeHeader(envelope));
    expect((await openMessage(bob.ring, stripped, fromAlice, alice.publicKeys)).text).toBe('due later');
    expect((await openMessage(alice.ring, stripped, fromAlice, alice.publicKeys)).text).toBe('due later');
    const gone = await rejects(openMessage(carol.ring, stripped, fromAlice, alice.publicKeys), 'not_a_recipient');
    expect(gone.message).toMatch(/removed/);
    // Dave joined later: he was never addressed.
    await rejects(openMessage(dave.ring, stripped, fromAlice, alice.publicKeys), 'not_a_recipient');
  });
});

describe('members without keys yet', () => {
  it('are addressed (listed in the header) without a wrapped key', async () => {
    const envelope = await sealMessage(
      alice.ring,
      {
        conversationId: CONVERSATION,
        kind: 'text',
        recipients: [bob.peer, { userId: dave.userId, x25519PublicKey: null }],
      },
      { text: 'hi all' },
    );
    expect(readEnvelopeHeader(envelope).recipients).toEqual([alice.userId, bob.userId, dave.userId]);
    expect(Object.keys(JSON.parse(envelope).keys)).toEqual([alice.userId, bob.userId]);
    expect((await openMessage(bob.ring, envelope, fromAlice, alice.publicKeys)).text).toBe('hi all');
    await rejects(openMessage(dave.ring, envelope, fromAlice, alice.publicKeys), 'not_a_recipient');
  });
});

describe('sealing refuses bad input', () => {
  it('ids, kinds, duplicates, content and public keys', async () => {
    const seal = (address: Partial<MessageAddress>, content: MessageContent = { text: 'x' }) =>
      sealMessage(alice.ring, { ...direct(), ...address }, content);
    await rejects(seal({ conversationId: 'C0000000-0000-4000-8000-000000000001' }), 'invalid_argument');
    await rejects(seal({ kind: 'audio' as 'text' }), 'invalid_argument');
    await rejects(seal({ recipients: [bob.peer, bob.peer] }), 'invalid_argument');
    await rejects(
      seal({ recipients: [{ userId: 'bob', x25519PublicKey: bob.peer.x25519PublicKey }] }),
      'invalid_argument',
    );
    await rejects(seal({}, { text: 'x', conversationId: OTHER_CONVERSATION }), 'invalid_argument');
    await rejects(seal({}, { text: 'bad\u0007' }), 'invalid_argument');
    await rejects(seal({ kind: 'image' }), 'invalid_argument');
    const bad = await rejects(
      seal({ recipients: [{ userId: dave.userId, x25519PublicKey: 'A'.repeat(43) }] }),
      'bad_public_key',
    );
    expect(bad.userId).toBe(dave.userId);
    await rejects(seal({ recipients: [{ userId: dave.userId, x25519PublicKey: 'nope' }] }), 'bad_public_key');
  });

  it('too large for the server', async () => {
    // A text is at most MAX_TEXT_LENGTH; later fields of the plaintext are not bounded by it.
    await rejects(sealMessage(alice.ring, direct(), { text: 'hi', note: 'x'.repeat(200_000) }), 'too_large');
  });
});
