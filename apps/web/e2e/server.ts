import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The server did not become ready in 30 s:\n${log()}`);
}

async function freshDatabase(baseUrl: string | undefined) {
  if (!baseUrl) return undefined;
  const name = `herald_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Starts the real, built server (`node apps/server/dist/main.js`) on a free port with a throwaway
 * data directory (and, with `E2E_DATABASE_URL`, a fresh PostgreSQL database), test-friendly
 * limits, and the built web app. `env` overrides settings (a spec may start a second server with
 * production key-derivation costs, to measure them).
 */
export interface StartedServer {
  baseUrl: string;
  /** The server's data directory (media files live under it); removed by `stop`. */
  dataDir: string;
  /** The run's PostgreSQL database, when E2E_DATABASE_URL is set (dropped by `stop`). */
  databaseUrl: string | null;
  /** Everything the server wrote to stdout and stderr so far (the canary scans it). */
  log: () => string;
  stop: () => Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<StartedServer> {
  const main = join(root, 'apps/server/dist/main.js');
  // E2E_WEB_DIST_DIR: a web build elsewhere (e.g. \`vite build --outDir /tmp/x\`), so that two
  // people building and testing in one checkout do not replace each other's bundle mid-run.
  const webDist = process.env.E2E_WEB_DIST_DIR ?? join(root, 'apps/web/dist');
  const web = join(webDist, 'index.html');
  for (const file of [main, web]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before \`npm run e2e\`.`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-e2e-'));
  // On PostgreSQL, a fresh database per run (dropped afterwards), so that runs never share state.
  const database = await freshDatabase(process.env.E2E_DATABASE_URL);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    HERALD_DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? '',
    SCHEDULE_MIN_LEAD_SECONDS: '2',
    SCHEDULE_PICKER_MIN_LEAD_SECONDS: '2',
    KDF_MEMORY_KIB: '64',
    KDF_ITERATIONS: '1',
    AUTH_HASH_MEMORY_KIB: '64',
    AUTH_HASH_ITERATIONS: '1',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_REGISTER_PER_HOUR: '100000',
    SCHEDULE_RATE_LIMIT_PER_MINUTE: '100000',
    DELIVERY_RETRY_DELAY_SECONDS: '1',
    DISPATCHER_POLL_SECONDS: '1',
    WEB_DIST_DIR: webDist,
    ...env,
  };
  const child = spawn(process.execPath, [main], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // The whole log too, for scanning (a test server's log is small).
  const whole: Buffer[] = [];
  const keep = (chunk: Buffer) => {
    whole.push(chunk);
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child, () => output);

  return {
    baseUrl,
    dataDir,
    databaseUrl: database?.url ?? null,
    log: () => Buffer.concat(whole).toString('utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
      if (process.env.E2E_SHOW_SERVER_LOG) console.log(output);
    },
  };
}

/** The run's server, shared by every spec (`baseUrl()` in harness.ts). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide('baseUrl', server.baseUrl);
  return server.stop;
}
