// The Logs view's state: the transform's and Firehose's log lines (newest last, the last LINES_KEPT kept),
// polled while the view is open, with a text filter applied to what is kept (so changing it shows at once).
import { messageOf } from '../../config/errors.js';
import type { LogLine, LogPoll, LogSource } from '../../pipeline/logs.js';
import { Store } from './store.js';

export const LINES_KEPT = 500;

/** Where the lines come from (the engine builds it over LogTail; tests over a fake). */
export interface LogFeed {
  readonly sources: readonly LogSource[];
  poll(signal?: AbortSignal): Promise<LogPoll>;
}

export interface LogsView {
  /** Every line kept, oldest first. */
  lines: LogLine[];
  /** The kept lines holding the filter (any case), oldest first. */
  shown: LogLine[];
  filter: string;
  sources: readonly LogSource[];
  /** Groups that do not exist yet (nothing logged there). */
  missing: string[];
  errors: number;
  error?: string;
  /** When the last poll answered, epoch ms. */
  updatedAt?: number;
}

function matching(lines: readonly LogLine[], filter: string): LogLine[] {
  const needle = filter.toLowerCase();
  return needle ? lines.filter((l) => l.message.toLowerCase().includes(needle)) : [...lines];
}

export class LogsController {
  readonly store: Store<LogsView>;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private polling = false;

  constructor(
    private readonly feed: LogFeed,
    private readonly pollMs: number,
  ) {
    this.store = new Store<LogsView>({
      lines: [],
      shown: [],
      filter: '',
      sources: feed.sources,
      missing: [],
      errors: 0,
    });
  }

  /** Polls now and then every pollMs until stopped. */
  start(): void {
    if (this.timer) return;
    this.abort = new AbortController();
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  setFilter(filter: string): void {
    this.store.update({ filter, shown: matching(this.store.get().lines, filter) });
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { lines, missingGroups } = await this.feed.poll(this.abort?.signal);
      const view = this.store.get();
      const kept = lines.length ? [...view.lines, ...lines].slice(-LINES_KEPT) : view.lines;
      this.store.update({
        lines: kept,
        shown: lines.length ? matching(kept, view.filter) : view.shown,
        missing: missingGroups,
        errors: kept.filter((l) => l.error).length,
        updatedAt: Date.now(),
        error: undefined,
      });
    } catch (error) {
      if (!this.abort?.signal.aborted) this.store.update({ error: messageOf(error) });
    } finally {
      this.polling = false;
    }
  }
}
