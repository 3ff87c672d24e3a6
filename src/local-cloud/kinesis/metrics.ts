// What Kinesis publishes to CloudWatch (AWS/Kinesis), with AWS's names, units and dimensions ("Monitor
// the Amazon Kinesis Data Streams service with Amazon CloudWatch"): stream-level metrics always (dimension
// StreamName), shard-level ("enhanced") metrics only for those EnableEnhancedMonitoring turned on
// (dimensions StreamName and ShardId).
import type { MetricPublisher } from '../cloudwatch/metrics.js';

export const NAMESPACE = 'AWS/Kinesis';

/** Recorded per PutRecords (or PutRecord) call. */
export interface WriteOutcome {
  stream: string;
  call: 'PutRecords' | 'PutRecord';
  /** Records (and their data + key bytes) Kinesis took. */
  records: number;
  bytes: number;
  /** Refused for the shard's write budget. */
  throttled: number;
  /** Failed otherwise (InternalFailure). */
  failed: number;
  latencyMs: number;
  /** Per shard, when shard-level metrics are on: records and bytes taken and records throttled. */
  shards?: Map<string, { records: number; bytes: number; throttled: number }>;
}

export function publishWrite(
  metrics: MetricPublisher,
  outcome: WriteOutcome,
  enhanced: readonly string[],
): void {
  const stream = [{ Name: 'StreamName', Value: outcome.stream }];
  const put = (name: string, value: number, unit: string) =>
    metrics.put(NAMESPACE, name, stream, value, unit);
  const total = outcome.records + outcome.throttled + outcome.failed;
  if (outcome.records > 0) {
    put('IncomingRecords', outcome.records, 'Count');
    put('IncomingBytes', outcome.bytes, 'Bytes');
  }
  if (outcome.call === 'PutRecords') {
    put('PutRecords.TotalRecords', total, 'Count');
    put('PutRecords.SuccessfulRecords', outcome.records, 'Count');
    put('PutRecords.FailedRecords', outcome.failed, 'Count');
    put('PutRecords.ThrottledRecords', outcome.throttled, 'Count');
    put('PutRecords.Bytes', outcome.bytes, 'Bytes');
    put('PutRecords.Latency', outcome.latencyMs, 'Milliseconds');
    // A call succeeds when at least one of its records was taken.
    put('PutRecords.Success', outcome.records > 0 ? 1 : 0, 'Count');
  } else {
    put('PutRecord.Bytes', outcome.bytes, 'Bytes');
    put('PutRecord.Latency', outcome.latencyMs, 'Milliseconds');
    put('PutRecord.Success', outcome.records > 0 ? 1 : 0, 'Count');
  }
  put('WriteProvisionedThroughputExceeded', outcome.throttled, 'Count');
  if (!outcome.shards) return;
  for (const [shardId, shard] of outcome.shards) {
    const dims = [...stream, { Name: 'ShardId', Value: shardId }];
    const on = (name: string) => enhanced.includes(name) || enhanced.includes('ALL');
    if (on('IncomingRecords') && shard.records > 0)
      metrics.put(NAMESPACE, 'IncomingRecords', dims, shard.records, 'Count');
    if (on('IncomingBytes') && shard.records > 0)
      metrics.put(NAMESPACE, 'IncomingBytes', dims, shard.bytes, 'Bytes');
    if (on('WriteProvisionedThroughputExceeded'))
      metrics.put(NAMESPACE, 'WriteProvisionedThroughputExceeded', dims, shard.throttled, 'Count');
  }
}

/** Recorded per GetRecords call. */
export interface ReadOutcome {
  stream: string;
  shardId: string;
  records: number;
  bytes: number;
  /** Now less the arrival of the last record returned (0 when none came back and the reader is caught up). */
  iteratorAgeMs: number;
  latencyMs: number;
  throttled: boolean;
}

export function publishRead(
  metrics: MetricPublisher,
  outcome: ReadOutcome,
  enhanced: readonly string[],
): void {
  const stream = [{ Name: 'StreamName', Value: outcome.stream }];
  const put = (name: string, value: number, unit: string) =>
    metrics.put(NAMESPACE, name, stream, value, unit);
  const dims = [...stream, { Name: 'ShardId', Value: outcome.shardId }];
  const on = (name: string) => enhanced.includes(name) || enhanced.includes('ALL');
  if (outcome.throttled) {
    put('ReadProvisionedThroughputExceeded', 1, 'Count');
    if (on('ReadProvisionedThroughputExceeded'))
      metrics.put(NAMESPACE, 'ReadProvisionedThroughputExceeded', dims, 1, 'Count');
    return;
  }
  put('GetRecords.Records', outcome.records, 'Count');
  put('GetRecords.Bytes', outcome.bytes, 'Bytes');
  put('GetRecords.Latency', outcome.latencyMs, 'Milliseconds');
  put('GetRecords.Success', 1, 'Count');
  put('GetRecords.IteratorAgeMilliseconds', outcome.iteratorAgeMs, 'Milliseconds');
  put('ReadProvisionedThroughputExceeded', 0, 'Count');
  if (on('OutgoingRecords')) metrics.put(NAMESPACE, 'OutgoingRecords', dims, outcome.records, 'Count');
  if (on('OutgoingBytes')) metrics.put(NAMESPACE, 'OutgoingBytes', dims, outcome.bytes, 'Bytes');
  if (on('IteratorAgeMilliseconds'))
    metrics.put(NAMESPACE, 'IteratorAgeMilliseconds', dims, outcome.iteratorAgeMs, 'Milliseconds');
}
