// Reads: GetRecords within each shard's read budget (5 calls and 2 MiB a second), with the ChildShards AWS
// reports at the end of a closed shard and each record's EncryptionType; AT_TIMESTAMP iterators found by
// the edge (kinesalite never answers one when no record is that recent).
import { targetStream } from './arn.js';
import { childShards } from './describe.js';
import { readThrottled } from './errors.js';
import { publishRead } from './metrics.js';
import { forward, type OperationCall, passThrough, reply } from './operation.js';
import type { KinesisRegion } from './region.js';
import { iteratorTarget } from './sequence.js';
import { expectString } from './validation.js';

interface BackendRecord {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number;
  [field: string]: unknown;
}

interface BackendRecords {
  Records: BackendRecord[];
  NextShardIterator?: string;
  MillisBehindLatest?: number;
}

const SCAN_LIMIT = 10_000;

export async function getShardIterator(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const timestamp = input.Timestamp;
  if (
    input.ShardIteratorType !== 'AT_TIMESTAMP' ||
    typeof timestamp !== 'number' ||
    timestamp * 1000 > Date.now()
  ) {
    await forward(call, 'GetShardIterator', name);
    return;
  }
  reply(call, {
    ShardIterator: await shardIterator(region, name, expectString(input.ShardId), 'AT_TIMESTAMP', {
      Timestamp: timestamp,
    }),
  });
}

/**
 * A shard iterator of any type from kinesalite, with AT_TIMESTAMP found by the edge: the first record that
 * arrived at or after the timestamp, by reading the shard from its start.
 */
export async function shardIterator(
  region: KinesisRegion,
  name: string,
  shardId: string | undefined,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const at = async (atType: string, more: Record<string, unknown> = {}) =>
    (
      await region.call<{ ShardIterator: string }>('GetShardIterator', {
        StreamName: name,
        ShardId: shardId,
        ShardIteratorType: atType,
        ...more,
      })
    ).ShardIterator;
  const timestamp = extra.Timestamp;
  if (type !== 'AT_TIMESTAMP' || typeof timestamp !== 'number' || timestamp * 1000 > Date.now()) {
    return at(type, extra);
  }
  let iterator = await at('TRIM_HORIZON');
  for (;;) {
    const page = await region.call<BackendRecords>('GetRecords', {
      ShardIterator: iterator,
      Limit: SCAN_LIMIT,
    });
    const first = page.Records.find((record) => record.ApproximateArrivalTimestamp >= timestamp);
    if (first) return at('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: first.SequenceNumber });
    // No record is that recent: read on from the end of the shard, as AWS's iterator does.
    if (page.Records.length === 0 || !page.NextShardIterator) return page.NextShardIterator ?? iterator;
    iterator = page.NextShardIterator;
  }
}

export async function getRecords(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const started = performance.now();
  const target = iteratorTarget(expectString(input.ShardIterator) ?? '');
  if (!target) {
    // Not an iterator kinesalite made: it answers with AWS's error for that.
    passThrough(call.response, await region.send('GetRecords', call.body));
    return;
  }
  if (input.StreamARN !== undefined) targetStream({ StreamARN: input.StreamARN }, region.region);
  const budget = `${target.stream}/${target.shardId}`;
  const enhanced = region.metaOf(target.stream)?.shardLevelMetrics ?? [];
  if (region.settings.enforceLimits && !region.budgets.admitRead(budget, Date.now())) {
    publishRead(
      region.settings.metrics,
      {
        stream: target.stream,
        shardId: target.shardId,
        records: 0,
        bytes: 0,
        iteratorAgeMs: 0,
        latencyMs: 0,
        throttled: true,
      },
      enhanced,
    );
    throw readThrottled(target.shardId, target.stream);
  }
  const raw = await region.send('GetRecords', call.body);
  if (raw.status >= 400) {
    passThrough(call.response, raw);
    return;
  }
  // Base64 makes the body about 4/3 of the data it carries: near enough to charge the read budget.
  if (region.settings.enforceLimits) region.budgets.spendRead(budget, (raw.body.length * 3) / 4, Date.now());
  const output = JSON.parse(raw.body.toString('utf8')) as BackendRecords & Record<string, unknown>;
  const last = output.Records[output.Records.length - 1];
  let bytes = 0;
  for (const record of output.Records)
    bytes += (String(record.Data ?? '').length * 3) / 4 + String(record.PartitionKey ?? '').length;
  publishRead(
    region.settings.metrics,
    {
      stream: target.stream,
      shardId: target.shardId,
      records: output.Records.length,
      bytes: Math.round(bytes),
      iteratorAgeMs: last
        ? Math.max(0, Date.now() - last.ApproximateArrivalTimestamp * 1000)
        : (output.MillisBehindLatest ?? 0),
      latencyMs: performance.now() - started,
      throttled: false,
    },
    enhanced,
  );
  const encrypted = region.metaOf(target.stream)?.encryption !== undefined;
  const shardEnded = output.NextShardIterator === undefined;
  if (!encrypted && !shardEnded) {
    passThrough(call.response, raw);
    return;
  }
  if (encrypted) for (const record of output.Records) record.EncryptionType = 'KMS';
  if (shardEnded) {
    const stream = await region.describe(target.stream);
    output.ChildShards = childShards(stream.Shards, target.shardId);
  }
  reply(call, output);
}
