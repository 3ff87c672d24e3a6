// The heap a process holds, from V8 heap snapshots: a snapshot is taken after a full collection, so its
// objects are the live ones, which is what a leak grows (RSS also counts garbage V8 has not collected yet).
// The process must run with --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir=<dir>.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './cloud.js';

/** Bytes of live objects in a heap snapshot, in MiB. */
export function liveHeapMiB(path: string): number {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[] } };
    nodes: number[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const size = fields.indexOf('self_size');
  let total = 0;
  for (let i = size; i < snapshot.nodes.length; i += fields.length) total += snapshot.nodes[i] ?? 0;
  return total / 1024 ** 2;
}

/**
 * Asks process `pid` for a heap snapshot and waits until it is written. Files are told apart by the pid in
 * their names (Heap.<date>.<time>.<pid>.<thread>.<n>.heapsnapshot), so several processes can share `dir`.
 */
export async function heapSnapshot(pid: number, dir: string): Promise<string> {
  const ours = (f: string) => f.endsWith('.heapsnapshot') && f.includes(`.${pid}.`);
  const before = new Set(readdirSync(dir).filter(ours));
  process.kill(pid, 'SIGUSR2');
  let lastSize = -1;
  return waitFor(
    async () => {
      const file = readdirSync(dir).find((f) => ours(f) && !before.has(f));
      if (!file) return undefined;
      const size = statSync(join(dir, file)).size;
      const done = size > 0 && size === lastSize;
      lastSize = size;
      if (done) await new Promise((resolve) => setTimeout(resolve, 500));
      return done ? join(dir, file) : undefined;
    },
    `the heap snapshot of process ${pid}`,
    120_000,
  );
}
