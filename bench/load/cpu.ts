/**
 * Where the CPU went during a step: Herald's process, the PostgreSQL backends serving its
 * database, this process (the load generator), and the whole machine (everything else on it
 * included: on a shared box, other work competes for the same cores). Read from /proc.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { ServerProcess } from '../../apps/server/test/helpers/process.js';
import type { Cleanup } from './environment.js';

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used, in seconds; undefined once it is gone. */
async function processCpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1, 9).map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

interface CpuSample {
  at: number;
  herald: number;
  postgres: Map<number, number>;
  generator: number;
  machine: { busy: number; total: number };
}

/** Percentages of one core, except `machine`: % of all cores busy. */
export interface CpuShare {
  herald: number;
  postgres: number;
  generator: number;
  machine: number;
}

export class CpuMeter {
  private constructor(
    private readonly server: ServerProcess,
    private readonly client: pg.Client,
  ) {}

  /** A meter on `server` and the backends of `databaseUrl` (one connection of its own, closed by cleanup). */
  static async open(server: ServerProcess, databaseUrl: string, cleanup: Cleanup): Promise<CpuMeter> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    cleanup.add('close the CPU meter', () => client.end());
    return new CpuMeter(server, client);
  }

  async sample(): Promise<CpuSample> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const postgres = new Map<number, number>();
    for (const { pid } of rows) {
      const seconds = await processCpuSeconds(pid);
      if (seconds !== undefined) postgres.set(pid, seconds);
    }
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      herald: (await processCpuSeconds(this.server.child.pid!)) ?? 0,
      postgres,
      generator: (usage.user + usage.system) / 1e6,
      machine: await machineTicks(),
    };
  }

  /**
   * The share of each between two samples. A backend that started in between counts whole; one
   * that ended in between is missed (Herald's pool keeps its connections while it is busy).
   */
  static between(a: CpuSample, b: CpuSample): CpuShare {
    const seconds = (b.at - a.at) / 1000;
    let postgres = 0;
    for (const [pid, after] of b.postgres) postgres += after - (a.postgres.get(pid) ?? 0);
    const pct = (x: number) => Math.round((x / seconds) * 100);
    return {
      herald: pct(b.herald - a.herald),
      postgres: pct(postgres),
      generator: pct(b.generator - a.generator),
      machine: Math.round(((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * 100),
    };
  }
}
