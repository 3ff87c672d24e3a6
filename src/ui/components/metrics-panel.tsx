// What CloudWatch shows for the pipeline, as sparklines one period a bar: records into the stream and
// throttled writes (per shard when shard-level metrics are on, a hot shard marked), Firehose's records in
// and delivered, and how fresh delivery is. Every line fits the width given (80 columns and up).
import { Box, Text } from 'ink';
import type { PipelineMetrics } from '../../pipeline/metrics.js';
import { cell, count } from '../format.js';
import { SYMBOLS, tone } from '../theme.js';
import { sparkline } from './sparkline.js';

const LABEL = 13;

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

function Row({
  label,
  values,
  width,
  tail,
  color,
}: {
  label: string;
  values: readonly number[];
  width: number;
  tail: string;
  color?: 'bad' | 'warn';
}) {
  const spark = Math.max(8, width - LABEL - tail.length - 2);
  return (
    <Text>
      <Text color={color ? tone(color) : undefined}>{cell(label, LABEL)}</Text>{' '}
      <Text color={tone('accent')}>{sparkline(values, spark)}</Text> {tail}
    </Text>
  );
}

export interface MetricsPanelProps {
  metrics?: PipelineMetrics;
  width: number;
  /** At most this many shard rows (the hottest first when there are more). */
  maxShards?: number;
  error?: string;
}

export function MetricsPanel({ metrics, width, maxShards = 4, error }: MetricsPanelProps) {
  if (error) return <Text color={tone('bad')}>Metrics could not be read: {error}</Text>;
  if (!metrics) return <Text color={tone('muted')}>Reading CloudWatch metrics…</Text>;
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
  const freshness = metrics.firehose?.freshness.filter((v): v is number => v !== undefined).at(-1);
  return (
    <Box flexDirection="column">
      <Text color={tone('muted')}>
        {cell(`CloudWatch, last ${minutes} min, a bar a ${per} (newest right)`, width)}
      </Text>
      <Row
        label="stream in"
        values={metrics.stream.incoming}
        width={width}
        tail={cell(
          `${count(latest(metrics.stream.incoming))}/${per} · throttled ${count(total(metrics.stream.throttled))}`,
          28,
        )}
        {...(total(metrics.stream.throttled) > 0 ? { color: 'warn' as const } : {})}
      />
      {metrics.shardLevel ? (
        shards.map((shard) => (
          <Row
            key={shard.shardId}
            label={`${hot.has(shard.shardId) ? SYMBOLS.warn : ' '}shard ${shard.shardId.slice(-4)}`}
            values={shard.incoming}
            width={width}
            tail={cell(
              `${count(total(shard.incoming))} in · ${count(total(shard.throttled))} thr${hot.has(shard.shardId) ? ' hot' : ''}`,
              28,
            )}
            {...(hot.has(shard.shardId) ? { color: 'warn' as const } : {})}
          />
        ))
      ) : (
        <Text color={tone('muted')}>
          {cell('per shard: off (e turns on shard-level metrics; billed per shard on AWS)', width)}
        </Text>
      )}
      {metrics.shardLevel && metrics.shards.length > shards.length ? (
        <Text color={tone('muted')}>
          {cell(`  … ${metrics.shards.length - shards.length} more shards`, width)}
        </Text>
      ) : null}
      {metrics.firehose ? (
        <>
          <Row
            label="firehose in"
            values={metrics.firehose.recordsIn}
            width={width}
            tail={cell(`${count(total(metrics.firehose.recordsIn))} records`, 28)}
          />
          <Row
            label="delivered"
            values={metrics.firehose.delivered}
            width={width}
            tail={cell(
              `${count(total(metrics.firehose.delivered))} · fresh ${freshness === undefined ? '-' : `${Math.round(freshness)}s`}`,
              28,
            )}
          />
        </>
      ) : null}
    </Box>
  );
}
