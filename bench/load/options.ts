/**
 * Command-line options of `npm run bench:load`:
 *   --short                 the CI run: 5 s steps, 200 sockets (under 3 minutes in all)
 *   --steps 1,8,32          connection counts of the HTTP steps (default 1,8,32,64,128,256)
 *   --duration 60           seconds per HTTP step
 *   --sockets 2000          sockets of the fan-out phase
 *   --only http|fanout      one phase only
 */
export interface LoadOptions {
  short: boolean;
  steps: number[];
  durationSeconds: number;
  sockets: number;
  phases: { http: boolean; fanout: boolean };
}

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${raw}`);
  return n;
}

export function parseOptions(args: readonly string[]): LoadOptions {
  const value = (name: string) => {
    const i = args.indexOf(name);
    if (i === -1) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const known = new Set(['--short', '--steps', '--duration', '--sockets', '--only']);
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && !known.has(args[i - 1] ?? ''));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')}`);
  const short = args.includes('--short');
  const steps = (value('--steps') ?? '1,8,32,64,128,256').split(',').map((s) => positiveInt('--steps', s.trim()));
  const only = value('--only');
  if (only !== undefined && only !== 'http' && only !== 'fanout') throw new Error('--only is http or fanout');
  return {
    short,
    steps,
    durationSeconds: positiveInt('--duration', value('--duration') ?? (short ? '5' : '60')),
    sockets: positiveInt('--sockets', value('--sockets') ?? (short ? '200' : '2000')),
    phases: { http: only !== 'fanout', fanout: only !== 'http' },
  };
}
