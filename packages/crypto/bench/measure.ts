/**
 * What the E2EE library costs, measured in whatever runtime imports this (Node: node.ts; Chromium:
 * browser.ts bundles it into a page). Times are medians of repeated runs on a shared machine: read
 * them as orders of magnitude, never as assertions. Sizes are exact.
 */
import {
  KeyRing,
  generateUserKeys,
  openFile,
  openMessage,
  publicKeysOf,
  safetyNumber,
  sealFile,
  sealKeyBundle,
  openKeyBundle,
  sealMessage,
  type CurvePreference,
  type UserKeys,
} from '../src/index.js';

export interface Timing {
  median: number;
  p90: number;
  runs: number;
}

export interface Results {
  backend: string;
  sizes: {
    directText20: { envelope: number; overhead: number };
    group256Text20: { envelope: number; overhead: number; perRecipient: number };
    keyBundle: number;
  };
  ms: Record<string, Timing>;
  fileMBps: { seal: number; open: number };
}

interface User {
  userId: string;
  keys: UserKeys;
  publicKeys: { x25519PublicKey: string; ed25519PublicKey: string };
  peer: { userId: string; x25519PublicKey: string };
}

const TEXT20 = 'Lunch at 12:30 then?';

function user(n: number): User {
  const keys = generateUserKeys();
  const publicKeys = publicKeysOf(keys);
  const userId = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  return { userId, keys, publicKeys, peer: { userId, x25519PublicKey: publicKeys.x25519PublicKey } };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn(); // warm-up (JIT, lazily imported keys)
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    median: round(samples[Math.floor(runs / 2)]!),
    p90: round(samples[Math.floor(runs * 0.9)]!),
    runs,
  };
}

export async function measure(curves: CurvePreference = 'auto', scale = 1): Promise<Results> {
  const conversationId = 'c0000000-0000-4000-8000-000000000001';
  const alice = user(1);
  const bob = user(2);
  const members = Array.from({ length: 255 }, (_, i) => user(100 + i));
  const ringOf = (u: User) => new KeyRing({ userId: u.userId, keys: u.keys }, { curves });
  const aliceRing = ringOf(alice);
  const backend = await aliceRing.backend();
  const direct = { conversationId, kind: 'text' as const, recipients: [bob.peer] };
  const group = { conversationId, kind: 'text' as const, recipients: members.map((m) => m.peer) };
  const runs = (n: number) => Math.max(3, Math.round(n * scale));
  const ms: Record<string, Timing> = {};

  // Sizes.
  const directEnvelope = await sealMessage(aliceRing, direct, { text: TEXT20 });
  const groupEnvelope = await sealMessage(aliceRing, group, { text: TEXT20 });
  const group255 = await sealMessage(aliceRing, { ...group, recipients: group.recipients.slice(1) }, { text: TEXT20 });

  // Messages.
  ms.sealDirectWarm = await time(runs(200), () => sealMessage(aliceRing, direct, { text: TEXT20 }));
  ms.sealDirectCold = await time(runs(50), () => sealMessage(ringOf(alice), direct, { text: TEXT20 }));
  ms.sealGroup256Warm = await time(runs(50), () => sealMessage(aliceRing, group, { text: TEXT20 }));
  ms.sealGroup256Cold = await time(runs(5), () => sealMessage(ringOf(alice), group, { text: TEXT20 }));
  const bobRing = ringOf(bob);
  const from = { conversationId, senderId: alice.userId };
  ms.openDirectWarm = await time(runs(200), () => openMessage(bobRing, directEnvelope, from, alice.publicKeys));
  ms.openDirectCold = await time(runs(50), () => openMessage(ringOf(bob), directEnvelope, from, alice.publicKeys));
  const memberRing = ringOf(members[200]!);
  ms.openGroup256Warm = await time(runs(100), () => openMessage(memberRing, groupEnvelope, from, alice.publicKeys));

  // A page of 50 messages of a direct chat, half from each side, opened by Bob on a fresh ring
  // (first page after login: two key agreements, then symmetric work and 50 verifications).
  const bobSender = ringOf(bob);
  const page: { envelope: string; senderId: string }[] = [];
  for (let i = 0; i < 50; i++) {
    const fromAlice = i % 2 === 0;
    const envelope = await sealMessage(fromAlice ? aliceRing : bobSender, direct, { text: `${TEXT20} #${i}` });
    page.push({ envelope, senderId: fromAlice ? alice.userId : bob.userId });
  }
  const keysOf = (id: string) => (id === alice.userId ? alice.publicKeys : bob.publicKeys);
  const openPage = async (ring: KeyRing, parallel: boolean) => {
    if (parallel) {
      await Promise.all(
        page.map((m) => openMessage(ring, m.envelope, { conversationId, senderId: m.senderId }, keysOf(m.senderId))),
      );
    } else {
      for (const m of page)
        await openMessage(ring, m.envelope, { conversationId, senderId: m.senderId }, keysOf(m.senderId));
    }
  };
  ms.openPage50Cold = await time(runs(20), () => openPage(ringOf(bob), false));
  ms.openPage50ColdParallel = await time(runs(20), () => openPage(ringOf(bob), true));
  const warm = ringOf(bob);
  ms.openPage50Warm = await time(runs(20), () => openPage(warm, false));

  // Keys.
  const encryptionKey = new Uint8Array(32).fill(1);
  const bundle = sealKeyBundle(alice.keys, encryptionKey);
  ms.generateUserKeys = await time(runs(20), async () => generateUserKeys());
  ms.openKeyBundle = await time(runs(20), async () => openKeyBundle(bundle, encryptionKey));
  ms.safetyNumber = await time(runs(5), async () =>
    safetyNumber({ userId: alice.userId, ...alice.publicKeys }, { userId: bob.userId, ...bob.publicKeys }),
  );

  // Files: 8 MB through the streaming API in 64 KiB pieces.
  const fileBytes = 8 * 1024 * 1024;
  const piece = new Uint8Array(64 * 1024).fill(7);
  async function* source() {
    for (let sent = 0; sent < fileBytes; sent += piece.length) yield piece;
  }
  let ciphertext: Uint8Array[] = [];
  const sealStart = performance.now();
  const sealed = sealFile(source());
  for await (const chunk of sealed.chunks) ciphertext.push(chunk);
  const file = await sealed.done;
  const sealSeconds = (performance.now() - sealStart) / 1000;
  const key = sealed.key;
  const openStart = performance.now();
  let opened = 0;
  for await (const chunk of openFile(ciphertext, key, file)) opened += chunk.length;
  const openSeconds = (performance.now() - openStart) / 1000;
  ciphertext = [];
  if (opened !== fileBytes) throw new Error('file round trip failed');
  const mb = fileBytes / 1024 / 1024;

  return {
    backend,
    sizes: {
      directText20: { envelope: directEnvelope.length, overhead: directEnvelope.length - TEXT20.length },
      group256Text20: {
        envelope: groupEnvelope.length,
        overhead: groupEnvelope.length - TEXT20.length,
        perRecipient: groupEnvelope.length - group255.length,
      },
      keyBundle: bundle.length,
    },
    ms,
    fileMBps: { seal: Math.round(mb / sealSeconds), open: Math.round(mb / openSeconds) },
  };
}
