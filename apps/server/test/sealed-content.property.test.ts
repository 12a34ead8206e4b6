import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { MAX_CONTENT_LENGTH, MAX_ENVELOPE_RECIPIENTS, parseMessageEnvelope } from '@herald/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/lib/app-error.js';
import {
  assertRecipientsAreMembers,
  checkSealedHeader,
  withoutKeysOf,
} from '../src/modules/messages/sealed-content.js';
import { newUserKeys, recipientsOf, sealContent } from './helpers/e2ee.js';

/**
 * Properties of the server's envelope check (modules/messages/sealed-content.ts over the shared
 * MessageEnvelope schema), docs/e2ee-format.md "What the server checks". Arbitrary input never
 * makes it throw anything but its AppErrors; and on real envelopes mutated at random, it accepts
 * exactly what an independent description of the format (`wellFormed`, below, written from the
 * format document rather than from the schema) accepts for this conversation, sender and kind.
 */

const RUNS = { numRuns: 300 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasExactly = (o: Json, keys: string[]) => Object.keys(o).sort().join() === [...keys].sort().join();
const isB64 = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'string' && B64URL.test(v) && v.length >= min && v.length <= max;

/** The format, as docs/e2ee-format.md states it. */
function wellFormed(value: unknown): boolean {
  if (!isObject(value) || !hasExactly(value, ['header', 'body', 'keys', 'sig'])) return false;
  const h = value.header;
  if (!isObject(h) || !hasExactly(h, ['v', 'conversationId', 'senderId', 'messageId', 'kind', 'recipients']))
    return false;
  if (h.v !== 1 || !['text', 'image', 'video'].includes(h.kind as string)) return false;
  const ids = [h.conversationId, h.senderId, h.messageId];
  if (!ids.every((id) => typeof id === 'string' && UUID.test(id))) return false;
  const r = h.recipients;
  if (!Array.isArray(r) || r.length < 1 || r.length > MAX_ENVELOPE_RECIPIENTS) return false;
  if (!r.every((id, i) => typeof id === 'string' && UUID.test(id) && (i === 0 || (r[i - 1] as string) < id)))
    return false;
  if (!r.includes(h.senderId)) return false;
  if (!isB64(value.body, 22, MAX_CONTENT_LENGTH) || !isB64(value.sig, 86, 86) || !isObject(value.keys)) return false;
  return Object.entries(value.keys).every(([id, key]) => r.includes(id) && isB64(key, 96, 96));
}

let alice: { id: string; keys: ReturnType<typeof newUserKeys> };
let bob: typeof alice;
const conversationId = randomUUID();
let envelope: string;
const target = () => ({ conversationId, senderId: alice.id, kind: 'text' as const });

beforeAll(async () => {
  alice = { id: randomUUID(), keys: newUserKeys() };
  bob = { id: randomUUID(), keys: newUserKeys() };
  envelope = await sealContent(alice, conversationId, 'a message to tamper with', {
    recipients: recipientsOf([alice, bob]),
  });
});

/** What checkSealedHeader answers: accepted, or its AppError's code. Anything else fails the test. */
function verdict(content: string): string {
  try {
    checkSealedHeader(content, target());
    return 'accepted';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.code;
  }
}

/** Every path in a JSON value (object keys and array indices), the root included. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...at, i])));
  if (isObject(value)) return here.concat(...Object.keys(value).map((k) => paths(value[k], [...at, k])));
  return here;
}

/** Sets an own data property, even for "__proto__" (assignment would change the prototype). */
function put(o: Json | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

const someIds = () => [
  conversationId,
  alice.id,
  bob.id,
  randomUUID(),
  alice.id.toUpperCase(),
  '__proto__',
  'constructor',
];

const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'add', 'flip', 'id', 'reverse'),
  value: fc.jsonValue({ maxDepth: 2 }),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'v', 'keys')),
  pick: fc.nat(),
  char: fc.constantFrom('A', 'a', '-', '_', '+', '/', '=', ' ', 'é', '\u0000', ''),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(root: Json, m: Mutation): Json {
  const all = paths(root).filter((p) => p.length > 0);
  const path = all[m.at % all.length]!;
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Json)[k], root) as Json | unknown[];
  const key = path.at(-1)!;
  const current = (parent as Json)[key];
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === 'replace') put(parent, key, m.value);
  else if (m.op === 'add' && isObject(current)) put(current, m.key, m.value);
  else if (m.op === 'add' && Array.isArray(current)) current.push(someIds()[m.pick % 7]);
  else if (m.op === 'flip' && typeof current === 'string' && current.length > 0) {
    const i = m.pick % current.length;
    put(parent, key, `${current.slice(0, i)}${m.char}${current.slice(i + 1)}`);
  } else if (m.op === 'id') put(parent, key, someIds()[m.pick % 7]);
  else if (m.op === 'reverse' && Array.isArray(current)) current.reverse();
  return root;
}

