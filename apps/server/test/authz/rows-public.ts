import { deriveKeys, newKdfParams } from '@herald/crypto';
import type { KdfDefaults, KdfParams } from '@herald/shared';
import { uniqueName, type ApiClient, type TestUser } from '../helpers/client.js';
import { newUserKeys, registrationKeys } from '../helpers/e2ee.js';
import { http } from './row.js';
import type { Outcome } from './actors.js';

/**
 * The public routes, listed explicitly: they answer without a session, and the same to an
 * anonymous caller, a dead session (a deleted account's cookie) and a live one. Everything else
 * needs a row of the matrix.
 */
export interface PublicRoute {
  route: string;
  status: number;
  call(api: ApiClient, known: TestUser): Promise<Outcome>;
}

const get = (url: string) => (api: ApiClient) => http(api.get(url));

/** A fresh registration as the web client sends it (its own keys, its own name). */
async function register(api: ApiClient): Promise<Outcome> {
  const params = await api.get<{ kdf: KdfDefaults }>('/api/auth/kdf-params');
  const kdf = newKdfParams(params.body.data.kdf);
  const { authKey, encryptionKey } = await deriveKeys('a long enough password', kdf);
  const keys = registrationKeys(newUserKeys(), encryptionKey);
  return http(api.post('/api/auth/register', { username: uniqueName('pub'), authKey, kdf, keys }));
}

async function login(api: ApiClient, known: TestUser): Promise<Outcome> {
  const pre = await api.get<{ kdf: KdfParams }>(`/api/auth/prelogin?username=${known.username}`);
  const { authKey } = await deriveKeys(known.password, pre.body.data.kdf);
  return http(api.post('/api/auth/login', { username: known.username, authKey }));
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { route: 'GET /api/config', status: 200, call: get('/api/config') },
  { route: 'GET /api/auth/kdf-params', status: 200, call: get('/api/auth/kdf-params') },
  {
    route: 'GET /api/auth/prelogin',
    status: 200,
    call: (api, known) => http(api.get(`/api/auth/prelogin?username=${known.username}`)),
  },
  { route: 'POST /api/auth/register', status: 201, call: register },
  { route: 'POST /api/auth/login', status: 200, call: login },
  { route: 'POST /api/auth/logout', status: 200, call: (api) => http(api.post('/api/auth/logout')) },
  { route: 'GET /healthz', status: 200, call: get('/healthz') },
  { route: 'GET /readyz', status: 200, call: get('/readyz') },
  { route: 'GET /metrics', status: 200, call: get('/metrics') },
  { route: 'GET /api/docs', status: 200, call: get('/api/docs') },
  { route: 'GET /api/docs/', status: 200, call: get('/api/docs/') },
  { route: 'GET /api/docs/json', status: 200, call: get('/api/docs/json') },
  { route: 'GET /api/docs/yaml', status: 200, call: get('/api/docs/yaml') },
  // The viewer's own redirect to /api/docs.
  { route: 'GET /api/docs/static/index.html', status: 302, call: get('/api/docs/static/index.html') },
  {
    route: 'GET /api/docs/static/swagger-initializer.js',
    status: 200,
    call: get('/api/docs/static/swagger-initializer.js'),
  },
  { route: 'GET /api/docs/*', status: 200, call: get('/api/docs/static/swagger-ui.css') },
];
