import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { deriveKeys, newKdfParams, sealKeyBundle } from '@herald/crypto';
import type { Conversation, KdfDefaults, Message, MessageEnvelope, ScheduledMessage } from '@herald/shared';
import { createListeningApp, type ListeningTestApp } from '../helpers/app.js';
import { directChat, groupChat, sealText, sendText } from '../helpers/chat.js';
import { ApiClient, loginUser, registerUser, uniqueName, type TestUser } from '../helpers/client.js';
import { newUserKeys, registrationKeys, sealUpload } from '../helpers/e2ee.js';
import { uploadSealed } from '../helpers/media.js';
import { schedule } from '../helpers/scheduling.js';
import { connectSocket, type TestSocket } from '../helpers/socket.js';

/**
 * The world every bad-input case runs against: one listening app (HTTP through inject, sockets and
 * raw TCP through its port), three users and what they own, and sessions that must no longer work.
 * Built once per run; every case must leave it as it found it (the runner checks the database).
 */

/** Rate limits low enough that a flood case reaches them in a few dozen requests. */
export const LIMITS = { login: 20, schedule: 30, messages: 30, socketEvents: 60 } as const;

export interface BadInputContext {
  t: ListeningTestApp;
  /** Error-level lines the server logged (a 500 or a failed socket command shows up here). */
  errorLines: string[];
  alice: TestUser;
  bob: TestUser;
  /** Shares no conversation with alice. */
  carol: TestUser;
  /** alice and bob. */
  chat: Conversation;
  /** alice (owner) and bob. */
  group: Conversation;
  /** bob and carol: alice is not a member. */
  othersChat: Conversation;
  bobsMessage: Message;
  /** alice's pending scheduled message in `chat`, due in 30 days. */
  scheduled: ScheduledMessage;
  /** bob's pending scheduled message in `chat`. */
  bobsScheduled: ScheduledMessage;
  /** alice's upload, not yet attached to a message. */
  mediaId: string;
  bobsMediaId: string;
  /** Well-formed content sealed by alice: for `chat` (text, and an image about `mediaId`) and for `group`. */
  sealed: { text: string; image: string; groupText: string };
  /** Sessions that must be refused: of a deleted account, logged out, and from before a password change. */
  cookies: { deleted: string; loggedOut: string; beforePasswordChange: string };
  /** alice's session, read from her cookie. */
  sessionClaims: { sub: string; sid: string };
  /** What the cases reached: `METHOD /path` of every HTTP request, `socket <event>` of every command. */
  seen: Set<string>;
}

/** Who sends a request: a fixture user, nobody, or a given cookie. */
export type Actor = 'alice' | 'bob' | 'carol' | 'anon' | { cookie: string };

export function cookieOf(ctx: BadInputContext, as: Actor): string | undefined {
  if (as === 'anon') return undefined;
  if (typeof as === 'object') return as.cookie;
  return ctx[as].client.cookie;
}

/** alice's sealed text as an object, for cases that tamper with one field of it. */
export function envelopeOf(ctx: BadInputContext, which: 'text' | 'image' | 'groupText' = 'text'): MessageEnvelope {
  return JSON.parse(ctx.sealed[which]) as MessageEnvelope;
}

/** An RFC 3339 UTC time `ms` after the test clock's now. */
export const fromNow = (ctx: BadInputContext, ms: number): string =>
  new Date(ctx.t.clock.now().getTime() + ms).toISOString();

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The result of one HTTP request, in the shape the runner checks. */
export interface HttpOutcome {
  kind: 'http';
  status: number;
  code: string | undefined;
  body: unknown;
}

/** Sends `options` through inject as `as`, with the session cookie added unless it is given. */
export async function send(ctx: BadInputContext, as: Actor, options: InjectOptions): Promise<HttpOutcome> {
  const headers: Record<string, string> = { ...(options.headers as Record<string, string>) };
  const cookie = cookieOf(ctx, as);
  if (cookie && headers.cookie === undefined) headers.cookie = cookie;
  const url = typeof options.url === 'string' ? options.url : '';
  ctx.seen.add(`${options.method ?? 'GET'} ${url.split('?')[0]}`);
  const res = await ctx.t.app.inject({ ...options, headers });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // not JSON: kept as text
  }
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  return { kind: 'http', status: res.statusCode, code, body };
}

/** A socket of `as`, closed by the runner after the case (`closeSockets`). */
export function socketOf(ctx: BadInputContext, as: Actor, options: { origin?: string } = {}): Promise<TestSocket> {
  return ctx.t.connect(cookieOf(ctx, as), options);
}

