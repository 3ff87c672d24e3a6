// Which source position may be checkpointed. Every record read is tracked, in read order per source (a
// shard, or the DirectPut spool), until what became of it is durable: its transformed data written to S3,
// its failure written to the error output, or its drop decided. A source's checkpoint only moves over
// the longest settled run from its start, so a restart re-reads anything not yet safe (at-least-once)
// and never skips a record (no gap), however the stages reorder settlement.

/** One record read from a source, possibly carrying several user records (a KPL aggregate). */
export interface Tracked {
  readonly source: string;
  readonly position: string;
  /** User records from it not yet settled. */
  pending: number;
}

export class CheckpointTracker {
  private readonly queues = new Map<string, Tracked[]>();

  /** Tracks a record read from `source` at `position`, made of `parts` user records (0 settles at once). */
  track(source: string, position: string, parts: number): Tracked {
    const tracked: Tracked = { source, position, pending: parts };
    let queue = this.queues.get(source);
    if (!queue) {
      queue = [];
      this.queues.set(source, queue);
    }
    queue.push(tracked);
    return tracked;
  }

  /** One user record of `tracked` is durably taken care of. */
  settle(tracked: Tracked): void {
    if (tracked.pending > 0) tracked.pending -= 1;
  }

  /** The new checkpoint of every source whose settled run grew, and forgets those records. */
  advance(): Map<string, string> {
    const moved = new Map<string, string>();
    for (const [source, queue] of this.queues) {
      let count = 0;
      while (count < queue.length && (queue[count]?.pending ?? 1) === 0) count += 1;
      if (count === 0) continue;
      moved.set(source, queue[count - 1]?.position ?? '');
      queue.splice(0, count);
    }
    return moved;
  }

  /** Records of this source read but not yet checkpointable. */
  outstanding(source: string): number {
    return this.queues.get(source)?.length ?? 0;
  }

  /** Forgets everything in flight: after a worker restarts its pipeline, it re-reads from the checkpoints. */
  clear(): void {
    this.queues.clear();
  }
}
