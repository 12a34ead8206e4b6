import { http, custom, type BadCase } from './case.js';
import { DAY, fromNow, sealedFile, type BadInputContext } from './context.js';
import { rawRequest } from './raw-http.js';

/**
 * Uploads that lie: about their type, their framing (media must be a sealed "HRLF" file), their
 * size (declared or real), their parts. Whatever the refusal, no media row and no blob stays
 * behind: a failed request deletes what it stored (the runner compares the blob directory).
 */

interface Part {
  name: string;
  value?: string;
  file?: { type: string; data: Buffer; filename?: string };
}

const BOUNDARY = '----herald-bad-input';

function form(parts: Part[], options: { close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (part.file) {
      chunks.push(
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.file.filename ?? 'blob'}"\r\nContent-Type: ${part.file.type}\r\n\r\n`,
        ),
        part.file.data,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`),
      );
    }
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const OCTETS = 'application/octet-stream';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const header = (version: number, total: number) => {
  const bytes = Buffer.alloc(total);
  bytes.write('HRLF', 0, 'latin1');
  bytes[4] = version;
  bytes.writeUInt32BE(65_536, 5);
  return bytes;
};

function upload(
  name: string,
  parts: (ctx: BadInputContext) => Promise<Part[]> | Part[],
  expected: BadCase['expect'],
  url = () => '/api/media',
): BadCase {
  return http(
    'upload',
    name,
    'alice',
    async (ctx) => ({
      method: 'POST',
      url: url(),
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: form(await parts(ctx)),
    }),
    expected,
  );
}

const scheduledFields = (ctx: BadInputContext): Part[] => [
  { name: 'conversationId', value: ctx.chat.id },
  { name: 'contentType', value: 'image' },
  { name: 'content', value: ctx.sealed.image },
  { name: 'scheduledTime', value: fromNow(ctx, DAY) },
];

function schedulingForm(
  name: string,
  parts: (ctx: BadInputContext) => Promise<Part[]>,
  expected: BadCase['expect'],
): BadCase {
  return upload(`scheduled form: ${name}`, parts, expected, () => '/api/scheduled-messages');
}

function lyingLength(
  name: string,
  declared: (actual: number) => number,
  endAfterBody: boolean,
  expected: BadCase['expect'],
): BadCase {
  return custom(
    'upload',
    name,
    async (ctx) => {
      const body = form([
        { name: 'kind', value: 'image' },
        { name: 'file', file: { type: OCTETS, data: await sealedFile(4096) } },
      ]);
      const head = [
        'POST /api/media HTTP/1.1',
        `Host: ${new URL(ctx.t.baseUrl).host}`,
        `Cookie: ${ctx.alice.client.cookie}`,
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
        `Content-Length: ${declared(body.length)}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
      ctx.seen.add('POST /api/media');
      return rawRequest(ctx.t.baseUrl, head, endAfterBody ? body.subarray(0, body.length - 1000) : body, {
        endAfterBody,
      });
    },
    expected,
    true,
  );
}

