/**
 * Herald's server processes for the chaos run: `apps/server/dist/main.js` on fixed ports (so that a
 * killed process comes back where clients expect it), killed with SIGKILL on demand and started
 * again until it is ready (it cannot boot while PostgreSQL is down: it keeps trying). A process
 * that exits without being killed is a crash, counted in the tally. Every child is killed when
 * this process exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { MAIN_JS, freePort } from '../../apps/server/test/helpers/process.js';
import { current, log, sleep } from './stats.js';

export interface Slot {
  index: number;
  port: number;
  baseUrl: string;
  child: ChildProcess | undefined;
  /** True from /readyz 200 until the process is killed or exits. */
  up: boolean;
  /** Bumped on every kill: a request that started in an older generation lost its process. */
  generation: number;
  /** The process is being started (after a kill or at boot). */
  starting: Promise<void> | undefined;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export class Cluster {
  readonly slots: Slot[] = [];
  private stopped = false;
  private next = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: WriteStream,
  ) {}

  static async create(count: number, env: Record<string, string>, logPath: string): Promise<Cluster> {
    const cluster = new Cluster(env, createWriteStream(logPath, { flags: 'a' }));
    for (let index = 0; index < count; index++) {
      const port = await freePort();
      cluster.slots.push({
        index,
        port,
        baseUrl: `http://127.0.0.1:${port}`,
        child: undefined,
        up: false,
        generation: 0,
        starting: undefined,
      });
    }
    await Promise.all(cluster.slots.map((slot) => cluster.start(slot)));
    return cluster;
  }

  /** The next process that is up, round robin (a load balancer's choice); undefined if none is. */
  pick(): Slot | undefined {
    for (let n = 0; n < this.slots.length; n++) {
      const slot = this.slots[this.next++ % this.slots.length]!;
      if (slot.up) return slot;
    }
    return undefined;
  }

  /** SIGKILL one process and start it again (not awaited: the caller goes on). */
  kill(slot: Slot): void {
    const child = slot.child;
    if (!child || !slot.up) return;
    slot.up = false;
    slot.generation += 1;
    current.tally.kills += 1;
    child.kill('SIGKILL');
    slot.starting = this.startWhenExited(slot, child).finally(() => (slot.starting = undefined));
  }

  /** Resolves when every process is up (after faults, before checking). */
  async allUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.slots.every((s) => s.up)) {
      if (Date.now() > deadline) throw new Error('Herald processes did not all come back up');
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const child = slot.child;
        slot.up = false;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.logFile.end();
  }

  private async startWhenExited(slot: Slot, child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((resolve) => child.once('exit', resolve));
    await this.start(slot);
    current.tally.restarts += 1;
  }

  /** Starts the slot's process, again and again until one is ready (PostgreSQL may be down). */
  private async start(slot: Slot): Promise<void> {
    const began = Date.now();
    for (let attempt = 1; !this.stopped; attempt++) {
      const child = this.spawn(slot);
      if (await this.ready(slot, child, 30_000)) {
        slot.up = true;
        current.tally.downMs.push(Date.now() - began);
        return;
      }
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      if (attempt % 10 === 0) log(`process ${slot.index}: still not starting (attempt ${attempt})`);
      await sleep(250);
    }
  }

  private spawn(slot: Slot): ChildProcess {
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { PATH: process.env.PATH ?? '', ...this.env, HOST: '127.0.0.1', PORT: String(slot.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    slot.child = child;
    const tag = `[p${slot.index} pid ${child.pid}] `;
    const write = (chunk: Buffer) => this.logFile.write(chunk.toString().replace(/^(?=.)/gm, tag));
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    const generation = slot.generation;
    child.once('exit', (code, signal) => {
      children.delete(child);
      // Not killed by us (the generation did not move), not stopping, and it had been up: a crash.
      if (!this.stopped && slot.generation === generation && slot.child === child && slot.up) {
        slot.up = false;
        slot.generation += 1;
        current.tally.crashes.push(`process ${slot.index} exited by itself (code ${code}, signal ${signal})`);
        log(`process ${slot.index} CRASHED (code ${code}, signal ${signal}); see the log`);
        slot.starting = this.start(slot)
          .then(() => void (current.tally.restarts += 1))
          .finally(() => (slot.starting = undefined));
      }
    });
    return child;
  }

  /** Polls /readyz until 200 (true), or false if the process exited or the time ran out. */
  private async ready(slot: Slot, child: ChildProcess, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopped) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        const res = await fetch(`${slot.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) return true;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    return false;
  }
}
