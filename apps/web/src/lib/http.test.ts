import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test-support/network';
import { ApiError, asSentence, errorMessage, http, isRetryable } from './http';

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

describe('errors in sentences a person understands (item 19)', () => {
  const api = (code: ApiError['code'], message: string, status = 400, details?: unknown) =>
    new ApiError(code, message, status, details);

  it('never shows raw validator or router text', () => {
    const tooLong = api(
      'validation_failed',
      'Invalid body: content: Too big: expected string to have <=65536 characters',
      400,
      [{ path: 'content', message: 'Too big: expected string to have <=65536 characters' }],
    );
    expect(errorMessage(tooLong)).toBe('This message is too long to send.');
    expect(errorMessage(api('validation_failed', 'Invalid body: title: Too small'))).toBe(
      'Something in what you sent was not accepted; check it and try again.',
    );
    expect(errorMessage(api('validation_failed', 'receiverId is not the other member of that conversation.'))).toBe(
      'Something in what you sent was not accepted; check it and try again.',
    );
    expect(errorMessage(api('not_found', 'No route for POST /api/nothing.', 404))).toBe('That is no longer available.');
    const hidden =
      'must not contain control or invisible formatting characters (such as bidi overrides or zero-width spaces)';
    expect(
      errorMessage(
        api('validation_failed', `Invalid body: title: ${hidden}`, 400, [{ path: 'title', message: hidden }]),
      ),
    ).toBe(`The group name ${hidden}.`);
    expect(errorMessage(api('payload_too_large', 'The request body is too large.', 413))).toBe(
      'That is too large to send.',
    );
    expect(errorMessage(api('bad_response', 'Unexpected answer from the server (502).', 502))).toBe(
      'The server gave an unexpected answer; try again in a moment.',
    );
  });

  it("keeps the server's own sentences, with exactly one full stop", () => {
    expect(errorMessage(api('validation_failed', 'The message is empty.'))).toBe('The message is empty.');
    expect(errorMessage(api('invalid_credentials', 'The current password is incorrect.', 401))).toBe(
      'The current password is incorrect.',
    );
    expect(errorMessage(api('recipient_unavailable', 'You cannot send messages to this user.', 403))).toBe(
      'You cannot send messages to this person.',
    );
    expect(errorMessage(api('recipient_unavailable', 'This account was deleted.', 403))).toBe(
      'This account was deleted.',
    );
    expect(asSentence('Done..')).toBe('Done.');
    expect(asSentence('Really?')).toBe('Really?');
    expect(errorMessage(new Error('Key derivation failed'))).toBe('Key derivation failed.');
  });

  it('tells a refusal (same answer again) from trouble worth retrying', () => {
    expect(isRetryable(api('network_error', 'x', 0))).toBe(true);
    expect(isRetryable(api('not_ready', 'x', 503))).toBe(true);
    expect(isRetryable(api('rate_limited', 'x', 429))).toBe(true);
    expect(isRetryable(api('validation_failed', 'x', 400))).toBe(false);
    expect(isRetryable(api('recipient_unavailable', 'x', 403))).toBe(false);
  });
});
