import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU time and memory of one process, read from `/proc` (Linux). */
export interface ProcessSample {
  /** User + system CPU time so far, in seconds. */
  readonly cpuSeconds: number;
  /** Resident set size, in MiB. */
  readonly rssMiB: number;
}

/** Kernel clock ticks per second (`getconf CLK_TCK`): 100 on every Linux build Node runs on. */
const CLOCK_TICKS = 100;

/**
 * The CPU time and RSS of process `pid`; null when it does not exist (or this is not Linux).
 *
 * @example
 * ```ts
 * const before = sampleProcess(pid); // … later …
 * const cpuShare = (sampleProcess(pid)!.cpuSeconds - before!.cpuSeconds) / elapsedSeconds;
 * ```
 */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it follow its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
    if (!Number.isFinite(utime + stime + rssKiB)) return null;
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssMiB: rssKiB / 1024 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, from the first line of `/proc/stat`. */
export function sampleMachine(): { readonly busy: number; readonly total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/) ?? [];
  const numbers = values.filter((v) => v !== '').map(Number);
  const total = numbers.reduce((sum, n) => sum + n, 0);
  const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);
  return { busy: total - idle, total };
}

/** The pid of the first process whose command name is one of `names`, or null. */
export function findProcess(names: readonly string[]): number | null {
  if (!existsSync('/proc')) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.includes(comm)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
}

/** The pid in a pid file, if the file exists and the process lives. */
export function pidFromFile(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? pid : null;
}
