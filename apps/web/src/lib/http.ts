import { isErrorCode, type ApiResponse, type ErrorCode } from '@herald/shared';

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

/** A sentence for the person in front of the screen, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
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
  if (!response.ok) throw toApiError(response.status, body);
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
