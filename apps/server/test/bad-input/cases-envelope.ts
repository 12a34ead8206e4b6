import { MAX_CONTENT_LENGTH, type ErrorCode, type MessageEnvelope } from '@herald/shared';
import { command, http, type BadCase } from './case.js';
import { DAY, envelopeOf, fromNow, type BadInputContext } from './context.js';

/**
 * Malformed end-to-end envelopes (docs/e2ee-format.md, "What the server checks"): content that is
 * not an envelope of version 1 in the exact shape is 400 not_encrypted; a header naming another
 * conversation, sender or kind is 400 validation_failed; recipients other than the current
 * members are 409 recipients_mismatch. The server never opens an envelope, so each tampering is
 * of the shape, made on a real envelope sealed by alice for her chat with bob.
 */

type Tamper = (envelope: MessageEnvelope, ctx: BadInputContext) => unknown;

const setHeader =
  (changes: Record<string, unknown>): Tamper =>
  (e) => ({ ...e, header: { ...e.header, ...changes } });
const sorted = (ids: string[]) => [...ids].sort();

const NOT_ENCRYPTED: [string, (ctx: BadInputContext) => string][] = [
  ['plain text', () => 'hello bob'],
  ['broken JSON', (ctx) => ctx.sealed.text.slice(0, -1)],
  ['a JSON number', () => '42'],
  ['JSON null', () => 'null'],
];

const SHAPE: [string, Tamper][] = [
  ['version 2', setHeader({ v: 2 })],
  ['version "1"', setHeader({ v: '1' })],
  ['no signature', ({ sig: _sig, ...rest }) => rest],
  ['a signature of the wrong length', (e) => ({ ...e, sig: `${e.sig}AA` })],
  ['an extra top-level field', (e) => ({ ...e, note: 'hi' })],
  ['an extra header field', setHeader({ admin: true })],
  ['no header', ({ header: _header, ...rest }) => rest],
  ['recipients unsorted', (e) => setHeader({ recipients: [...e.header.recipients].reverse() })(e, undefined as never)],
  [
    'a recipient twice',
    (e) => setHeader({ recipients: sorted([...e.header.recipients, e.header.senderId]) })(e, undefined as never),
  ],
  [
    'recipients without the sender',
    (e) =>
      setHeader({ recipients: e.header.recipients.filter((id) => id !== e.header.senderId) })(e, undefined as never),
  ],
  ['no recipients', setHeader({ recipients: [] })],
  [
    'an upper-case recipient id',
    (e) => setHeader({ recipients: sorted(e.header.recipients.map((id) => id.toUpperCase())) })(e, undefined as never),
  ],
  ['kind audio', setHeader({ kind: 'audio' })],
  [
    'a wrapped key for a non-recipient',
    (e, ctx) => ({ ...e, keys: { ...e.keys, [ctx.carol.id]: Object.values(e.keys)[0] } }),
  ],
  [
    'a wrapped key of the wrong length',
    (e) => ({ ...e, keys: Object.fromEntries(Object.entries(e.keys).map(([id, k]) => [id, k.slice(1)])) }),
  ],
  [
    'a __proto__ key among the wrapped keys',
    (e) => JSON.parse(JSON.stringify(e).replace('"keys":{', '"keys":{"__proto__":"x",')) as unknown,
  ],
  ['a body that is not base64url', (e) => ({ ...e, body: `${e.body.slice(0, -4)}+/==` })],
  ['a body shorter than a tag', (e) => ({ ...e, body: 'AAAA' })],
  [
    '257 recipients',
    (e) =>
      setHeader({
        recipients: sorted([
          ...e.header.recipients,
          ...Array.from({ length: 255 }, (_, i) => `ffffffff-0000-4000-8000-${i.toString(16).padStart(12, '0')}`),
        ]),
      })(e, undefined as never),
  ],
];

const HEADER: [string, Tamper][] = [
  ['header.conversationId of the group', (e, ctx) => setHeader({ conversationId: ctx.group.id })(e, ctx)],
  ['header.senderId of bob', (e, ctx) => setHeader({ senderId: ctx.bob.id })(e, ctx)],
  ['header.kind image for a text message', setHeader({ kind: 'image' })],
];

