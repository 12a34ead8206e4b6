import { ERROR_CATALOGUE, isErrorCode, type ApiResponse, type ErrorCode } from '@herald/shared';

/**
 * The one way the web app talks HTTP. Feature `api.ts` modules call these helpers; components
 * never call fetch. Answers use the envelope `{ success, message, data }`; errors become an
 * `ApiError` carrying the server's code, message, details and HTTP status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode | 'network_error' | 'bad_response',
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown, code?: ApiError['code']): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/**
 * Sentences for the codes whose server text is written for developers (or, for the catalogue's
 * default texts, could say more to a person). The server's own sentence is kept otherwise: it is
 * usually the precise one ("The current password is incorrect.").
 */
const SENTENCES: Partial<Record<ApiError['code'], string>> = {
  validation_failed: 'Something in what you sent was not accepted; check it and try again.',
  invalid_time: 'That time could not be read; pick it again.',
  csrf_rejected: 'The request was refused for your safety; reload the page and try again.',
  sender_mismatch: 'You can only send as yourself; reload the page and try again.',
  recipient_unavailable: 'You cannot send messages to this person.',
  recipients_mismatch: 'The members of this chat changed; reload the page and try again.',
  payload_too_large: 'That is too large to send.',
  unsupported_media_type: 'This kind of file cannot be sent; send a photo or a video.',
  unprocessable: 'That cannot be done.',
  internal_error: 'Something went wrong on our side; try again in a moment.',
  bad_response: 'The server gave an unexpected answer; try again in a moment.',
};

/** Codes whose server text is never shown: it names fields, routes or formats. */
const ALWAYS_OURS = new Set<ApiError['code']>([
  'invalid_time',
  'csrf_rejected',
  'sender_mismatch',
  'recipients_mismatch',
  'payload_too_large',
  'unsupported_media_type',
  'bad_response',
]);

/** Raw validator or router text ("Invalid body: content: Too big: ...", "No route for POST ..."). */
const MACHINE_TEXT = /^(Invalid [a-z]+:|No route for )|\b[a-z]+[A-Z][A-Za-z]*\b|[<>=]=?\s*\d/;

/** Ends a sentence with exactly one full stop (or the punctuation it has). */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/\.+$/, '');
  if (!trimmed) return 'Something went wrong.';
  return /[!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A field the server refused as too long (`details` of validation_failed), if any. */
export function tooLongField(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'validation_failed' || !Array.isArray(error.details)) return null;
  for (const issue of error.details as { path?: unknown; message?: unknown }[]) {
    if (
      typeof issue.path === 'string' &&
      typeof issue.message === 'string' &&
      /too big|at most|<=/i.test(issue.message)
    ) {
      return issue.path;
    }
  }
  return null;
}

/**
 * Whether trying the same request again may succeed (connection, server trouble, rate limit), as
 * opposed to a refusal that would only repeat (the request itself is not acceptable).
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  if (['network_error', 'bad_response', 'rate_limited', 'not_ready', 'internal_error', 'busy'].includes(error.code)) {
    return true;
  }
  return error.status >= 500 || error.status === 0;
}

/** Fields people type, by the name the API gives them, as a sentence starts with them. */
const FIELD_NAMES: Record<string, string> = {
  title: 'The group name',
  displayName: 'The display name',
  username: 'The username',
  content: 'The message',
  emoji: 'The reaction',
};

/**
 * A refused field said as a sentence, when the validator's words are for people ("The group name
 * must not contain control or invisible formatting characters ...").
 */
function fieldSentence(error: ApiError): string | null {
  if (error.code !== 'validation_failed' || !Array.isArray(error.details)) return null;
  for (const issue of error.details as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue;
    const field = FIELD_NAMES[issue.path];
    if (field && /^must /.test(issue.message) && !MACHINE_TEXT.test(issue.message)) {
      return asSentence(`${field} ${issue.message}`);
    }
  }
  return null;
}

/** A sentence for the person in front of the screen, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (tooLongField(error) === 'content') return 'This message is too long to send.';
    const field = fieldSentence(error);
    if (field) return field;
    const ours = SENTENCES[error.code];
    const catalogueDefault = isErrorCode(error.code) ? ERROR_CATALOGUE[error.code].message : null;
    if (
      ours &&
      (ALWAYS_OURS.has(error.code) || error.message === catalogueDefault || MACHINE_TEXT.test(error.message))
    ) {
      return ours;
    }
    if (error.code === 'not_found' && MACHINE_TEXT.test(error.message)) return 'That is no longer available.';
    return asSentence(error.message);
  }
  if (error instanceof Error) return asSentence(error.message);
  return 'Something went wrong.';
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Survives page unload (used to flush a delayed cancel when the tab closes). */
  keepalive?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Turns a parsed error envelope (or anything else) into an ApiError. */
export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && 'success' in body && body.success === false) {
    const envelope = body as { message?: unknown; error?: { code?: unknown; details?: unknown } };
    const code = isErrorCode(envelope.error?.code) ? envelope.error.code : 'bad_response';
    const message = typeof envelope.message === 'string' ? envelope.message : `Request failed (${status}).`;
    return new ApiError(code, message, status, envelope.error?.details);
  }
  return new ApiError('bad_response', `Unexpected answer from the server (${status}).`, status);
}

/**
 * A 401 `unauthenticated` on any request means the session is over (signed out elsewhere, expired,
 * account deleted): the app signs out, which wipes this device's keys and caches. Wrong passwords
 * are `invalid_credentials`, not this.
 */
const sessionEndListeners = new Set<() => void>();
export function onSessionEnded(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

function sessionCheck(error: ApiError): ApiError {
  if (error.code === 'unauthenticated') for (const listener of sessionEndListeners) listener();
  return error;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // The server refuses non-JSON state changes (CSRF defence), so every non-GET says JSON, even
  // with an empty body.
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: method !== 'GET' && options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
      keepalive: options.keepalive,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network_error', 'Cannot reach the server; check your connection.', 0);
  }
  let body: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('bad_response', `Unexpected answer from the server (${response.status}).`, response.status);
    }
  }
  if (!response.ok) throw sessionCheck(toApiError(response.status, body));
  const envelope = body as ApiResponse<T> | null;
  if (!envelope || envelope.success !== true) throw toApiError(response.status, body);
  return envelope.data;
}

/** GET a binary body (media); errors still come as the JSON envelope. */
export async function requestBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network_error', 'Cannot reach the server; check your connection.', 0);
  }
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // not JSON
    }
    throw toApiError(response.status, body);
  }
  return response.blob();
}

export const http = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('DELETE', path, { ...options, body }),
};
