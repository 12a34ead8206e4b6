import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test-support/network';
import { ApiError, http } from './http';

describe('http wrapper', () => {
  it('unwraps the envelope and sends JSON with same-origin credentials', async () => {
    const server = fakeServer().on('POST', '/api/auth/logout', () => ({ data: { ok: 1 } }));
    await expect(http.post('/api/auth/logout')).resolves.toEqual({ ok: 1 });
    const [, init] = server.fetch.mock.calls[0]!;
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect((init!.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(init!.body).toBeUndefined();
  });

  it('does not send a content type on GET, and encodes the query', async () => {
    const server = fakeServer().on('GET', '/api/users', () => ({ data: [] }));
    await http.get('/api/users', { search: 'al ice', limit: 10, skip: undefined });
    expect(server.calls[0]!.query.toString()).toBe('search=al+ice&limit=10');
    expect(server.calls[0]!.headers['Content-Type']).toBeUndefined();
  });

  it('turns an error envelope into a typed ApiError', async () => {
    fakeServer().on('PUT', '/api/scheduled-messages/x', () => ({
      status: 409,
      error: {
        code: 'invalid_state',
        message: 'That action is not possible in the current state.',
        details: { status: 'sent' },
      },
    }));
    const error = (await http.put('/api/scheduled-messages/x', { content: 'a' }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_state', status: 409, details: { status: 'sent' } });
    expect(error.message).toBe('That action is not possible in the current state.');
  });

  it('reports an unreachable server as a network error', async () => {
    const server = fakeServer();
    server.fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(http.get('/api/config')).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});
