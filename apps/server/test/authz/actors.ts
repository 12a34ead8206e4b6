/**
 * The actors of the authorization matrix, each defined relative to one object (a message, a group,
 * an upload, a scheduled message, an account) that the owner holds:
 *
 * - `owner`: the sender of the message, the owner of the group, the uploader, the account itself;
 * - `coMember`: another current member of the object's conversation;
 * - `nonMember`: a signed-in user with no part in it;
 * - `removed`: was in the conversation and is no longer (removed from the group; in a direct chat,
 *   where nobody can be removed, the other member who deleted the chat: hidden, history cut);
 * - `blocked`: blocked by the owner (in a direct chat, the other member; in a group, a member:
 *   a block does not end group membership);
 * - `deleted`: was a member, deleted their account, and still sends its old session cookie;
 * - `anonymous`: no cookie at all.
 */
export const ACTORS = ['owner', 'coMember', 'nonMember', 'removed', 'blocked', 'deleted', 'anonymous'] as const;
export type Actor = (typeof ACTORS)[number];

/** Actors that are accounts (everyone but anonymous). */
export type Person = Exclude<Actor, 'anonymous'>;
export const PEOPLE: readonly Person[] = ['owner', 'coMember', 'nonMember', 'removed', 'blocked', 'deleted'];

/** Accounts that can still sign in, hold sockets and watch for events. */
export type LivePerson = Exclude<Person, 'deleted'>;
export const LIVE_PEOPLE: readonly LivePerson[] = ['owner', 'coMember', 'nonMember', 'removed', 'blocked'];

/** What a call answered: the HTTP status (a socket ack is mapped to its code's status) and code. */
export interface Outcome {
  status: number;
  code?: string | undefined;
  body?: unknown;
}

/** An expected outcome: a status, or a status with the error code the API documents for it. */
export type Expect = number | { status: number; code: string };

export type Expectations = Record<Actor, Expect>;

export const statusOf = (e: Expect): number => (typeof e === 'number' ? e : e.status);
export const allowed = (e: Expect): boolean => statusOf(e) >= 200 && statusOf(e) < 300;

const UNAUTHENTICATED = { status: 401, code: 'unauthenticated' } as const;
export const NOT_FOUND = { status: 404, code: 'not_found' } as const;
export const NOT_ADMIN = { status: 403, code: 'not_admin' } as const;
export const UNAVAILABLE = { status: 403, code: 'recipient_unavailable' } as const;
export const INVALID_STATE = { status: 409, code: 'invalid_state' } as const;
export const VALIDATION = { status: 400, code: 'validation_failed' } as const;

/** Everyone signed in acts on their own account (`ok`); no session is 401. */
export function signedIn(ok: Expect, overrides: Partial<Expectations> = {}): Expectations {
  return {
    owner: ok,
    coMember: ok,
    nonMember: ok,
    removed: ok,
    blocked: ok,
    deleted: UNAUTHENTICATED,
    anonymous: UNAUTHENTICATED,
    ...overrides,
  };
}

/** Current members only: strangers and former members get the 404 of a missing object. */
export function membersOnly(ok: Expect, overrides: Partial<Expectations> = {}): Expectations {
  return signedIn(ok, { nonMember: NOT_FOUND, removed: NOT_FOUND, ...overrides });
}

/** The owner only: anyone else gets the 404 of a missing object. */
export function ownerOnly(ok: Expect): Expectations {
  return signedIn(NOT_FOUND, { owner: ok });
}

/** Public routes: the same answer with or without a session, live or dead. */
export function everyone(ok: Expect): Expectations {
  return signedIn(ok, { deleted: ok, anonymous: ok });
}
