/**
 * Herald as real server processes (the built dist/main.js) for the workloads measured from the
 * client side, and users who sign up through the API (they get a session cookie and keys).
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKeys, newKdfParams } from '@herald/crypto';
import type { KdfDefaults } from '@herald/shared';
import { startServerProcess, waitForHttp, type ServerProcess } from '../apps/server/test/helpers/process.js';
import { benchKeys } from './envelopes.js';
import { BENCH_SECRET } from './harness.js';
import { benchHeraldEnv, driverEnv } from './herald-env.js';

/** A server process's environment: the bench settings, the run's driver, then `extra`. */
export const serverEnv = (url: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: url,
  ...benchHeraldEnv(BENCH_SECRET),
  ...driverEnv(),
  HERALD_DATA_DIR: join(tmpdir(), `herald-bench-${randomBytes(3).toString('hex')}`),
  DATABASE_POOL_SIZE: '20',
  ...extra,
});

/** Starts one process per environment and waits until every one answers /readyz. */
export async function startServers(envs: readonly Record<string, string>[]): Promise<ServerProcess[]> {
  const servers: ServerProcess[] = [];
  try {
    for (const env of envs) servers.push(await startServerProcess(env));
    await Promise.all(servers.map((s) => waitForHttp(s)));
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

export interface HttpUser {
  id: string;
  cookie: string;
  keys: ReturnType<typeof benchKeys>['keys'];
  x25519PublicKey: string;
}

/** Registers `count` users through the API, 16 at a time; index i is `${prefix}${i}`. */
export async function registerUsers(server: ServerProcess, count: number, prefix: string): Promise<HttpUser[]> {
  const kdfRes = await fetch(`${server.baseUrl}/api/auth/kdf-params`);
  const { kdf: defaults } = ((await kdfRes.json()) as { data: { kdf: KdfDefaults } }).data;
  const users: HttpUser[] = new Array<HttpUser>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const kdf = newKdfParams(defaults);
        const { authKey } = await deriveKeys(`password-${i}`, kdf);
        const { keys, payload } = benchKeys();
        const res = await fetch(`${server.baseUrl}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `${prefix}${i}`, authKey, kdf, keys: payload }),
        });
        if (res.status !== 201) throw new Error(`register ${res.status}: ${await res.text()}`);
        const cookie = /herald_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
        const id = ((await res.json()) as { data: { user: { id: string } } }).data.user.id;
        users[i] = { id, cookie, keys, x25519PublicKey: payload.x25519PublicKey };
      }
    }),
  );
  return users;
}
