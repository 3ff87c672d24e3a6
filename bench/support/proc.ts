// CPU time and children of processes, from /proc (Linux). A scenario reports CPU per event next to a
// throughput: on a machine shared with other work, events/s moves with their load, CPU per event hardly.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ, the unit of the CPU times in /proc/<pid>/stat (100 on the Linux kernels Node runs on). */
const TICKS_PER_SECOND = 100;

export interface ProcStat {
  ppid: number;
  /** User plus system CPU time, in clock ticks. */
  cpuTicks: number;
}

/** The fields of a /proc/<pid>/stat line this needs; the command name in it may hold spaces and ")". */
export function parseStat(stat: string): ProcStat {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

function statOf(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU seconds the process has used; undefined without /proc (not Linux) or once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const stat = statOf(pid);
  return stat && stat.cpuTicks / TICKS_PER_SECOND;
}

/** The direct children of `pid` whose command line contains `command` (every child without it). */
export function childPids(pid: number, command = ''): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry) && statOf(Number(entry))?.ppid === pid)
    .map(Number)
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(command);
      } catch {
        return false;
      }
    });
}

/** The CPU seconds a set of processes used since the meter was made (undefined when one cannot be read). */
export function cpuMeter(pids: readonly number[]): () => number | undefined {
  const read = () => {
    let total = 0;
    for (const pid of pids) {
      const seconds = cpuSeconds(pid);
      if (seconds === undefined) return undefined;
      total += seconds;
    }
    return total;
  };
  const start = read();
  return () => {
    const now = read();
    return start === undefined || now === undefined ? undefined : now - start;
  };
}
