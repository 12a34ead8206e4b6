import { generateUserKeys, publicKeysOf, type UserKeys } from '@herald/crypto';
import type { PublicKeysView } from '@herald/shared';
import { unlockWith, wipeDeviceKeys } from '../lib/e2ee';
import type { fakeServer } from './network';

/**
 * Real keys for tests (no fake crypto): people with generated key pairs, my ring opened with
 * mine, and the server's key directory answered from them through the fake network.
 */
export interface TestPerson {
  userId: string;
  keys: UserKeys | null;
}

export function keyed(userId: string): TestPerson {
  return { userId, keys: generateUserKeys() };
}

export function viewOf(person: TestPerson): PublicKeysView {
  const pub = person.keys ? publicKeysOf(person.keys) : null;
  return {
    userId: person.userId as PublicKeysView['userId'],
    x25519PublicKey: pub?.x25519PublicKey ?? null,
    ed25519PublicKey: pub?.ed25519PublicKey ?? null,
    keysChangedAt: pub ? '2026-03-01T00:00:00.000Z' : null,
  };
}

/** Opens my ring (as signing in would) and serves the directory for a conversation's members. */
export async function signInWithKeys(
  server: ReturnType<typeof fakeServer>,
  me: TestPerson,
  conversations: Record<string, TestPerson[]>,
): Promise<void> {
  await wipeDeviceKeys();
  if (me.keys) await unlockWith(me.userId, me.keys);
  const everyone = new Map<string, TestPerson>();
  for (const members of Object.values(conversations)) for (const p of members) everyone.set(p.userId, p);
  server.on('GET', /^\/api\/conversations\/[^/]+\/keys$/, (call) => {
    const id = call.path.split('/')[3]!;
    const members = conversations[id];
    if (!members) return { status: 404, error: { code: 'not_found', message: 'Not found.' } };
    return {
      data: {
        conversationId: id,
        members: [...members].sort((a, b) => (a.userId < b.userId ? -1 : 1)).map(viewOf),
      },
    };
  });
  server.on('GET', /^\/api\/users\/[^/]+\/keys$/, (call) => {
    const person = everyone.get(call.path.split('/')[3]!);
    return person ? { data: viewOf(person) } : { status: 404, error: { code: 'not_found', message: 'Not found.' } };
  });
}
