// Firehose's buffering: a buffer is flushed when it holds SizeInMBs or its oldest record has waited
// IntervalInSeconds, whichever comes first (interval 0: at the next chance). One flush takes at most the
// size limit, so a burst becomes several objects (or invocations) rather than one oversized one.
import type { BufferHints } from './plan.js';

export interface Sized {
  /** Bytes this item counts for against the size hint. */
  readonly size: number;
}

export class RecordBuffer<T extends Sized> {
  private items: T[] = [];
  private bytes = 0;
  /** When the oldest item still in the buffer entered it (ms). */
  private since = 0;

  get length(): number {
    return this.items.length;
  }

  get size(): number {
    return this.bytes;
  }

  /** The first item in (the oldest), if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  add(items: readonly T[], now: number): void {
    if (items.length === 0) return;
    if (this.items.length === 0) this.since = now;
    for (const item of items) {
      this.items.push(item);
      this.bytes += item.size;
    }
  }

  /** Whether a flush is due under these hints at this time. */
  due(hints: BufferHints, now: number): boolean {
    if (this.items.length === 0) return false;
    return this.bytes >= hints.sizeBytes || now - this.since >= hints.intervalMs;
  }

  /** Whether the buffer already holds a full flush, so reading more now would only grow it. */
  full(hints: BufferHints): boolean {
    return this.bytes >= hints.sizeBytes;
  }

  /**
   * Takes the oldest items up to the size hint (always at least one, so an item larger than the hint
   * still moves). What stays keeps its waiting time: it is due again at once if it was already due.
   */
  take(hints: BufferHints): T[] {
    let bytes = 0;
    let count = 0;
    for (const item of this.items) {
      if (count > 0 && bytes + item.size > hints.sizeBytes) break;
      bytes += item.size;
      count += 1;
    }
    const taken = this.items.slice(0, count);
    this.items = this.items.slice(count);
    this.bytes -= bytes;
    return taken;
  }

  /** Everything, in order (used when the items must go back the way they came). */
  drain(): T[] {
    const all = this.items;
    this.items = [];
    this.bytes = 0;
    return all;
  }
}
