// The metrics panel's state: CloudWatch's figures for the stack, read every so often while a screen shows
// them (CloudWatch's periods are a minute: reading more often only shows the current minute fill up).
import { messageOf } from '../../config/errors.js';
import type { PipelineMetrics } from '../../pipeline/metrics.js';
import { Store } from './store.js';

/** What the engine gives the panel: the figures, and turning shard-level metrics on. */
export interface MetricsFeed {
  read(signal?: AbortSignal): Promise<PipelineMetrics>;
  enableShardMetrics(): Promise<void>;
}

export interface MetricsView {
  metrics?: PipelineMetrics;
  error?: string;
  /** Shard-level metrics are being turned on. */
  enabling: boolean;
  /** When the figures were read, epoch ms. */
  updatedAt?: number;
}

export class MetricsController {
  readonly store = new Store<MetricsView>({ enabling: false });
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private reading = false;

  constructor(
    private readonly feed: MetricsFeed,
    private readonly pollMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.abort = new AbortController();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const metrics = await this.feed.read(this.abort?.signal);
      this.store.update({ metrics, error: undefined, updatedAt: Date.now() });
    } catch (error) {
      if (!this.abort?.signal.aborted) this.store.update({ error: messageOf(error) });
    } finally {
      this.reading = false;
    }
  }

  /** Turns shard-level metrics on, then reads again (new figures per shard start from now). */
  async enableShardMetrics(): Promise<void> {
    if (this.store.get().enabling || this.store.get().metrics?.shardLevel) return;
    this.store.update({ enabling: true });
    try {
      await this.feed.enableShardMetrics();
      await this.refresh();
    } catch (error) {
      this.store.update({ error: messageOf(error) });
    } finally {
      this.store.update({ enabling: false });
    }
  }
}
