import { describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  openFileBytes,
  openKeyBundle,
  openMessage,
  publicKeysOf,
  sealFileBytes,
  sealKeyBundle,
  sealMessage,
  toBase64Url,
} from '@herald/crypto';
import { CONVERSATION, makeUser, seededRandom, uuid } from './helpers.js';

/**
 * Pinned test vectors. They must keep opening for as long as clients may meet data written in
 * format version 1, and sealing the same inputs must give exactly the same bytes: a format change
 * cannot go unnoticed. If one of these fails, do not update the constant: bump the format version
 * (and keep reading version 1), or find what broke.
 *
 * Inputs: key pairs from `seededRandom('vector/alice' | 'vector/bob')` (x25519 secret first, then
 * the ed25519 seed) and per-message randomness from `seededRandom('vector/message')` (message id,
 * content key, then one wrap nonce per recipient in sorted order); see helpers.ts.
 */
const ALICE_PUBLIC = {
  x25519PublicKey: 'aoZuA7pIdPILzeLQOWtCNlzHhnM8RLV6GEwaWY_ZSDM',
  ed25519PublicKey: 'gquj1ZVBB0gMDt3_yVvuKvzT4zZ4k-g583zPG94JsmU',
};
const BOB_PUBLIC = {
  x25519PublicKey: 'v37RJVnlNioTuGJH4Tdma-dn2OFqdo8CmLK2aG7G-2g',
  ed25519PublicKey: 'QF6uEd1WwBq1UEHqx6QC42niRg0Dg33nZ1q0ryhNwfE',
};

const PINNED_ENVELOPE =
  '{"header":{"v":1,"conversationId":"c0000000-0000-4000-8000-000000000001","senderId":"00000000-0000-4000-8000-00000000000a","messageId":"965f7839-8d20-45e6-8413-1a885dab5956","kind":"text","recipients":["00000000-0000-4000-8000-00000000000a","00000000-0000-4000-8000-00000000000b"]},"body":"r0NDStxozvJBabKJ_qepf_2-OVe-oSorXSjYVegsPk-lIH0A0ZBy2eicR2_t9V0PW-0q0nixepeIDyfErdkX1s3ec07aMtbNioASgs03KFxqDtsT88-ae8zrr2mBMuy5NdzyVjVa7dcyBr1dj85ueV_zWxuJsMy8-I887IZanM5BwHkn2Y6Z7MvwWwp3sX89-LpSrfFA9uY","keys":{"00000000-0000-4000-8000-00000000000a":"mIsPqFwQR3SGms7cSuNgYejGHNuag-2hAmP6-zMiZ9OBRt5unlWEdXsqbBJUDgnpqxs6XevMUBi3YpLno5_ZIQ0gmvExaP_x","00000000-0000-4000-8000-00000000000b":"IEitBPnEfO8c30V6PMCibkBBIuJPPqOn-AkD7QzjEtSgvHFooNedNZqfVEk_t_3kCV8sGZfQiHtkAPEkHH0bl_pQu-cVV7pU"},"sig":"kG1gk0z9_hP_1pFi-KJ4NWrk1obOpp6JnvG9u3wOPXSqlRdj083Ej0nRJjJb6NuZGGgO8gZrIFdcg2PjC_bTAg"}';

const PINNED_BUNDLE =
  'AfXVUx0L0qpG0v--nkfMBHkUcRW-UJi76d3NFycm1S-A1XFfK9gxUjepc1DlfQPFSDjenQFHZPwVzt-gekp0GE0y0PKIp6XfvqMYDfEPJ80uyBgv2spE6I88dr06JfQZSxehTYbOObX0';

const FILE_PLAINTEXT = 'A pinned file of forty-some bytes, in 16-byte chunks.';
const PINNED_FILE =
  'SFJMRgEAAAAQJ8fi376qgajlC0HVH_87ZYhorjcei__0G2cBIT38z01kCArG7AOFWVEyPdl3wlJI9mw0rTV4KEaoS_k6gstzxR1wyhkn0BDUJ1K6i0i678Ycs4uG2Sd0wPRP_SyAYrkUV5xFkpE3sO2kf8o-YRL4xv4PqcXfLWHs7xkj4Au4WkMUBxrvyPQvGQ';
const PINNED_FILE_SECRETS = {
  key: 'RIQOHfQuI2T0TCHK2JGmOIswGQVLNUkS98mavQH6mDs',
  sha256: 'RSxR93sGy5perEiAQ-hde1UO4QQa4XU8cppOr-809GI',
  size: 53,
  chunkSize: 16,
};

describe('pinned test vectors (format version 1)', () => {
  const alice = makeUser(uuid(0xa), { seed: 'vector/alice' });
  const bob = makeUser(uuid(0xb), { seed: 'vector/bob' });
  const aliceNoble = makeUser(uuid(0xa), { seed: 'vector/alice', curves: 'noble' });
  const bobNoble = makeUser(uuid(0xb), { seed: 'vector/bob', curves: 'noble' });
  const address = { conversationId: CONVERSATION, kind: 'text' as const, recipients: [bob.peer] };
  const content = { text: 'Pinned: h\u00e9llo \u{1f44b}' };
  const from = { conversationId: CONVERSATION, senderId: alice.userId };

  it('key pairs', () => {
    expect(alice.publicKeys).toEqual(ALICE_PUBLIC);
    expect(bob.publicKeys).toEqual(BOB_PUBLIC);
  });

  it('the envelope opens, for the recipient and the sender, with either backend', async () => {
    for (const reader of [bob, alice, bobNoble, aliceNoble]) {
      expect(await openMessage(reader.ring, PINNED_ENVELOPE, from, ALICE_PUBLIC)).toEqual({
        conversationId: CONVERSATION,
        senderId: alice.userId,
        ...content,
      });
    }
  });

  it('sealing the same inputs gives exactly the pinned envelope, with either backend', async () => {
    for (const sender of [alice, aliceNoble]) {
      const random = seededRandom('vector/message');
      expect(await sealMessage(sender.ring, address, content, { random })).toBe(PINNED_ENVELOPE);
    }
  });

  it('the key bundle', () => {
    const key = new Uint8Array(32).fill(0x42);
    expect(sealKeyBundle(alice.keys, key, { random: seededRandom('vector/bundle') })).toBe(PINNED_BUNDLE);
    expect(publicKeysOf(openKeyBundle(PINNED_BUNDLE, key))).toEqual(ALICE_PUBLIC);
  });

  it('the encrypted file opens and sealing it again gives the same bytes', async () => {
    const plaintext = new TextEncoder().encode(FILE_PLAINTEXT);
    const opened = await openFileBytes(fromBase64Url(PINNED_FILE), PINNED_FILE_SECRETS.key, PINNED_FILE_SECRETS);
    expect(new TextDecoder().decode(opened)).toBe(FILE_PLAINTEXT);
    const sealed = await sealFileBytes(plaintext, { chunkSize: 16, random: seededRandom('vector/file') });
    expect(toBase64Url(sealed.ciphertext)).toBe(PINNED_FILE);
    expect(sealed.file).toEqual(PINNED_FILE_SECRETS);
  });
});
