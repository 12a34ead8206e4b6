/**
 * The people of the load benchmark, made through Herald's own API: accounts registered with real
 * keys (the client's key derivation and key bundle), direct chats and groups created by their
 * members, and one real sealed envelope per (sender, conversation), addressed to exactly the
 * conversation's members as the server requires. Sealing is client work and happens here, before
 * anything is measured; the same envelope is then sent many times (the server never opens it, so
 * its size and shape are what matter).
 */
import {
  deriveKeys,
  generateUserKeys,
  KeyRing,
  newKdfParams,
  publicKeysOf,
  sealKeyBundle,
  sealMessage,
} from '@herald/crypto';
import type { UserKeys as CryptoUserKeys } from '@herald/crypto';
import type { KdfDefaults } from '@herald/shared';
import { BENCH_TEXT } from '../envelopes.js';

export interface BenchUser {
  id: string;
  username: string;
  /** `herald_session=...`, as a browser would send it. */
  cookie: string;
  keys: CryptoUserKeys;
  x25519PublicKey: string;
}

export interface Api {
  baseUrl: string;
  origin: string;
}

export function apiOf(baseUrl: string): Api {
  return { baseUrl, origin: new URL(baseUrl).origin };
}

/** Browser-like headers: the session cookie, our Origin, JSON when there is a body to send. */
export function headersFor(api: Api, user: BenchUser, json: boolean): Record<string, string> {
  return { cookie: user.cookie, origin: api.origin, ...(json ? { 'content-type': 'application/json' } : {}) };
}

/** One API call as a signed-in user; anything but the expected status throws with the answer. */
export async function call<T>(
  api: Api,
  user: BenchUser,
  method: string,
  path: string,
  body: unknown,
  expected: number[],
): Promise<T> {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: headersFor(api, user, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expected.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { data: T }).data;
}

/** Runs `work` over `items` with at most `width` at a time. */
export async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T, i: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
    }),
  );
  return results;
}

/** Registers `count` accounts as the web client does (its KDF, its keys), 16 at a time. */
export async function registerUsers(api: Api, count: number, prefix: string): Promise<BenchUser[]> {
  const kdfRes = await fetch(`${api.baseUrl}/api/auth/kdf-params`);
  const { kdf: defaults } = ((await kdfRes.json()) as { data: { kdf: KdfDefaults } }).data;
  return inParallel(
    Array.from({ length: count }, (_, i) => `${prefix}${i}`),
    16,
    async (username) => {
      const kdf = newKdfParams(defaults);
      const { authKey } = await deriveKeys(`password of ${username}`, kdf);
      const keys = generateUserKeys();
      const encryptedPrivateKeys = sealKeyBundle(keys, crypto.getRandomValues(new Uint8Array(32)));
      const res = await fetch(`${api.baseUrl}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: api.origin },
        body: JSON.stringify({ username, authKey, kdf, keys: { ...publicKeysOf(keys), encryptedPrivateKeys } }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${text.slice(0, 300)}`);
      const cookie = /herald_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
      if (!cookie) throw new Error(`register ${username}: no session cookie`);
      const id = (JSON.parse(text) as { data: { user: { id: string } } }).data.user.id;
      return { id, username, cookie, keys, x25519PublicKey: publicKeysOf(keys).x25519PublicKey };
    },
  );
}

export interface Conversation {
  id: string;
  kind: 'direct' | 'group';
  members: BenchUser[];
}

export async function createDirect(api: Api, a: BenchUser, b: BenchUser): Promise<Conversation> {
  const { id } = await call<{ id: string }>(api, a, 'POST', '/api/conversations/direct', { userId: b.id }, [200, 201]);
  return { id, kind: 'direct', members: [a, b] };
}

export async function createGroup(api: Api, members: BenchUser[], title: string): Promise<Conversation> {
  const [owner, ...others] = members;
  const { id } = await call<{ id: string }>(
    api,
    owner!,
    'POST',
    '/api/conversations/group',
    { title, memberIds: others.map((m) => m.id) },
    [201],
  );
  return { id, kind: 'group', members };
}

/** Envelopes sealed by one user: a KeyRing per sender, so pairwise keys are derived once. */
export class Sealer {
  private readonly rings = new Map<string, KeyRing>();

  /** A text envelope from `sender` to every member of `conversation` (the sender included). */
  async seal(sender: BenchUser, conversation: Conversation): Promise<string> {
    let ring = this.rings.get(sender.id);
    if (!ring) {
      ring = new KeyRing({ userId: sender.id, keys: sender.keys });
      this.rings.set(sender.id, ring);
    }
    return sealMessage(
      ring,
      {
        conversationId: conversation.id,
        kind: 'text',
        recipients: conversation.members
          .filter((m) => m.id !== sender.id)
          .map((m) => ({ userId: m.id, x25519PublicKey: m.x25519PublicKey })),
      },
      { text: BENCH_TEXT },
    );
  }

  forget(): void {
    for (const ring of this.rings.values()) ring.forget();
    this.rings.clear();
  }
}