describe('checkSealedHeader', () => {
  it('answers arbitrary content with not_encrypted or validation_failed, never another error', () => {
    const content = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ header: v, body: v, keys: v, sig: v })),
    );
    fc.assert(
      fc.property(content, (text) => {
        expect(['not_encrypted', 'validation_failed']).toContain(verdict(text));
        expect(() => parseMessageEnvelope(text)).not.toThrow();
        expect(() => withoutKeysOf(text, new Set([alice.id]))).not.toThrow();
      }),
      RUNS,
    );
  });

  it('on tampered envelopes, accepts exactly what the format allows for this conversation, sender and kind', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const tampered = mutations.reduce((o, m) => mutate(o, m), JSON.parse(envelope) as Json);
        const text = JSON.stringify(tampered);
        const header = tampered.header as Json | undefined;
        const expected = !wellFormed(tampered)
          ? 'not_encrypted'
          : header!.conversationId !== conversationId || header!.senderId !== alice.id || header!.kind !== 'text'
            ? 'validation_failed'
            : 'accepted';
        expect(verdict(text), text).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('accepts the untouched envelope, and its JSON however its keys are ordered', () => {
    expect(verdict(envelope)).toBe('accepted');
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (reverseTop, reverseHeader) => {
        const e = JSON.parse(envelope) as Json;
        const order = (o: Json, rev: boolean) =>
          Object.fromEntries(rev ? Object.entries(o).reverse() : Object.entries(o));
        const text = JSON.stringify(order({ ...e, header: order(e.header as Json, reverseHeader) }, reverseTop));
        expect(verdict(text)).toBe('accepted');
      }),
      { numRuns: 8 },
    );
  });
});

describe('assertRecipientsAreMembers', () => {
  it('passes exactly when the recipients are the members, else names who is missing and who is extra', () => {
    const pool = Array.from({ length: 6 }, () => randomUUID());
    const set = fc.subarray(pool);
    fc.assert(
      fc.property(set, set, (recipients, members) => {
        const missing = members.filter((id) => !recipients.includes(id)).sort();
        const extra = recipients.filter((id) => !members.includes(id)).sort();
        try {
          assertRecipientsAreMembers(recipients, members);
          expect(missing.length + extra.length).toBe(0);
        } catch (error) {
          expect(error).toMatchObject({ code: 'recipients_mismatch', details: { missing, extra } });
        }
      }),
      RUNS,
    );
  });
});

describe('withoutKeysOf (delivery strips the keys of members gone)', () => {
  it('removes exactly the gone members keys, leaving a valid envelope with the same header, body and signature', () => {
    const gone = fc.subarray(['alice', 'bob', 'nobody'] as const);
    fc.assert(
      fc.property(gone, (names) => {
        const ids = new Set(names.map((n) => (n === 'alice' ? alice.id : n === 'bob' ? bob.id : randomUUID())));
        const result = withoutKeysOf(envelope, ids);
        const original = JSON.parse(envelope) as { keys: Json };
        const left = Object.keys(original.keys).filter((id) => !ids.has(id));
        if (left.length === Object.keys(original.keys).length) {
          expect(result).toBeUndefined();
          return;
        }
        const stripped = JSON.parse(result!) as Json;
        expect(wellFormed(stripped)).toBe(true);
        expect(Object.keys(stripped.keys as Json).sort()).toEqual(left.sort());
        const { keys: _a, ...rest } = stripped;
        const { keys: _b, ...was } = JSON.parse(envelope) as Json;
        expect(rest).toEqual(was);
      }),
      { numRuns: 20 },
    );
  });
});
