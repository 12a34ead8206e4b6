import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { deriveKeys, newKdfParams, type UserKeys as SecretKeys } from '@herald/crypto';
import type { ErrorCode, KdfDefaults, KdfParams, SelfUser } from '@herald/shared';
import { keyRingOf, newUserKeys, registrationKeys } from './e2ee.js';

/** Either envelope, loosely typed so that tests can assert on both halves. */
export interface Envelope<T> {
  success: boolean;
  message: string;
  data: T;
  error: { code: ErrorCode; details?: unknown };
}

export interface Response<T = unknown> {
  status: number;
  body: Envelope<T>;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

/** Extracts `name=value` of the session cookie from a response, if it set one. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | undefined {
  const cookies = res.cookies as { name: string; value: string }[];
  const session = cookies.find((c) => c.name === 'herald_session');
  return session && session.value ? `herald_session=${session.value}` : undefined;
}

/** A user's HTTP client through `inject()`: JSON in, the envelope out, the cookie carried along. */
export class ApiClient {
  cookie: string | undefined;

  constructor(
    readonly app: FastifyInstance,
    cookie?: string,
  ) {
    this.cookie = cookie;
  }

  async request<T = unknown>(options: InjectOptions): Promise<Response<T>> {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string>) };
    if (this.cookie && !headers.cookie) headers.cookie = this.cookie;
    const res = await this.app.inject({ ...options, headers });
    const setCookie = sessionCookieFrom(res);
    if (setCookie) this.cookie = setCookie;
    let body: unknown = undefined;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body: body as Response<T>['body'], headers: res.headers, raw: res };
  }

  get<T = unknown>(url: string): Promise<Response<T>> {
    return this.request<T>({ method: 'GET', url });
  }

  private withJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
    return this.request<T>({
      method,
      url,
      headers: { 'content-type': 'application/json' },
      payload: body === undefined ? '' : JSON.stringify(body),
    });
  }

  post<T = unknown>(url: string, body?: unknown): Promise<Response<T>> {
    return this.withJson<T>('POST', url, body);
  }

  put<T = unknown>(url: string, body?: unknown): Promise<Response<T>> {
    return this.withJson<T>('PUT', url, body);
  }

  patch<T = unknown>(url: string, body?: unknown): Promise<Response<T>> {
    return this.withJson<T>('PATCH', url, body);
  }

  delete<T = unknown>(url: string, body?: unknown): Promise<Response<T>> {
    return this.withJson<T>('DELETE', url, body);
  }
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  kdf: KdfParams;
  authKey: string;
  /** The password's encryption key (opens `user.encryptedPrivateKeys`; re-seal on a password change). */
  encryptionKey: Uint8Array;
  /** The user's secret keys (E2EE): seal and open with helpers/e2ee.ts. */
  keys: SecretKeys;
  client: ApiClient;
  user: SelfUser;
}

let counter = 0;
export const uniqueName = (prefix = 'user') => `${prefix}${++counter}${Math.random().toString(36).slice(2, 6)}`;

/**
 * Registers through the API exactly as the web client does: derive the password's keys, generate
 * the user's E2EE keys, seal them under the encryption key, then POST with `keys`. `extra` may
 * override any field (`keys` included: a test of registration without keys passes `keys: undefined`).
 */
export async function registerUser(
  app: FastifyInstance,
  username = uniqueName(),
  password = 'correct horse battery staple',
  extra: Record<string, unknown> = {},
): Promise<TestUser> {
  const client = new ApiClient(app);
  const params = await client.get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
  const kdf = newKdfParams(params.body.data.kdf);
  const { authKey, encryptionKey } = await deriveKeys(password, kdf);
  const keys = newUserKeys();
  const res = await client.post<{ user: SelfUser }>('/api/auth/register', {
    username,
    authKey,
    kdf,
    keys: registrationKeys(keys, encryptionKey),
    ...extra,
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const user: TestUser = {
    id: res.body.data.user.id,
    username,
    password,
    kdf,
    authKey,
    encryptionKey,
    keys,
    client,
    user: res.body.data.user,
  };
  // The ring (and the local key directory) only for keys this helper made and registered.
  if (!('keys' in extra)) keyRingOf(user);
  return user;
}

/** Logs in as the web client does: prelogin for the salt, derive, POST. A new device each time. */
export async function loginUser(app: FastifyInstance, username: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(app);
  const pre = await client.get<{ kdf: KdfParams }>(`/api/auth/prelogin?username=${encodeURIComponent(username)}`);
  const { authKey } = await deriveKeys(password, pre.body.data.kdf);
  const res = await client.post('/api/auth/login', { username, authKey });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}
