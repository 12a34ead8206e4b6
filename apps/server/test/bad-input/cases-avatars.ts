import { b64, paddedPng, solidPng } from '../helpers/avatar-image.js';
import { http, type BadCase } from './case.js';

/**
 * Account avatars (issue 13, item 10): uploads that lie about being a picture, or are too big,
 * empty, not base64, of the wrong content type; ids that are not ids. Refused before anything
 * is written (the runner checks the database is as it was).
 */
const me = '/api/users/me/avatar';
const put = (area: BadCase['area'], name: string, json: unknown, code: Parameters<typeof http>[4]) =>
  http(area, `avatar: ${name}`, 'alice', () => ({ method: 'PUT', url: me, json }), code);
const png = solidPng();

export function avatarCases(): BadCase[] {
  return [
    put(
      'type',
      'SVG bytes',
      { image: b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')) },
      {
        code: 'unsupported_media_type',
      },
    ),
    put(
      'type',
      'HTML bytes',
      { image: b64(Buffer.from('<html><script>alert(1)</script>')) },
      {
        code: 'unsupported_media_type',
      },
    ),
    put('upload', 'a truncated PNG', { image: b64(png.subarray(0, png.length - 5)) }, { code: 'unprocessable' }),
    put(
      'upload',
      'a PNG with HTML after its end',
      { image: b64(Buffer.concat([png, Buffer.from('<html>')])) },
      {
        code: 'unprocessable',
      },
    ),
    put('size', 'over 100 KB', { image: b64(paddedPng(100 * 1024)) }, { code: 'validation_failed' }),
    put('size', 'empty', { image: '' }, { code: 'validation_failed' }),
    put('type', 'image a number', { image: 7 }, { code: 'validation_failed' }),
    put('type', 'no image field', {}, { code: 'validation_failed' }),
    put('control', 'image with NUL', { image: 'AAAA\u0000' }, { code: 'validation_failed' }),
    http(
      'type',
      'avatar: raw PNG as image/png',
      'alice',
      () => ({ method: 'PUT', url: me, headers: { 'content-type': 'image/png' }, payload: png }),
      { code: 'unsupported_media_type' },
    ),
    http(
      'cross-site',
      'avatar: removed from another site',
      'alice',
      () => ({ method: 'DELETE', url: me, headers: { origin: 'https://evil.example' } }),
      { code: 'csrf_rejected' },
    ),
    http(
      'id',
      'avatar of a user id that is not a uuid',
      'alice',
      () => ({ method: 'GET', url: '/api/users/abc/avatar' }),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      'avatar of an unknown user',
      'alice',
      () => ({ method: 'GET', url: '/api/users/00000000-0000-4000-8000-000000000000/avatar' }),
      { code: 'not_found' },
    ),
  ];
}