const RECIPIENTS: [string, Tamper][] = [
  [
    'bob missing',
    (e, ctx) => ({
      header: { ...e.header, recipients: [ctx.alice.id] },
      body: e.body,
      keys: { [ctx.alice.id]: e.keys[ctx.alice.id] },
      sig: e.sig,
    }),
  ],
  ['carol added', (e, ctx) => setHeader({ recipients: sorted([...e.header.recipients, ctx.carol.id]) })(e, ctx)],
];

const liveSend = (name: string, content: (ctx: BadInputContext) => string, code: ErrorCode): BadCase =>
  http(
    'envelope',
    `send: ${name}`,
    'alice',
    (ctx) => ({
      method: 'POST',
      url: `/api/conversations/${ctx.chat.id}/messages`,
      json: { content: content(ctx) },
    }),
    { code },
  );

const tampered = (tamper: Tamper) => (ctx: BadInputContext) => JSON.stringify(tamper(envelopeOf(ctx), ctx));

export function envelopeCases(): BadCase[] {
  return [
    ...NOT_ENCRYPTED.map(([name, content]) => liveSend(name, content, 'not_encrypted')),
    ...SHAPE.map(([name, tamper]) => liveSend(name, tampered(tamper), 'not_encrypted')),
    ...HEADER.map(([name, tamper]) => liveSend(name, tampered(tamper), 'validation_failed')),
    ...RECIPIENTS.map(([name, tamper]) => liveSend(`recipients: ${name}`, tampered(tamper), 'recipients_mismatch')),
    liveSend('an empty string', () => '', 'validation_failed'),
    liveSend("the group's envelope sent to the direct chat", (ctx) => ctx.sealed.groupText, 'validation_failed'),
    liveSend(
      'an envelope padded past MAX_CONTENT_LENGTH',
      (ctx) => `${ctx.sealed.text}${' '.repeat(MAX_CONTENT_LENGTH)}`,
      'validation_failed',
    ),
    http(
      'envelope',
      'schedule: plaintext',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: { conversationId: ctx.chat.id, content: 'see you tomorrow', scheduledTime: fromNow(ctx, DAY) },
      }),
      { code: 'not_encrypted' },
    ),
    http(
      'envelope',
      'schedule: recipients with carol added',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: {
          conversationId: ctx.chat.id,
          content: tampered(RECIPIENTS[1]![1])(ctx),
          scheduledTime: fromNow(ctx, DAY),
        },
      }),
      { code: 'recipients_mismatch' },
    ),
    http(
      'envelope',
      'schedule: to bob by receiverId, sealed for the group',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: { receiverId: ctx.bob.id, content: ctx.sealed.groupText, scheduledTime: fromNow(ctx, DAY) },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'envelope',
      'edit: version 2 envelope',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: { content: tampered(setHeader({ v: 2 }))(ctx) },
      }),
      { code: 'not_encrypted' },
    ),
    http(
      'envelope',
      'edit: bob missing',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: { content: tampered(RECIPIENTS[0]![1])(ctx) },
      }),
      { code: 'recipients_mismatch' },
    ),
    command(
      'envelope',
      'plaintext',
      'send_message',
      (ctx) => ({ conversationId: ctx.chat.id, content: 'hello' }),
      'not_encrypted',
    ),
    command(
      'envelope',
      'no signature',
      'send_message',
      (ctx) => ({ conversationId: ctx.chat.id, content: tampered(SHAPE[2]![1])(ctx) }),
      'not_encrypted',
    ),
    command(
      'envelope',
      'header.senderId of bob',
      'send_message',
      (ctx) => ({ conversationId: ctx.chat.id, content: tampered(HEADER[1]![1])(ctx) }),
      'validation_failed',
    ),
    command(
      'envelope',
      'recipients with carol added',
      'send_message',
      (ctx) => ({ conversationId: ctx.chat.id, content: tampered(RECIPIENTS[1]![1])(ctx) }),
      'recipients_mismatch',
    ),
  ];
}
