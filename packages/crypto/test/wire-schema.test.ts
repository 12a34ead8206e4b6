import { describe, expect, it } from 'vitest';
import {
  MAX_CONTENT_LENGTH,
  MessageEnvelope,
  envelopeKeyHolders,
  envelopeRecipients,
  parseMessageEnvelope,
  withoutRecipients,
} from '@herald/shared';
import { uuid } from './helpers.js';

/** The server's view of the format (packages/shared/src/e2ee.ts): shape and sizes only. */
function envelope(recipientCount = 3) {
  const recipients = Array.from({ length: recipientCount }, (_, i) => uuid(i + 1));
  return {
    header: {
      v: 1,
      conversationId: uuid(1, 'c0000000'),
      senderId: recipients[0]!,
      messageId: uuid(7, 'e0000000'),
      kind: 'text',
      recipients,
    },
    body: 'A'.repeat(200),
    keys: Object.fromEntries(recipients.map((id) => [id, 'B'.repeat(96)])),
    sig: 'C'.repeat(85) + 'A',
  };
}

type Wire = ReturnType<typeof envelope> & { header: Record<string, unknown>; [field: string]: unknown };

const valid = (value: unknown) => MessageEnvelope.safeParse(value).success;
function changed(change: (e: Wire) => void, count?: number): Wire {
  const e = envelope(count) as Wire;
  change(e);
  return e;
}

describe('MessageEnvelope (the schema the server checks)', () => {
  it('accepts a well-formed envelope, up to 256 recipients', () => {
    expect(valid(envelope())).toBe(true);
    expect(valid(envelope(1))).toBe(true);
    expect(valid(envelope(256))).toBe(true);
  });

  it('refuses too many, unsorted, duplicate or non-canonical recipients, and a missing sender', () => {
    expect(valid(envelope(257))).toBe(false);
    expect(valid(changed((e) => e.header.recipients.reverse()))).toBe(false);
    expect(valid(changed((e) => e.header.recipients.push(e.header.recipients.at(-1)!)))).toBe(false);
    expect(valid(changed((e) => (e.header.recipients = []), 0))).toBe(false);
    expect(valid(changed((e) => (e.header.senderId = uuid(99))))).toBe(false);
    expect(valid(changed((e) => (e.header.conversationId = uuid(0xabc).toUpperCase())))).toBe(false);
    expect(valid(changed((e) => (e.header.messageId = 'not-a-uuid')))).toBe(false);
  });

  it('refuses unknown versions, kinds and fields', () => {
    expect(valid(changed((e) => (e.header.v = 2)))).toBe(false);
    expect(valid(changed((e) => (e.header.kind = 'audio')))).toBe(false);
    expect(valid(changed((e) => (e.header.note = 'x')))).toBe(false);
    expect(valid(changed((e) => (e.extra = 'x')))).toBe(false);
  });

  it('refuses wrong sizes and encodings', () => {
    expect(valid(changed((e) => (e.sig = e.sig.slice(1))))).toBe(false);
    expect(valid(changed((e) => (e.keys[uuid(1)] = 'B'.repeat(95))))).toBe(false);
    expect(valid(changed((e) => (e.keys[uuid(1)] = 'B'.repeat(95) + '+')))).toBe(false);
    expect(valid(changed((e) => (e.body = 'A'.repeat(21))))).toBe(false);
    expect(valid(changed((e) => (e.body = 'A'.repeat(MAX_CONTENT_LENGTH + 1))))).toBe(false);
    expect(valid(changed((e) => (e.body = 'A=='.repeat(10))))).toBe(false);
  });

  it('refuses a wrapped key for someone not addressed', () => {
    expect(valid(changed((e) => (e.keys[uuid(99)] = 'B'.repeat(96))))).toBe(false);
  });

  it('accepts fewer wrapped keys than recipients (after stripping)', () => {
    expect(valid(changed((e) => delete e.keys[uuid(2)]))).toBe(true);
  });
});

describe('server helpers', () => {
  it('envelopeRecipients and envelopeKeyHolders', () => {
    const parsed = MessageEnvelope.parse(changed((e) => delete e.keys[uuid(2)]));
    expect(envelopeRecipients(parsed)).toEqual([uuid(1), uuid(2), uuid(3)]);
    expect(envelopeKeyHolders(parsed)).toEqual([uuid(1), uuid(3)]);
  });

  it('parseMessageEnvelope: null for legacy plaintext or anything else', () => {
    expect(parseMessageEnvelope(JSON.stringify(envelope()))).not.toBeNull();
    expect(parseMessageEnvelope('hello from before encryption')).toBeNull();
    expect(parseMessageEnvelope('{"header":1}')).toBeNull();
  });

  it('withoutRecipients drops the wrapped keys of users not kept and nothing else', () => {
    const json = JSON.stringify(envelope());
    const stripped = withoutRecipients(json, new Set([uuid(1), uuid(3), uuid(42)]));
    const value = JSON.parse(stripped);
    expect(Object.keys(value.keys)).toEqual([uuid(1), uuid(3)]);
    expect(value.header).toEqual(envelope().header);
    expect(value.body).toBe(envelope().body);
    expect(value.sig).toBe(envelope().sig);
    expect(valid(value)).toBe(true);
    expect(withoutRecipients(json, new Set(envelope().header.recipients))).toBe(json);
    expect(Object.keys(JSON.parse(withoutRecipients(json, new Set())).keys)).toEqual([]);
    expect(() => withoutRecipients('plaintext', new Set())).toThrow();
  });
});
