import { ERROR_CATALOGUE, type ClientToServerEvents, type ErrorCode, type ServerEventName } from '@herald/shared';
import type { Response } from '../helpers/client.js';
import { recipientsByIds, sealContent } from '../helpers/e2ee.js';
import type { Actor, Expectations, LivePerson, Outcome, Person } from './actors.js';
import type { Scene, World } from './world.js';

/**
 * One row of the matrix: a route (as Fastify routes it, `METHOD /path/{param}`) or a socket
 * command (`socket <name>`), how to make its object, how to call it as an actor, and what each
 * actor must get. Methods, not function-typed fields, so that rows with different objects fit one
 * table.
 */
export interface Row<O = unknown> {
  route: string;
  /** Tells apart several rows of one route (another scene, another object). */
  variant?: string;
  scene: Scene;
  expect: Expectations;
  /** Makes the object, as its owner, before the actors become what they are named. */
  setup?(w: World): Promise<O>;
  call(w: World, actor: Actor, object: O): Promise<Outcome>;
  /** After an allowed call: that it did what it says to the caller's things only. */
  verify?(w: World, actor: Actor, object: O): Promise<void>;
  /**
   * Who may receive any event from an allowed call. Default: the conversation's current members
   * when the actor is one of them, else the actor alone. A refused call must reach nobody.
   */
  observers?(w: World, actor: Actor): Person[];
  /** Events an allowed call must deliver (so that the watch itself is seen to work). */
  events?(w: World, actor: Actor): [LivePerson, ServerEventName][];
  /**
   * The object replaced by one that does not exist, for the 404 twin (run-case.ts). Default: the
   * conversation and the object's own `id` are swapped for fresh ids.
   */
  missing?(object: O): O;
}

export const row = <O>(r: Row<O>): Row => r;

export function defaultObservers(w: World, actor: Actor): Person[] {
  if (actor === 'anonymous') return [];
  const members = w.members();
  return members.includes(actor) ? members : [actor];
}

/** An HTTP answer as an outcome. */
export async function http(response: Promise<Response>): Promise<Outcome> {
  const res = await response;
  const body = res.body as { error?: { code?: string } } | undefined;
  return { status: res.status, code: body?.error?.code, body: res.body };
}

type Command = keyof ClientToServerEvents;
type Payload<C extends Command> = Parameters<ClientToServerEvents[C]>[0];

/**
 * A socket command as the actor: on their watching socket; anonymous and deleted must be refused
 * at the handshake (401). If one were let in, the command is sent anyway and its ack reported.
 */
export async function command<C extends Command>(
  w: World,
  actor: Actor,
  name: C,
  payload: Payload<C>,
): Promise<Outcome> {
  let socket;
  if (actor === 'anonymous' || actor === 'deleted') {
    try {
      socket = await w.t.connect(actor === 'deleted' ? w.people.deleted.client.cookie : undefined);
    } catch {
      return { status: 401, code: 'unauthenticated' };
    }
  } else {
    socket = w.socket(actor);
  }
  const ack = (await socket.emit(name, payload)) as { ok: boolean; data?: unknown; error?: { code: string } };
  if (ack.ok) return { status: 200, body: ack.data };
  const code = ack.error?.code ?? 'internal_error';
  return { status: ERROR_CATALOGUE[code as ErrorCode]?.status ?? 500, code, body: ack };
}

/** `text` sealed by the actor for the conversation's current members (as a client would). */
export function sealFor(w: World, actor: Actor, text = 'hello', conversationId = w.conv): Promise<string> {
  return sealContent(w.user(actor), conversationId, text, { recipients: recipientsByIds(w.memberIds()) });
}
