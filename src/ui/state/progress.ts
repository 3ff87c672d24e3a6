// A stack operation's progress as the screens show it, CDK-style: [done/total], resources in progress,
// failure reasons pinned. Built from the engine's updates; shared by Deploy and Cleanup.

import { messageOf } from '../../config/errors.js';
import type { ResourceChange, StackEventLine, StackUpdate } from '../../pipeline/stack.js';
import { RingBuffer } from './store.js';

export interface StackProgressView {
  phase: string;
  /** Resources finished, of `total`. */
  done: number;
  total: number;
  startedAt: number;
  finishedAt?: number;
  /** The latest events, oldest first. */
  events: StackEventLine[];
  /** Resources with an event IN_PROGRESS and none after. */
  inProgress: string[];
  /** Failure reasons, pinned. */
  failures: StackEventLine[];
  /** Other things done along the way ("exported 12 objects"), oldest first. */
  notes: string[];
  changes?: ResourceChange[];
  outcome?: 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed';
  error?: string;
  outputs?: Record<string, string | undefined>;
}

export function startProgress(phase: string, startedAt = Date.now()): StackProgressView {
  return { phase, done: 0, total: 0, startedAt, events: [], inProgress: [], failures: [], notes: [] };
}

/** Folds the engine's updates into a progress view, publishing each new one. */
export class StackProgress {
  private readonly events = new RingBuffer<StackEventLine>(200);
  private readonly active = new Map<string, string>();

  constructor(
    private view: StackProgressView,
    private readonly publish: (view: StackProgressView) => void,
  ) {
    publish(view);
  }

  get current(): StackProgressView {
    return this.view;
  }

  patch(patch: Partial<StackProgressView>): void {
    this.view = { ...this.view, ...patch };
    this.publish(this.view);
  }

  note(text: string): void {
    this.patch({ notes: [...this.view.notes, text] });
  }

  apply(update: StackUpdate): void {
    if (update.type === 'phase') {
      this.patch({ phase: update.message });
      return;
    }
    if (update.type === 'changes') {
      this.patch({ changes: update.changes });
      return;
    }
    const e = update.event;
    this.events.push(e);
    if (e.type !== 'AWS::CloudFormation::Stack') {
      if (/IN_PROGRESS$/.test(e.status)) this.active.set(e.logicalId, e.status);
      else this.active.delete(e.logicalId);
    }
    this.patch({
      done: update.done,
      total: update.total,
      events: this.events.newestFirst(50).reverse(),
      inProgress: [...this.active.keys()],
      failures:
        /_FAILED$/.test(e.status) && e.reason && !/cancelled/i.test(e.reason)
          ? [...this.view.failures, e]
          : this.view.failures,
    });
  }

  /** The operation ended: nothing is in progress any more. */
  finish(patch: Partial<StackProgressView>): void {
    this.patch({ ...patch, finishedAt: Date.now(), inProgress: [] });
  }

  /** The operation failed: its message, and the failure events the engine's error carries, pinned. */
  fail(error: unknown): void {
    const failures = (error as { failures?: StackEventLine[] }).failures;
    this.finish({
      phase: 'failed',
      outcome: 'failed',
      error: messageOf(error),
      ...(failures?.length ? { failures } : {}),
    });
  }
}
