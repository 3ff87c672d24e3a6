// What CloudWatch shows for the pipeline, as sparklines one period a bar: records into the stream and
// throttled writes (per shard when shard-level metrics are on, a hot shard marked), Firehose's records in
// and delivered, and how fresh delivery is. Every line fits the width given (80 columns and up).
import type { PipelineMetrics } from '../../pipeline/metrics.js';
import { cell, count } from '../format.js';
import { SYMBOLS } from '../theme.js';
import { type Line, plain } from './lines.js';
import { sparkline } from './sparkline.js';

const LABEL = 13;
const TAIL = 28;

const total = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Shards taking much more than their share (over twice the mean of the others, and at least 100 records
 * in the window), or throttled: the ones a partition key crowds.
 */
export function hotShards(metrics: PipelineMetrics): Set<string> {
  const hot = new Set<string>();
  const totals = metrics.shards.map((s) => total(s.incoming));
  metrics.shards.forEach((shard, i) => {
    const others = totals.filter((_, j) => j !== i);
    const mean = others.length ? total(others) / others.length : 0;
    const own = totals[i] ?? 0;
    if (total(shard.throttled) > 0 || (others.length > 0 && own >= 100 && own > 2 * mean))
      hot.add(shard.shardId);
  });
  return hot;
}

function row(label: string, values: readonly number[], width: number, tail: string, warn: boolean): Line {
  const spark = Math.max(8, width - LABEL - TAIL - 2);
  return [
    { text: `${cell(label, LABEL)} `, ...(warn ? { tone: 'warn' as const } : {}) },
    { text: sparkline(values, spark), tone: 'accent' },
    { text: ` ${cell(tail, TAIL)}` },
  ];
}

/** The panel's lines: a heading, the stream, its shards (at most `maxShards`, hottest first), Firehose. */
export function metricsLines(metrics: PipelineMetrics, width: number, maxShards = 4): Line[] {
  const minutes = (metrics.stream.incoming.length * metrics.periodSeconds) / 60;
  const per = metrics.periodSeconds === 60 ? 'min' : `${metrics.periodSeconds}s`;
  const hot = hotShards(metrics);
  const shards = [...metrics.shards]
    .sort(
      (a, b) =>
        Number(hot.has(b.shardId)) - Number(hot.has(a.shardId)) || total(b.incoming) - total(a.incoming),
    )
    .slice(0, maxShards);
  const latest = (values: readonly number[]) => values.at(-1) ?? 0;
  const throttled = total(metrics.stream.throttled);
  const lines: Line[] = [
    plain(cell(`CloudWatch, last ${minutes} min, a bar a ${per} (newest right)`, width), 'muted'),
    row(
      'stream in',
      metrics.stream.incoming,
      width,
      `${count(latest(metrics.stream.incoming))}/${per} · throttled ${count(throttled)}`,
      throttled > 0,
    ),
  ];
  if (metrics.shardLevel) {
    for (const shard of shards) {
      const isHot = hot.has(shard.shardId);
      lines.push(
        row(
          `${isHot ? SYMBOLS.warn : ' '}shard ${shard.shardId.slice(-4)}`,
          shard.incoming,
          width,
          `${count(total(shard.incoming))} in · ${count(total(shard.throttled))} thr${isHot ? ' hot' : ''}`,
          isHot,
        ),
      );
    }
    if (metrics.shards.length > shards.length)
      lines.push(plain(cell(`  … ${metrics.shards.length - shards.length} more shards`, width), 'muted'));
  } else {
    lines.push(
      plain(cell('per shard: off (e turns on shard-level metrics; billed per shard on AWS)', width), 'muted'),
    );
  }
  if (metrics.firehose) {
    const freshness = metrics.firehose.freshness.filter((v): v is number => v !== undefined).at(-1);
    lines.push(
      row(
        'firehose in',
        metrics.firehose.recordsIn,
        width,
        `${count(total(metrics.firehose.recordsIn))} records`,
        false,
      ),
      row(
        'delivered',
        metrics.firehose.delivered,
        width,
        `${count(total(metrics.firehose.delivered))} · fresh ${freshness === undefined ? '-' : `${Math.round(freshness)}s`}`,
        false,
      ),
    );
  }
  return lines;
}
