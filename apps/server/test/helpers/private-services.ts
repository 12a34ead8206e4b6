/**
 * Private, throw-away PostgreSQL and Redis instances for tests that stop, restart or freeze the
 * database or Redis. The shared services on 127.0.0.1:5432/6379 serve every other test file at
 * the same time, so they must never be touched; these run on a free port in a temp directory.
 *
 * No vitest imports here: the file is also used from plain `tsx` scripts.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './process.js';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/herald */
  url: string;
  port: number;
  /** Starts the server (no-op if running) and waits until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast` (default: disconnects clients cleanly) or `immediate` (like a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(): Promise<void>;
  /** The postmaster and all its children (backends, background workers): for SIGSTOP/SIGCONT. */
  pids(): Promise<number[]>;
  /** Stops it (immediate) and deletes its directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  pid(): number | undefined;
  close(): Promise<void>;
}

const START_TIMEOUT_S = 30;
const isRoot = process.getuid?.() === 0;

/** The newest installed PostgreSQL's bin directory (PG_BIN overrides). */
async function pgBin(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL under /usr/lib/postgresql (set PG_BIN)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** The path of a PostgreSQL client tool (pg_dump, pg_restore) of the installed server's version. */
export async function pgTool(name: string): Promise<string> {
  return join(await pgBin(), name);
}

/** Runs a PostgreSQL tool, as the `postgres` OS user when we are root (postgres refuses root). */
function runPg(bin: string, args: string[], cwd: string, timeoutMs = START_TIMEOUT_S * 1000): Promise<string> {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Child pids of a process, read from /proc (no dependency on procps). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

// Instances still running when the process exits (a failed test, a ^C in a script) are stopped
// synchronously, so no stray postgres or redis-server outlives the run.
const exitCleanups = new Set<() => void>();
process.once('exit', () => {
  for (const cleanup of exitCleanups) cleanup();
});

/**
 * A process killed outright (SIGKILL, a CI timeout) runs no exit handler: a watchdog shell, which
 * reads our end of a pipe, runs `script` when that pipe closes, however we died. Detached, so
 * that a ^C to our process group reaches it only as the end of the pipe. Returns its disarm.
 */
function watchdog(script: string): () => void {
  const child = spawn('sh', ['-c', `cat >/dev/null; ${script}`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return () => {
    child.kill('SIGKILL');
  };
}

export async function startPrivatePostgres(options: { port?: number } = {}): Promise<PrivatePostgres> {
  const bin = await pgBin();
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'herald-pg-'));
  if (isRoot) {
    const { uid, gid } = postgresUser();
    await chown(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const url = `postgres://postgres@127.0.0.1:${port}/herald`;
  let running = false;
  let closed = false;

  const pgCtl = (args: string[]) => runPg(join(bin, 'pg_ctl'), ['-D', data, ...args], dir);
  const stopSync = () => {
    if (!running) return;
    const file = isRoot ? 'runuser' : join(bin, 'pg_ctl');
    const args = ['-D', data, 'stop', '-m', 'immediate', '-w', '-t', '10'];
    spawnSync(file, isRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args] : args, {
      cwd: dir,
      timeout: 15_000,
    });
  };

  const instance: PrivatePostgres = {
    url,
    port,
    async start() {
      if (running) return;
      // Sockets in the temp dir (not /var/run/postgresql), TCP on 127.0.0.1 only; fsync off
      // because a crash of a test database loses nothing we care about.
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      await pgCtl(['start', '-w', '-t', String(START_TIMEOUT_S), '-l', log, '-o', opts]);
      running = true;
    },
    async stop(mode = 'fast') {
      if (!running) return;
      await pgCtl(['stop', '-m', mode, '-w', '-t', String(START_TIMEOUT_S)]);
      running = false;
    },
    async restart() {
      await instance.stop('fast');
      await instance.start();
    },
    async pids() {
      const head = await readFile(join(data, 'postmaster.pid'), 'utf8').catch(() => '');
      const postmaster = Number(head.split('\n')[0]);
      if (!postmaster) return [];
      return [postmaster, ...(await childrenOf(postmaster))];
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        // SIGCONT first: a test that froze the server and failed must not leave pg_ctl waiting.
        for (const pid of await instance.pids()) {
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            // already gone
          }
        }
        if (running) await instance.stop('immediate').catch(() => stopSync());
      } finally {
        running = false;
        exitCleanups.delete(stopSync);
        disarm();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };

  exitCleanups.add(stopSync);
  const pgCtlCommand = `${isRoot ? 'runuser -u postgres -- ' : ''}'${join(bin, 'pg_ctl')}'`;
  const disarm = watchdog(
    // Thaw a frozen server first: a stopped process would ignore the shutdown.
    `pm=$(head -1 '${data}/postmaster.pid' 2>/dev/null); ` +
      `[ -n "$pm" ] && kill -CONT $pm $(cat /proc/$pm/task/$pm/children 2>/dev/null) 2>/dev/null; ` +
      `${pgCtlCommand} -D '${data}' stop -m immediate -w -t 10; rm -rf '${dir}'`,
  );
  try {
    await runPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], dir);
    await instance.start();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE herald');
    } finally {
      await admin.end();
    }
  } catch (error) {
    const logText = await readFile(log, 'utf8').catch(() => '');
    await instance.close();
    throw new Error(`private PostgreSQL did not start: ${(error as Error).message}\n${logText}`);
  }
  return instance;
}

function postgresUser(): { uid: number; gid: number } {
  const result = spawnSync('id', ['-u', 'postgres']);
  const gidResult = spawnSync('id', ['-g', 'postgres']);
  const uid = Number(result.stdout.toString().trim());
  const gid = Number(gidResult.stdout.toString().trim());
  if (result.status !== 0 || !Number.isInteger(uid)) throw new Error('running as root but there is no `postgres` user');
  return { uid, gid };
}

/** Sends PING over a raw socket: resolves true on +PONG, false on any error or after 1 s. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('+PONG')));
  });
}

export async function startPrivateRedis(options: { port?: number } = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'herald-redis-'));
  let child: ChildProcess | undefined;
  let output = '';
  let closed = false;
  const killSync = () => child?.kill('SIGKILL');

  const instance: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return;
      // Not daemonized: we keep the child to kill it. No persistence: a restart starts empty,
      // which is what a Redis that lost its memory looks like.
      const started = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          ...['--dir', dir, '--pidfile', join(dir, 'redis.pid')],
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      const deadline = Date.now() + START_TIMEOUT_S * 1000;
      while (!(await ping(port))) {
        if (!child || Date.now() > deadline) {
          await instance.stop();
          throw new Error(`private Redis did not start on port ${port}:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      const running = child;
      if (!running) return;
      if (running.exitCode !== null || running.signalCode !== null) {
        child = undefined;
        return;
      }
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      child = undefined;
    },
    async restart() {
      await instance.stop();
      await instance.start();
    },
    pid: () => child?.pid,
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (child?.pid) process.kill(child.pid, 'SIGCONT');
        await instance.stop();
      } finally {
        exitCleanups.delete(killSync);
        disarm();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };

  exitCleanups.add(killSync);
  const disarm = watchdog(`pid=$(cat '${dir}/redis.pid' 2>/dev/null); [ -n "$pid" ] && kill -9 $pid; rm -rf '${dir}'`);
  try {
    await instance.start();
  } catch (error) {
    await instance.close();
    throw error;
  }
  return instance;
}
