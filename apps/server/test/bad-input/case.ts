import type { InjectOptions } from 'fastify';
import type { ClientToServerEvents, ErrorCode } from '@herald/shared';
import { send, socketOf, type Actor, type BadInputContext, type HttpOutcome } from './context.js';

/**
 * One abusive request and what it must get. The runner (bad-input.test.ts) runs each case alone,
 * on fresh rate-limit windows, checks the answer, and checks that the database and the media
 * directory are exactly as before (or, for a case whose extra fields are ignored, changed only
 * where it says, and never in the forged fields).
 */
export type Area =
  | 'time'
  | 'size'
  | 'type'
  | 'prototype'
  | 'control'
  | 'id'
  | 'mass-assignment'
  | 'token'
  | 'cross-site'
  | 'socket'
  | 'upload'
  | 'envelope';

/** What came back. */
export type Outcome =
  | HttpOutcome
  | { kind: 'ack'; ok: boolean; code: string | undefined; data?: unknown }
  /** The server closed the socket (reason as socket.io-client reports it). */
  | { kind: 'closed'; reason: string }
  /** The handshake was refused (connect_error message). */
  | { kind: 'refused'; message: string };

export type Expected =
  /** A 4xx with this catalogue code (its status is the catalogue's). */
  | { code: ErrorCode; status?: number }
  /** A 4xx from outside the catalogue's mapping (e.g. Node's own 400 for a broken request). */
  | { status: number }
  /** A socket command answered through its ack with this error. */
  | { ack: ErrorCode }
  | { closed: true }
  | { refused: RegExp }
  /**
   * Accepted, the forged fields ignored: only `mayChange` tables may differ afterwards, and
   * `verify` checks the forged fields were not honoured.
   */
  | {
      /** The HTTP status, or 'ack' for a socket command answered `ok: true`. */
      accepted: number | 'ack';
      mayChange: string[];
      verify: (ctx: BadInputContext, outcome: Outcome) => Promise<void>;
    };

export interface BadCase {
  area: Area;
  /** What is sent, readable in the test's name. */
  name: string;
  run: (ctx: BadInputContext) => Promise<Outcome>;
  expect: Expected;
  /**
   * The server finishes its side after the client saw the end (an aborted upload): the runner
   * polls, with a deadline, until the database and the blob directory are back to their state.
   */
  settles?: boolean;
}

type RequestSpec = Omit<InjectOptions, 'payload' | 'body'> & {
  method: NonNullable<InjectOptions['method']>;
  url: string;
  /** Sent as JSON with Content-Type: application/json (unless headers say otherwise). */
  json?: unknown;
  /** Sent as it is (a raw body: broken JSON, a handmade multipart form). */
  payload?: string | Buffer;
};

/** An HTTP case: the request is built when the case runs (ids and times come from the context). */
export function http(
  area: Area,
  name: string,
  as: Actor,
  request: (ctx: BadInputContext) => RequestSpec | Promise<RequestSpec>,
  expect: Expected,
): BadCase {
  return {
    area,
    name,
    expect,
    async run(ctx) {
      const { json, payload, headers, ...rest } = await request(ctx);
      const hasJson = json !== undefined;
      return send(ctx, as, {
        ...rest,
        headers: { ...(hasJson || payload === undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(hasJson ? { payload: JSON.stringify(json) } : payload !== undefined ? { payload } : {}),
      });
    },
  };
}

/** A socket command sent by `as` on a fresh socket; the ack must carry `code`. */
export function command<E extends keyof ClientToServerEvents>(
  area: Area,
  name: string,
  event: E,
  payload: (ctx: BadInputContext) => unknown,
  code: ErrorCode,
  as: Actor = 'alice',
): BadCase {
  return {
    area,
    name: `${event} ${name}`,
    expect: { ack: code },
    async run(ctx) {
      const socket = await socketOf(ctx, as);
      ctx.seen.add(`socket ${event}`);
      const ack = await socket.emit(event, payload(ctx) as never);
      return ack.ok
        ? { kind: 'ack', ok: true, code: undefined, data: ack.data }
        : { kind: 'ack', ok: false, code: ack.error.code };
    },
  };
}

/** A case that runs its own steps. */
export function custom(area: Area, name: string, run: BadCase['run'], expect: Expected, settles = false): BadCase {
  return { area, name, run, expect, settles };
}

/** A JSON body sent as raw text (bytes a JSON encoder would never write), by Alice: refused 400. */
export function rawJson(
  area: Area,
  name: string,
  method: 'POST' | 'PATCH' | 'PUT',
  url: (ctx: BadInputContext) => string,
  payload: (ctx: BadInputContext) => string,
): BadCase {
  return http(
    area,
    name,
    'alice',
    (ctx) => ({ method, url: url(ctx), headers: { 'content-type': 'application/json' }, payload: payload(ctx) }),
    { code: 'validation_failed' },
  );
}
