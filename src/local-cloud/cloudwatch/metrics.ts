// CloudWatch's metric store: the services publish their AWS/* metrics here as AWS services publish theirs
// to CloudWatch (internally, not through PutMetricData, which refuses the AWS/ namespaces), and the
// monitoring service answers GetMetricData, GetMetricStatistics and ListMetrics from it.
//
// Each metric (namespace, name, dimension set) keeps one aggregate (sum, count, minimum, maximum) per
// storage-resolution bucket: a minute for AWS's metrics and for standard-resolution custom metrics, a
// second for high-resolution ones (PutMetricData StorageResolution 1). Buckets are kept 15 days (high
// resolution ones 3 hours, as CloudWatch keeps them at that resolution), and the store is written to the
// data dir every few seconds and when the local cloud stops: each command starts its own local cloud,
// and `verify` reads what `stream` left.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Dimension {
  Name: string;
  Value: string;
}

export interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
}

export interface Series {
  namespace: string;
  name: string;
  /** As first published (ListMetrics shows them in this order). */
  dimensions: Dimension[];
  unit: string;
  /** Seconds a bucket covers: 60, or 1 for high-resolution custom metrics. */
  resolution: number;
  /** Bucket start (epoch ms) -> aggregate. */
  buckets: Map<number, Aggregate>;
  /** Last time a value arrived, epoch ms (ListMetrics RecentlyActive). */
  lastPublished: number;
}

/** What services publish through; the store is the one implementation. */
export interface MetricPublisher {
  /** One value of a metric, at `time` (epoch ms, default now). */
  put(
    namespace: string,
    name: string,
    dimensions: readonly Dimension[],
    value: number,
    unit: string,
    time?: number,
  ): void;
}

const DAY_MS = 86_400_000;
const STANDARD_RETENTION_MS = 15 * DAY_MS;
const HIGH_RESOLUTION_RETENTION_MS = 3 * 3_600_000;
const FLUSH_MS = 5_000;

function seriesKey(namespace: string, name: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions]
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join('\u0001');
  return `${namespace}\u0000${name}\u0000${dims}`;
}

interface StoredSeries {
  namespace: string;
  name: string;
  dimensions: Dimension[];
  unit: string;
  resolution: number;
  lastPublished: number;
  /** [bucket start, sum, count, min, max] */
  buckets: Array<[number, number, number, number, number]>;
}

