// The metrics the console graphs for this pipeline, from CloudWatch's GetMetricData (on AWS as on the local
// cloud): records into the stream and throttled writes, per shard (so a hot shard shows) when shard-level
// metrics are on, Firehose's records in and delivered, and how fresh delivery is. One value a period,
// oldest first; a period CloudWatch has no data for counts 0 for counts and is a gap for freshness.
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';

/** The shard-level metrics the pipeline's view needs (EnableEnhancedMonitoring; billed per shard on AWS). */
export const SHARD_METRICS = ['IncomingRecords', 'WriteProvisionedThroughputExceeded'] as const;

export interface PipelineMetrics {
  /** Seconds a value covers. */
  periodSeconds: number;
  /** Start of the first period, epoch ms. */
  from: number;
  stream: { incoming: number[]; throttled: number[] };
  /** Per open shard, when shard-level metrics are on for both; empty otherwise. */
  shards: Array<{ shardId: string; incoming: number[]; throttled: number[] }>;
  /** Shard-level metrics on for the stream (both of SHARD_METRICS). */
  shardLevel: boolean;
  firehose?: { recordsIn: number[]; delivered: number[]; freshness: Array<number | undefined> };
}

export interface MetricsTarget {
  streamName?: string;
  deliveryStreamName?: string;
}

export interface MetricsClients {
  cloudwatch: CloudWatchClient;
  kinesis: KinesisClient;
}

/** Turns shard-level metrics on for the stream (what hot-shard views need). */
export async function enableShardMetrics(kinesis: KinesisClient, streamName: string): Promise<void> {
  await kinesis.send(
    new EnableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: [...SHARD_METRICS] }),
  );
}

async function shardState(kinesis: KinesisClient, streamName: string) {
  const [summary, shards] = await Promise.all([
    kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })),
    kinesis.send(new ListShardsCommand({ StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' } })),
  ]);
  const enabled =
    summary.StreamDescriptionSummary?.EnhancedMonitoring?.flatMap((m) => m.ShardLevelMetrics ?? []) ?? [];
  return {
    shardLevel: SHARD_METRICS.every((m) => enabled.includes(m) || enabled.includes('ALL')),
    shardIds: (shards.Shards ?? []).map((s) => s.ShardId ?? '').filter(Boolean),
  };
}

/** The last `periods` periods of `periodSeconds` (the current, partial one last). */
export async function readPipelineMetrics(
  clients: MetricsClients,
  target: MetricsTarget,
  options: { periods?: number; periodSeconds?: number; now?: number; signal?: AbortSignal } = {},
): Promise<PipelineMetrics> {
  const periodSeconds = options.periodSeconds ?? 60;
  const periods = options.periods ?? 15;
  const now = options.now ?? Date.now();
  const period = periodSeconds * 1000;
  const from = Math.floor(now / period) * period - (periods - 1) * period;
  const queries: MetricDataQuery[] = [];
  const add = (id: string, namespace: string, name: string, dims: Record<string, string>, stat: string) =>
    queries.push({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: name,
          Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: periodSeconds,
        Stat: stat,
      },
    });
  let shards = { shardLevel: false, shardIds: [] as string[] };
  if (target.streamName) {
    const stream = { StreamName: target.streamName };
    add('s_in', 'AWS/Kinesis', 'IncomingRecords', stream, 'Sum');
    add('s_thr', 'AWS/Kinesis', 'WriteProvisionedThroughputExceeded', stream, 'Sum');
    shards = await shardState(clients.kinesis, target.streamName).catch(() => shards);
    if (shards.shardLevel) {
      shards.shardIds.forEach((shardId, i) => {
        add(`h${i}_in`, 'AWS/Kinesis', 'IncomingRecords', { ...stream, ShardId: shardId }, 'Sum');
        add(
          `h${i}_thr`,
          'AWS/Kinesis',
          'WriteProvisionedThroughputExceeded',
          { ...stream, ShardId: shardId },
          'Sum',
        );
      });
    }
  }
  if (target.deliveryStreamName) {
    const ds = { DeliveryStreamName: target.deliveryStreamName };
    add('f_in', 'AWS/Firehose', 'IncomingRecords', ds, 'Sum');
    add('f_out', 'AWS/Firehose', 'DeliveryToS3.Records', ds, 'Sum');
    add('f_fresh', 'AWS/Firehose', 'DeliveryToS3.DataFreshness', ds, 'Maximum');
  }
  const byId = new Map<string, Map<number, number>>();
  // 500 queries a call at most (CloudWatch's limit): 200 shards take 400.
  for (let i = 0; i < queries.length; i += 500) {
    const out = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(from + periods * period),
        MetricDataQueries: queries.slice(i, i + 500),
      }),
      { abortSignal: options.signal },
    );
    for (const result of out.MetricDataResults ?? []) {
      const points = new Map<number, number>();
      result.Timestamps?.forEach((t, j) => {
        points.set(t.getTime(), result.Values?.[j] ?? 0);
      });
      byId.set(result.Id ?? '', points);
    }
  }
  const series = (id: string): Array<number | undefined> =>
    Array.from({ length: periods }, (_, i) => byId.get(id)?.get(from + i * period));
  const counts = (id: string) => series(id).map((v) => v ?? 0);
  return {
    periodSeconds,
    from,
    stream: { incoming: counts('s_in'), throttled: counts('s_thr') },
    shards: shards.shardLevel
      ? shards.shardIds.map((shardId, i) => ({
          shardId,
          incoming: counts(`h${i}_in`),
          throttled: counts(`h${i}_thr`),
        }))
      : [],
    shardLevel: shards.shardLevel,
    ...(target.deliveryStreamName
      ? { firehose: { recordsIn: counts('f_in'), delivered: counts('f_out'), freshness: series('f_fresh') } }
      : {}),
  };
}
