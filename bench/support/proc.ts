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

/** Resident memory, MiB (0 once the process is gone). */
export function rssMiB(pid: number): number {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kib / 1024;
  } catch {
    return 0;
  }
}

/** Open file descriptors (0 once the process is gone). */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** `root` and every process under it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = statOf(Number(entry))?.ppid;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const all: number[] = [];
  const visit = (pid: number) => {
    all.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return all;
}

/** The wizard's producer process (its child running producer-process-main.js), if it runs. */
export function producerProcessOf(wizard: number): number | undefined {
  return childPids(wizard, 'producer-process-main')[0];
}
