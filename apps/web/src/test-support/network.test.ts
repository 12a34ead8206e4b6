import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '@herald/shared';
import { fetchMedia, uploadMedia } from '../features/media/api';
import { http } from '../lib/http';
import { fakeServer } from './network';

describe('fakeServer: the app over real fetch and XMLHttpRequest, answered by MSW', () => {
  it('records calls as the app makes them and answers in the envelope', async () => {
    const server = fakeServer().on('POST', '/api/things/:id', (call) => ({ status: 201, data: call.body }));
    const answer = http.post('/api/things/7', { name: 'seven' });
    // Recorded before any answer, as the request leaves.
    expect(server.calls).toHaveLength(1);
    await expect(answer).resolves.toEqual({ name: 'seven' });
    expect(server.callsTo('POST', '/api/things/7')[0]).toMatchObject({
      method: 'POST',
      path: '/api/things/7',
      body: { name: 'seven' },
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
  });

  it('answers an unknown route with the 404 envelope', async () => {
    fakeServer();
    await expect(http.get('/api/nothing')).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('serves binary bodies (media downloads) byte for byte', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    fakeServer().on(
      'GET',
      '/api/media/:id',
      () => new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }),
    );
    const blob = await fetchMedia('m1');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('receives multipart uploads sent with XMLHttpRequest (kind first, then the sealed bytes)', async () => {
    const info = { id: 'm2', kind: 'image', mimeType: 'application/octet-stream', size: 3 } as unknown as MediaInfo;
    const server = fakeServer().on('POST', '/api/media', () => ({ status: 201, data: info }));
    const progress: number[] = [];
    const done = uploadMedia(new Blob([new Uint8Array([7, 8, 9])]), 'image', (f) => progress.push(f)).done;
    await expect(done).resolves.toEqual(info);
    expect(progress.at(-1)).toBe(1);
    const form = server.callsTo('POST', '/api/media')[0]!.body as FormData;
    expect([...form.keys()]).toEqual(['kind', 'file']);
    expect(form.get('kind')).toBe('image');
    // (The part's file name does not survive jsdom's FormData reaching MSW: it reads "blob".)
    const file = form.get('file') as File;
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([7, 8, 9]));
  });
});
