import { deriveKeys, newKdfParams, type UserKeys as SecretKeys } from '@herald/crypto';
import type { KdfDefaults, SelfUser } from '@herald/shared';
import { keyRingOf, newUserKeys, openText, registrationKeys, sealContent, type SealedMessage } from './e2ee.js';

/** A user talking to a real server process over HTTP (fetch), carrying its cookie and its E2EE keys. */
export class HttpUser {
  cookie = '';
  id = '';
  /** Generated at construction, registered by `register` (sealed under the password's key). */
  readonly keys: SecretKeys = newUserKeys();

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

  /** GET in the shape helpers/e2ee.ts fetches keys with. */
  async get<T>(path: string): Promise<{ status: number; body: { data: T } }> {
    const res = await this.call<T>('GET', path);
    return { status: res.status, body: { data: res.data } };
  }

  async register(username: string, password = 'a good long password'): Promise<this> {
    const params = await this.call<{ kdf: KdfDefaults }>('GET', '/api/auth/kdf-params');
    const kdf = newKdfParams(params.data.kdf);
    const { authKey, encryptionKey } = await deriveKeys(password, kdf);
    const keys = registrationKeys(this.keys, encryptionKey);
    const res = await this.call<{ user: SelfUser }>('POST', '/api/auth/register', { username, authKey, kdf, keys });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    this.id = res.data.user.id;
    keyRingOf(this);
    return this;
  }

  /** `text` sealed for the conversation's current members (asked of the server). */
  seal(conversationId: string, text: string): Promise<string> {
    return sealContent(this, conversationId, text, { client: this });
  }

  /** The text of a message as this user reads it. */
  open(message: SealedMessage): Promise<string> {
    return openText({ id: this.id, keys: this.keys, client: this }, message);
  }
}