export function uploadCases(): BadCase[] {
  const kind: Part = { name: 'kind', value: 'image' };
  return [
    upload('a plain PNG', () => [kind, { name: 'file', file: { type: 'image/png', data: PNG } }], {
      code: 'unsupported_media_type',
    }),
    upload(
      'an SVG',
      () => [kind, { name: 'file', file: { type: 'image/svg+xml', data: Buffer.from('<svg onload="alert(1)"/>') } }],
      { code: 'unsupported_media_type' },
    ),
    upload(
      'HTML',
      () => [kind, { name: 'file', file: { type: 'text/html', data: Buffer.from('<script>alert(1)</script>') } }],
      { code: 'unsupported_media_type' },
    ),
    upload('PNG bytes declared as octet-stream', () => [kind, { name: 'file', file: { type: OCTETS, data: PNG } }], {
      code: 'unsupported_media_type',
    }),
    upload(
      'a sealed file with bytes before its header',
      async () => [
        kind,
        { name: 'file', file: { type: OCTETS, data: Buffer.concat([Buffer.from('x'), await sealedFile()]) } },
      ],
      { code: 'unsupported_media_type' },
    ),
    upload(
      'an encrypted-file header of version 2',
      () => [kind, { name: 'file', file: { type: OCTETS, data: header(2, 200) } }],
      { code: 'unsupported_media_type' },
    ),
    upload(
      'a header and less than one tag (43 bytes)',
      () => [kind, { name: 'file', file: { type: OCTETS, data: header(1, 43) } }],
      { code: 'unsupported_media_type' },
    ),
    upload('an empty file', () => [kind, { name: 'file', file: { type: OCTETS, data: Buffer.alloc(0) } }], {
      code: 'validation_failed',
    }),
    upload('no file part', () => [kind], { code: 'validation_failed' }),
    upload(
      'the file in a part named "media"',
      async () => [kind, { name: 'media', file: { type: OCTETS, data: await sealedFile() } }],
      { code: 'validation_failed' },
    ),
    upload('no kind', async () => [{ name: 'file', file: { type: OCTETS, data: await sealedFile() } }], {
      code: 'unsupported_media_type',
    }),
    upload(
      'kind audio',
      async () => [
        { name: 'kind', value: 'audio' },
        { name: 'file', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'validation_failed' },
    ),
    upload(
      'kind after the file',
      async () => [{ name: 'file', file: { type: OCTETS, data: await sealedFile() } }, kind],
      { code: 'unsupported_media_type' },
    ),
    upload(
      'two files',
      async () => [
        kind,
        { name: 'file', file: { type: OCTETS, data: await sealedFile() } },
        { name: 'file', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'payload_too_large' },
    ),
    upload(
      'one byte over the image limit (1 MiB)',
      () => [kind, { name: 'file', file: { type: OCTETS, data: header(1, 1024 * 1024 + 1) } }],
      { code: 'payload_too_large' },
    ),
    upload(
      '21 fields (the form takes 20)',
      async () => [
        kind,
        ...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, value: 'x' })),
        { name: 'file', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'payload_too_large' },
    ),
    http(
      'upload',
      'a form cut before its closing boundary',
      'alice',
      async () => ({
        method: 'POST',
        url: '/api/media',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: form([kind, { name: 'file', file: { type: OCTETS, data: await sealedFile() } }], { close: false }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'upload',
      'multipart without a boundary',
      'alice',
      async () => ({
        method: 'POST',
        url: '/api/media',
        headers: { 'content-type': 'multipart/form-data' },
        payload: form([kind, { name: 'file', file: { type: OCTETS, data: await sealedFile() } }]),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'upload',
      'a JSON body',
      'alice',
      () => ({ method: 'POST', url: '/api/media', json: { kind: 'image', file: 'AAAA' } }),
      {
        code: 'unsupported_media_type',
      },
    ),
    lyingLength('a Content-Length shorter than the body', (actual) => actual - 1000, false, { status: 400 }),
    lyingLength('a Content-Length longer than the body, then the client stops', (actual) => actual + 1000, true, {
      status: 400,
    }),
    schedulingForm(
      'a plain PNG as media',
      async (ctx) => [...scheduledFields(ctx), { name: 'media', file: { type: 'image/png', data: PNG } }],
      {
        code: 'unsupported_media_type',
      },
    ),
    schedulingForm(
      'two media files',
      async (ctx) => [
        ...scheduledFields(ctx),
        { name: 'media', file: { type: OCTETS, data: await sealedFile() } },
        { name: 'media', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'payload_too_large' },
    ),
    schedulingForm(
      'a sealed file and an impossible time',
      async (ctx) => [
        ...scheduledFields(ctx).filter((p) => p.name !== 'scheduledTime'),
        { name: 'scheduledTime', value: '2027-02-30T10:00:00Z' },
        { name: 'media', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'invalid_time' },
    ),
    schedulingForm(
      'a sealed file and plaintext content',
      async (ctx) => [
        ...scheduledFields(ctx).filter((p) => p.name !== 'content'),
        { name: 'content', value: 'plain words' },
        { name: 'media', file: { type: OCTETS, data: await sealedFile() } },
      ],
      { code: 'not_encrypted' },
    ),
  ];
}
