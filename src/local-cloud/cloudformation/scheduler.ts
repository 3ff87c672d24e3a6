// Runs a step for each node of a dependency graph, every node as soon as what it waits for has succeeded,
// independent nodes at the same time, as CloudFormation creates and deletes resources.

export interface GraphRun {
  succeeded: Set<string>;
  failed: Set<string>;
  /** Nodes never started: they waited on a failed node, or the run stopped at the first failure. */
  notStarted: string[];
}

export interface GraphRunOptions {
  /** Start nothing new once a step fails (creation); otherwise go on with what does not wait on it. */
  stopOnFailure: boolean;
  /** Steps in flight at once. */
  concurrency?: number;
}

/**
 * `waitsFor(id)` names the nodes `id` must wait for; names outside `ids` are taken as done. A step returns
 * whether it succeeded; a step that throws stops the run, which rethrows once the steps in flight settle.
 */
export async function runGraph(
  ids: readonly string[],
  waitsFor: (id: string) => Iterable<string>,
  step: (id: string) => Promise<boolean>,
  { stopOnFailure, concurrency = 8 }: GraphRunOptions,
): Promise<GraphRun> {
  const inRun = new Set(ids);
  const pending = new Set(ids);
  const running = new Map<string, Promise<void>>();
  const succeeded = new Set<string>();
  const failed = new Set<string>();
  let stop = false;
  let thrown: unknown;
  const ready = (id: string) => [...waitsFor(id)].every((dep) => !inRun.has(dep) || succeeded.has(dep));
  while (true) {
    if (!stop) {
      for (const id of pending) {
        if (running.size >= concurrency) break;
        if (!ready(id)) continue;
        pending.delete(id);
        const run = step(id).then(
          (ok) => {
            (ok ? succeeded : failed).add(id);
            if (!ok && stopOnFailure) stop = true;
          },
          (error: unknown) => {
            failed.add(id);
            stop = true;
            thrown ??= error;
          },
        );
        running.set(
          id,
          run.finally(() => running.delete(id)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (thrown !== undefined) throw thrown;
  return { succeeded, failed, notStarted: [...pending] };
}
