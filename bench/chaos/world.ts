/**
 * The people and chats of the run, created through the API before any clock starts: senders
 * (who schedule), recipients (each holding one socket), one direct chat per recipient with a
 * sender, and groups of recipients owned by a sender. Registration derives keys for real, with a
 * cheap KDF (the processes' KDF_* settings) so that setup takes seconds.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { deriveKeys, newKdfParams, toBase64Url } from '@herald/crypto';
import type { KdfDefaults, MessageEnvelope } from '@herald/shared';
import { benchKeys } from '../envelopes.js';
import { ORIGIN, type Api, type User } from './api.js';
import type { Cluster } from './cluster.js';
import type { ChaosOptions } from './options.js';

export interface Chat {
  id: string;
  kind: 'direct' | 'group';
  /** Current members, sorted: an envelope's recipients. */
  members: string[];
  /** Who schedules into it. */
  sender: User;
}

export interface World {
  senders: User[];
  recipients: User[];
  chats: Chat[];
  /** Each recipient's chats (its direct chat and its group). */
  chatsOf: Map<string, Chat[]>;
  byId: Map<string, User>;
}

/**
 * A well-formed envelope addressed to the chat's members (what the server checks: shape, header,
 * recipients), with random body and signature: nobody reads the text in this run, and sealing
 * 20,000 messages for real would take the run's CPU. A fresh one per message, so that an edit's
 * content can be told apart from the original.
 */
export function envelopeFor(chat: Chat, senderId: string): string {
  const envelope: MessageEnvelope = {
    header: {
      v: 1,
      conversationId: chat.id,
      senderId,
      messageId: randomUUID(),
      kind: 'text',
      recipients: chat.members,
    },
    body: toBase64Url(randomBytes(48)),
    keys: {},
    sig: toBase64Url(randomBytes(64)),
  };
  return JSON.stringify(envelope);
}

async function register(cluster: Cluster, name: string, kdfDefaults: KdfDefaults): Promise<User> {
  const kdf = newKdfParams(kdfDefaults);
  const { authKey } = await deriveKeys(`chaos password ${name}`, kdf);
  const { payload } = benchKeys();
  const slot = cluster.pick()!;
  const res = await fetch(`${slot.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ username: name, authKey, kdf, keys: payload }),
  });
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${await res.text()}`);
  const cookie = /herald_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  const id = ((await res.json()) as { data: { user: { id: string } } }).data.user.id;
  if (!cookie) throw new Error(`register ${name}: no session cookie`);
  return { id, name, cookie };
}

/** Runs `fn` over `items`, `width` at a time. */
async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

export async function createWorld(cluster: Cluster, api: Api, options: ChaosOptions): Promise<World> {
  const slot = cluster.pick()!;
  const kdfRes = await fetch(`${slot.baseUrl}/api/auth/kdf-params`);
  const { kdf } = ((await kdfRes.json()) as { data: { kdf: KdfDefaults } }).data;
  const tag = randomBytes(3).toString('hex');
  const senders: User[] = [];
  const recipients: User[] = [];
  await eachLimited(Array.from({ length: options.senders }), 8, async (_, i) => {
    senders[i] = await register(cluster, `chaos-s${i}-${tag}`, kdf);
  });
  await eachLimited(Array.from({ length: options.clients }), 8, async (_, i) => {
    recipients[i] = await register(cluster, `chaos-r${i}-${tag}`, kdf);
  });

  const chats: Chat[] = [];
  const must = async <T>(user: User, path: string, body: unknown): Promise<T> => {
    const answer = await api.call<T>(user, 'POST', path, body, { expect: [200, 201] });
    if (answer.kind !== 'answer' || answer.status >= 300) throw new Error(`setup: POST ${path} failed`);
    return answer.data;
  };
  await eachLimited(recipients, 8, async (recipient, i) => {
    const sender = senders[i % senders.length]!;
    const { id } = await must<{ id: string }>(sender, '/api/conversations/direct', { userId: recipient.id });
    chats.push({ id, kind: 'direct', members: [sender.id, recipient.id].sort(), sender });
  });
  const groupCount = Math.floor(recipients.length / options.groupSize);
  await eachLimited(Array.from({ length: groupCount }), 4, async (_, g) => {
    const owner = senders[g % senders.length]!;
    const members = recipients.slice(g * options.groupSize, (g + 1) * options.groupSize);
    const { id } = await must<{ id: string }>(owner, '/api/conversations/group', {
      title: `Chaos group ${g}`,
      memberIds: members.map((m) => m.id),
    });
    chats.push({ id, kind: 'group', members: [owner.id, ...members.map((m) => m.id)].sort(), sender: owner });
  });

  const chatsOf = new Map<string, Chat[]>();
  for (const chat of chats) {
    for (const member of chat.members) chatsOf.set(member, [...(chatsOf.get(member) ?? []), chat]);
  }
  const byId = new Map([...senders, ...recipients].map((u) => [u.id, u]));
  return { senders, recipients, chats, chatsOf, byId };
}