/** Connects without keeping the socket (the case closes it, or the server refuses it). */
export function rawSocket(ctx: BadInputContext, cookie: string | undefined, origin?: string): Promise<TestSocket> {
  return connectSocket(ctx.t.baseUrl, cookie, origin ? { origin } : {});
}

async function sessionThen(app: ListeningTestApp, user: TestUser, act: (client: ApiClient) => Promise<unknown>) {
  const client = await loginUser(app.app, user.username, user.password);
  const cookie = client.cookie!;
  await act(client);
  return cookie;
}

/** Sessions that must not work any more, each made the way a user would make it. */
async function deadSessions(t: ListeningTestApp, alice: TestUser): Promise<BadInputContext['cookies']> {
  const ghost = await registerUser(t.app);
  const deleted = ghost.client.cookie!;
  const gone = await ghost.client.delete('/api/users/me', { authKey: ghost.authKey });
  if (gone.status !== 200) throw new Error(`delete account: ${gone.status}`);

  const loggedOut = await sessionThen(t, alice, (client) => client.post('/api/auth/logout'));

  const changer = await registerUser(t.app);
  const beforePasswordChange = changer.client.cookie!;
  const params = await new ApiClient(t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
  const newKdf = newKdfParams(params.body.data.kdf);
  const derived = await deriveKeys('a brand new passphrase', newKdf);
  const changed = await changer.client.post('/api/auth/change-password', {
    currentAuthKey: changer.authKey,
    newAuthKey: derived.authKey,
    newKdf,
    encryptedPrivateKeys: sealKeyBundle(changer.keys, derived.encryptionKey),
  });
  if (changed.status !== 200) throw new Error(`change password: ${changed.status}`);
  return { deleted, loggedOut, beforePasswordChange };
}

function claimsOf(cookie: string): { sub: string; sid: string } {
  const payload = cookie.split('=')[1]!.split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; sid: string };
}

export async function createContext(): Promise<BadInputContext> {
  const errorLines: string[] = [];
  const t = await createListeningApp({
    env: {
      RATE_LIMIT_LOGIN_PER_MINUTE: String(LIMITS.login),
      SCHEDULE_RATE_LIMIT_PER_MINUTE: String(LIMITS.schedule),
      RATE_LIMIT_MESSAGES_PER_MINUTE: String(LIMITS.messages),
      RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: String(LIMITS.socketEvents),
      // One over the image limit is then 1 MiB, not 16.
      MEDIA_MAX_IMAGE_MB: '1',
    },
    deps: {
      logger: {
        level: 'error',
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            errorLines.push(chunk.toString());
            done();
          },
        }),
      },
    },
  });
  try {
    const [alice, bob, carol] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const group = await groupChat(alice, 'Bad input', [bob]);
    const othersChat = await directChat(bob, carol);
    const bobsMessage = await sendText(bob, chat.id, 'hello alice');
    const in30Days = new Date(t.clock.now().getTime() + 30 * DAY).toISOString();
    const scheduled = await schedule(alice, { conversationId: chat.id, content: 'later', scheduledTime: in30Days });
    const bobsScheduled = await schedule(bob, { conversationId: chat.id, content: 'mine', scheduledTime: in30Days });
    const upload = await uploadSealed(alice, 'image');
    const bobsUpload = await uploadSealed(bob, 'image');
    const sealed = {
      text: await sealText(alice, chat.id, 'hello'),
      image: await sealText(alice, chat.id, '', { media: upload.sealed.media }),
      groupText: await sealText(alice, group.id, 'hello group'),
    };
    const cookies = await deadSessions(t, alice);
    return {
      t,
      errorLines,
      alice,
      bob,
      carol,
      chat,
      group,
      othersChat,
      bobsMessage,
      scheduled,
      bobsScheduled,
      mediaId: upload.media.id,
      bobsMediaId: bobsUpload.media.id,
      sealed,
      cookies,
      sessionClaims: claimsOf(alice.client.cookie!),
      seen: new Set(),
    };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/** A sealed file's bytes (the only kind of upload the server keeps). */
export async function sealedFile(size = 64): Promise<Buffer> {
  return (await sealUpload(Buffer.alloc(size, 7))).ciphertext;
}

/**
 * A registration body that would be accepted (a fresh name, the server's KDF parameters, real
 * keys sealed under a random key), with `override` applied: cases change one field of it.
 */
export async function registrationBody(
  ctx: BadInputContext,
  override: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const params = await new ApiClient(ctx.t.app).get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
  return {
    username: uniqueName('bad'),
    authKey: 'A'.repeat(43),
    kdf: { ...params.body.data.kdf, salt: 'C'.repeat(22) },
    keys: registrationKeys(newUserKeys(), crypto.getRandomValues(new Uint8Array(32))),
    ...override,
  };
}
