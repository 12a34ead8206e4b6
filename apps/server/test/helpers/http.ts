import { deriveKeys, newKdfParams } from '@herald/crypto';
import type { KdfDefaults, SelfUser } from '@herald/shared';

/** A user talking to a real server process over HTTP (fetch), carrying its cookie. */
export class HttpUser {
  cookie = '';
  id = '';

  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const setCookie = res.headers.get('set-cookie');
    const match = setCookie && /herald_session=([^;]*)/.exec(setCookie);
    if (match?.[1]) this.cookie = `herald_session=${match[1]}`;
    const json = (await res.json().catch(() => undefined)) as { data: T } | undefined;
    return { status: res.status, data: json?.data as T, body: json };
  }

  async register(username: string, password = 'a good long password'): Promise<this> {
    const params = await this.call<{ kdf: KdfDefaults }>('GET', '/api/auth/kdf-params');
    const kdf = newKdfParams(params.data.kdf);
    const { authKey } = await deriveKeys(password, kdf);
    const res = await this.call<{ user: SelfUser }>('POST', '/api/auth/register', { username, authKey, kdf });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    this.id = res.data.user.id;
    return this;
  }
}