export class MetricStore implements MetricPublisher {
  private readonly series = new Map<string, Series>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Where the store is kept between runs; undefined keeps it in memory only. */
    private readonly path?: string,
    private readonly log: (message: string) => void = () => {},
  ) {
    if (path && existsSync(path)) this.load(path);
  }

  /** Writes the store every few seconds while values arrive. */
  startFlushing(): void {
    if (!this.path || this.timer) return;
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  put(
    namespace: string,
    name: string,
    dimensions: readonly Dimension[],
    value: number,
    unit: string,
    time = Date.now(),
  ): void {
    this.putAggregate(
      namespace,
      name,
      dimensions,
      { sum: value, count: 1, min: value, max: value },
      unit,
      60,
      time,
    );
  }

  /** A statistic set or several values at once (PutMetricData), at `resolution` seconds. */
  putAggregate(
    namespace: string,
    name: string,
    dimensions: readonly Dimension[],
    value: Aggregate,
    unit: string,
    resolution: number,
    time = Date.now(),
  ): void {
    const key = seriesKey(namespace, name, dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = {
        namespace,
        name,
        dimensions: dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
        unit,
        resolution,
        buckets: new Map(),
        lastPublished: time,
      };
      this.series.set(key, series);
    }
    // A metric keeps the finest resolution it was ever published at.
    if (resolution < series.resolution) series.resolution = resolution;
    const size = series.resolution * 1000;
    const start = Math.floor(time / size) * size;
    const bucket = series.buckets.get(start);
    if (bucket) {
      bucket.sum += value.sum;
      bucket.count += value.count;
      if (value.min < bucket.min) bucket.min = value.min;
      if (value.max > bucket.max) bucket.max = value.max;
    } else series.buckets.set(start, { ...value });
    if (time > series.lastPublished) series.lastPublished = time;
    this.dirty = true;
  }

  /** The metric with exactly these dimensions, if it was ever published. */
  find(namespace: string, name: string, dimensions: readonly Dimension[]): Series | undefined {
    return this.series.get(seriesKey(namespace, name, dimensions));
  }

  all(): IterableIterator<Series> {
    return this.series.values();
  }

  /** Forgets every metric, on disk too (the local cloud's reset). */
  clear(): void {
    this.series.clear();
    this.dirty = true;
    this.flush();
  }

  private prune(now: number): void {
    for (const [key, series] of this.series) {
      const oldest = now - (series.resolution < 60 ? HIGH_RESOLUTION_RETENTION_MS : STANDARD_RETENTION_MS);
      for (const start of series.buckets.keys()) if (start < oldest) series.buckets.delete(start);
      if (series.buckets.size === 0 && series.lastPublished < now - STANDARD_RETENTION_MS)
        this.series.delete(key);
    }
  }

  flush(): void {
    if (!this.path || !this.dirty) return;
    this.dirty = false;
    this.prune(Date.now());
    const stored: StoredSeries[] = [...this.series.values()].map((s) => ({
      namespace: s.namespace,
      name: s.name,
      dimensions: s.dimensions,
      unit: s.unit,
      resolution: s.resolution,
      lastPublished: s.lastPublished,
      buckets: [...s.buckets].map(([start, a]) => [start, a.sum, a.count, a.min, a.max]),
    }));
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const temp = `${this.path}.tmp`;
      writeFileSync(temp, JSON.stringify({ version: 1, series: stored }), { mode: 0o600 });
      renameSync(temp, this.path);
    } catch (error) {
      this.dirty = true;
      this.log(`cloudwatch: could not write ${this.path}: ${(error as Error).message}`);
    }
  }

  private load(path: string): void {
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as { series?: StoredSeries[] };
      for (const s of data.series ?? []) {
        this.series.set(seriesKey(s.namespace, s.name, s.dimensions), {
          namespace: s.namespace,
          name: s.name,
          dimensions: s.dimensions,
          unit: s.unit,
          resolution: s.resolution,
          lastPublished: s.lastPublished,
          buckets: new Map(
            s.buckets.map(([start, sum, count, min, max]) => [start, { sum, count, min, max }]),
          ),
        });
      }
    } catch (error) {
      // A store cut short by a crash: metrics start again rather than the local cloud failing to start.
      this.log(
        `cloudwatch: could not read ${path} (${(error as Error).message}); starting without past metrics`,
      );
    }
  }
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

export function statisticOf(aggregate: Aggregate, statistic: Statistic): number {
  switch (statistic) {
    case 'SampleCount':
      return aggregate.count;
    case 'Sum':
      return aggregate.sum;
    case 'Average':
      return aggregate.count === 0 ? 0 : aggregate.sum / aggregate.count;
    case 'Minimum':
      return aggregate.min;
    case 'Maximum':
      return aggregate.max;
  }
}

/**
 * The series' aggregates over [start, end) by period, periods counted from `start` (CloudWatch groups
 * from the start time, rounded down to the minute by the caller). Periods with no data are left out,
 * as CloudWatch leaves them out. Returned oldest first.
 */
export function aggregateByPeriod(
  series: Series,
  start: number,
  end: number,
  periodSeconds: number,
): Array<{ time: number; aggregate: Aggregate }> {
  const period = Math.max(periodSeconds, series.resolution) * 1000;
  const groups = new Map<number, Aggregate>();
  for (const [bucket, value] of series.buckets) {
    if (bucket < start || bucket >= end) continue;
    const at = start + Math.floor((bucket - start) / period) * period;
    const group = groups.get(at);
    if (group) {
      group.sum += value.sum;
      group.count += value.count;
      group.min = Math.min(group.min, value.min);
      group.max = Math.max(group.max, value.max);
    } else groups.set(at, { ...value });
  }
  return [...groups].sort(([a], [b]) => a - b).map(([time, aggregate]) => ({ time, aggregate }));
}
