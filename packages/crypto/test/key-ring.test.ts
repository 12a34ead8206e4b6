import { describe, expect, it } from 'vitest';
import { CryptoError, KeyRing, openMessage, sealMessage } from '@herald/crypto';
import { CONVERSATION, makeUser, uuid } from './helpers.js';

describe('the key ring', () => {
  it('derives the same pairwise key on both sides, different for every pair', async () => {
    const a = makeUser(uuid(1));
    const b = makeUser(uuid(2));
    const c = makeUser(uuid(3));
    const ab = await a.ring.wrappingKey(b.peer);
    expect(ab).toHaveLength(32);
    expect(await b.ring.wrappingKey(a.peer)).toEqual(ab);
    expect(await a.ring.wrappingKey(c.peer)).not.toEqual(ab);
    expect(await a.ring.wrappingKey(a.peer)).not.toEqual(ab);
  });

  it('is the same with WebCrypto and with @noble', async () => {
    const a = makeUser(uuid(1), { seed: 'a' });
    const aNoble = makeUser(uuid(1), { seed: 'a', curves: 'noble' });
    const b = makeUser(uuid(2), { seed: 'b' });
    expect(await aNoble.ring.wrappingKey(b.peer)).toEqual(await a.ring.wrappingKey(b.peer));
  });

  it('caches per peer, and derives anew when the peer key changes', async () => {
    const a = makeUser(uuid(1));
    const b = makeUser(uuid(2));
    const first = a.ring.wrappingKey(b.peer);
    expect(a.ring.wrappingKey(b.peer)).toBe(first);
    expect(a.ring.cachedKeyCount).toBe(1);
    const bNew = makeUser(uuid(2));
    const changed = await a.ring.wrappingKey(bNew.peer);
    expect(changed).not.toEqual(await first);
    expect(a.ring.cachedKeyCount).toBe(1);
  });

  it('makes a warm group seal cost no key agreement', async () => {
    const a = makeUser(uuid(1));
    const members = Array.from({ length: 20 }, (_, i) => makeUser(uuid(100 + i)));
    const address = { conversationId: CONVERSATION, kind: 'text' as const, recipients: members.map((m) => m.peer) };
    await sealMessage(a.ring, address, { text: 'cold' });
    expect(a.ring.cachedKeyCount).toBe(21);
    const cached = await Promise.all(members.map((m) => a.ring.wrappingKey(m.peer)));
    await sealMessage(a.ring, address, { text: 'warm' });
    const after = await Promise.all(members.map((m) => a.ring.wrappingKey(m.peer)));
    after.forEach((key, i) => expect(key).toBe(cached[i]));
  });

  it('prepare() warms the cache for a conversation and skips what it cannot use', async () => {
    const a = makeUser(uuid(1));
    const members = Array.from({ length: 5 }, (_, i) => makeUser(uuid(200 + i)));
    await a.ring.prepare([
      ...members.map((m) => m.peer),
      { userId: uuid(300), x25519PublicKey: null },
      { userId: uuid(301), x25519PublicKey: 'A'.repeat(43) },
    ]);
    expect(a.ring.cachedKeyCount).toBe(5);
  });

  it('does not cache a failed derivation', async () => {
    const a = makeUser(uuid(1));
    await expect(a.ring.wrappingKey({ userId: uuid(9), x25519PublicKey: 'A'.repeat(43) })).rejects.toThrow(CryptoError);
    expect(a.ring.cachedKeyCount).toBe(0);
  });

  it('forget() wipes cached keys and refuses further use', async () => {
    const a = makeUser(uuid(1));
    const b = makeUser(uuid(2));
    const envelope = await sealMessage(
      a.ring,
      { conversationId: CONVERSATION, kind: 'text', recipients: [b.peer] },
      { text: 'x' },
    );
    const key = await a.ring.wrappingKey(b.peer);
    a.ring.forget();
    expect(key.every((byte) => byte === 0)).toBe(true);
    expect(a.ring.cachedKeyCount).toBe(0);
    expect(a.ring.forgotten).toBe(true);
    // The caller's own keys are untouched (the ring kept copies).
    expect(a.keys.x25519.secretKey.some((byte) => byte !== 0)).toBe(true);
    await expect(
      sealMessage(a.ring, { conversationId: CONVERSATION, kind: 'text', recipients: [b.peer] }, { text: 'x' }),
    ).rejects.toMatchObject({ code: 'key_ring_forgotten' });
    await expect(
      openMessage(a.ring, envelope, { conversationId: CONVERSATION, senderId: a.userId }, a.publicKeys),
    ).rejects.toMatchObject({ code: 'key_ring_forgotten' });
    expect(() => a.ring.wrappingKey(b.peer)).toThrow(CryptoError);
    // A new ring from the same keys (next login) works.
    const again = new KeyRing({ userId: a.userId, keys: a.keys });
    expect(
      (await openMessage(again, envelope, { conversationId: CONVERSATION, senderId: a.userId }, a.publicKeys)).text,
    ).toBe('x');
  });

  it('refuses ids that are not lower-case UUIDs', () => {
    const a = makeUser(uuid(1));
    expect(() => new KeyRing({ userId: uuid(0xabc).toUpperCase(), keys: a.keys })).toThrow(CryptoError);
  });
});
