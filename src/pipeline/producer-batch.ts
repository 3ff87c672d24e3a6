// What the producer reported between two progress messages, bounded: at 10,000 events a second the
// wizard shows the newest few hundred, so only those cross the process boundary; the rest are counted.
// `add` takes the producer's updates as they come (one per PutRecords answer); `take` empties the batch;
// `updatesOf` turns a batch back into the updates a listener of an in-process producer would have had.
import type { AcknowledgedEvent, FailedEvent, ProducerUpdate } from './producer.js';
import type { ProgressLimits } from './producer-wire.js';

export interface ProgressBatch {
  /** The newest acknowledged events, oldest first, at most `limits.acknowledged`. */
  acknowledged: AcknowledgedEvent[];
  /** Acknowledged events left out (older than those kept). */
  acknowledgedDropped: number;
  /** The newest events given up, oldest first, at most `limits.failed`. */
  failed: FailedEvent[];
  failedDropped: number;
  /** Retries summed over the batch; the reason is the latest. */
  retrying?: { count: number; throttled: number; reason: string };
  /** Errors that stopped the producer, in order. */
  errors: string[];
}

/** Keeps the newest `limit` items of what is appended, without copying each append. */
class Newest<T> {
  private chunks: T[][] = [];
  private size = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  append(items: readonly T[]): void {
    if (items.length === 0 || this.limit <= 0) {
      this.dropped += items.length;
      return;
    }
    const kept = items.length > this.limit ? items.slice(items.length - this.limit) : [...items];
    this.dropped += items.length - kept.length;
    this.chunks.push(kept);
    this.size += kept.length;
    // Whole chunks go first, while what remains still covers the limit.
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.length ?? 0) >= this.limit) {
      const first = this.chunks.shift() ?? [];
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  get empty(): boolean {
    return this.size === 0 && this.dropped === 0;
  }

  take(): { items: T[]; dropped: number } {
    const all = this.chunks.flat();
    const items = all.length > this.limit ? all.slice(all.length - this.limit) : all;
    const dropped = this.dropped + (all.length - items.length);
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
    return { items, dropped };
  }
}

export class ProgressBatcher {
  private acknowledged: Newest<AcknowledgedEvent>;
  private failed: Newest<FailedEvent>;
  private retrying: ProgressBatch['retrying'];
  private errors: string[] = [];

  constructor(limits: ProgressLimits) {
    this.acknowledged = new Newest(limits.acknowledged);
    this.failed = new Newest(limits.failed);
  }

  add(update: ProducerUpdate): void {
    switch (update.type) {
      case 'acknowledged':
        this.acknowledged.append(update.events);
        break;
      case 'failed':
        this.failed.append(update.events);
        break;
      case 'retrying':
        this.retrying = {
          count: (this.retrying?.count ?? 0) + update.count,
          throttled: (this.retrying?.throttled ?? 0) + update.throttled,
          reason: update.reason,
        };
        break;
      case 'error':
        this.errors.push(update.message);
        break;
    }
  }

  /** What was added since the last take, or undefined when nothing was. */
  take(): ProgressBatch | undefined {
    if (this.acknowledged.empty && this.failed.empty && !this.retrying && this.errors.length === 0) {
      return undefined;
    }
    const acknowledged = this.acknowledged.take();
    const failed = this.failed.take();
    const batch: ProgressBatch = {
      acknowledged: acknowledged.items,
      acknowledgedDropped: acknowledged.dropped,
      failed: failed.items,
      failedDropped: failed.dropped,
      ...(this.retrying ? { retrying: this.retrying } : {}),
      errors: this.errors,
    };
    this.retrying = undefined;
    this.errors = [];
    return batch;
  }
}

/** The updates a batch stands for: errors first (they explain what follows), then retries, failures, acknowledgements. */
export function updatesOf(batch: ProgressBatch): ProducerUpdate[] {
  const updates: ProducerUpdate[] = [];
  for (const message of batch.errors) updates.push({ type: 'error', message });
  if (batch.retrying) updates.push({ type: 'retrying', ...batch.retrying });
  if (batch.failed.length > 0) updates.push({ type: 'failed', events: batch.failed });
  if (batch.acknowledged.length > 0) updates.push({ type: 'acknowledged', events: batch.acknowledged });
  return updates;
}
