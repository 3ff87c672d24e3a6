// Writes, with what AWS enforces and kinesalite does not: each record is routed to its shard by hash key,
// and one that does not fit the shard's write budget fails (in PutRecords as a partial failure, in place;
// in PutRecord as the call's error) without ever reaching kinesalite. Fault injection fails a fraction of
// PutRecords entries with InternalFailure.
import { targetStream } from './arn.js';
import { INTERNAL_FAILURE_MESSAGE, writeThrottled, writeThrottledMessage } from './errors.js';
import { errorOf } from './kinesalite-client.js';
import { publishWrite, type WriteOutcome } from './metrics.js';
import { bodyFor, byName, type OperationCall, passThrough, withKmsEncryption } from './operation.js';
import { hashKeyOf, putRecordEntry, putRecordsEntries } from './put-input.js';

interface ResultEntry {
  ShardId?: string;
  SequenceNumber?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export async function putRecords(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const started = performance.now();
  const entries = putRecordsEntries(input);
  const name = targetStream(input, region.region);
  const { map } = await region.writableStream(name);
  const { enforceLimits, failureRate } = region.settings;
  const enhanced = region.metaOf(name)?.shardLevelMetrics ?? [];
  const now = Date.now();
  const failed: (ResultEntry | undefined)[] = new Array(entries.length);
  const accepted: number[] = [];
  const outcome: WriteOutcome = {
    stream: name,
    call: 'PutRecords',
    records: 0,
    bytes: 0,
    throttled: 0,
    failed: 0,
    latencyMs: 0,
    // Routing each record costs an MD5 of its key: only when limits or shard-level metrics need the shard.
    ...(enhanced.length > 0 ? { shards: new Map() } : {}),
  };
  const perShard = (shardId: string) => {
    let stats = outcome.shards?.get(shardId);
    if (!stats) {
      stats = { records: 0, bytes: 0, throttled: 0 };
      outcome.shards?.set(shardId, stats);
    }
    return stats;
  };
  entries.forEach((entry, i) => {
    if (failureRate > 0 && Math.random() < failureRate) {
      failed[i] = { ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE };
      outcome.failed++;
      return;
    }
    const shard = enforceLimits || outcome.shards ? map.route(hashKeyOf(entry)) : undefined;
    if (enforceLimits && shard && !region.budgets.admitWrite(`${name}/${shard.shardId}`, entry.size, now)) {
      failed[i] = {
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: writeThrottledMessage(shard.shardId, name),
      };
      outcome.throttled++;
      if (outcome.shards) perShard(shard.shardId).throttled++;
      return;
    }
    accepted.push(i);
    outcome.records++;
    outcome.bytes += entry.size;
    if (outcome.shards && shard) {
      const stats = perShard(shard.shardId);
      stats.records++;
      stats.bytes += entry.size;
    }
  });
  const encrypted = region.metaOf(name)?.encryption !== undefined;
  const encryption = encrypted ? { EncryptionType: 'KMS' } : {};
  const publish = () => {
    outcome.latencyMs = performance.now() - started;
    publishWrite(region.settings.metrics, outcome, enhanced);
  };

  if (accepted.length === entries.length) {
    const raw = await region.send('PutRecords', bodyFor(call, name));
    passThrough(call.response, encrypted ? withKmsEncryption(raw) : raw);
    region.subscriptions.written(name);
    if (raw.status < 400) publish();
    return;
  }
  const records = input.Records as unknown[];
  let written: ResultEntry[] = [];
  if (accepted.length > 0) {
    const subset = { ...byName(input, name), Records: accepted.map((i) => records[i]) };
    const raw = await region.send('PutRecords', JSON.stringify(subset));
    const output = JSON.parse(raw.body.toString('utf8'));
    if (raw.status >= 400) throw errorOf(raw.status, output);
    written = (output as { Records: ResultEntry[] }).Records;
  }
  accepted.forEach((index, i) => {
    failed[index] = written[i];
  });
  if (accepted.length > 0) region.subscriptions.written(name);
  passThrough(call.response, {
    status: 200,
    body: Buffer.from(
      JSON.stringify({ FailedRecordCount: entries.length - accepted.length, Records: failed, ...encryption }),
    ),
  });
  publish();
}

export async function putRecord(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const started = performance.now();
  const entry = putRecordEntry(input);
  const name = targetStream(input, region.region);
  const { map } = await region.writableStream(name);
  const enhanced = region.metaOf(name)?.shardLevelMetrics ?? [];
  const shard =
    region.settings.enforceLimits || enhanced.length > 0 ? map.route(hashKeyOf(entry)) : undefined;
  const outcome = (taken: boolean): WriteOutcome => ({
    stream: name,
    call: 'PutRecord',
    records: taken ? 1 : 0,
    bytes: taken ? entry.size : 0,
    throttled: taken ? 0 : 1,
    failed: 0,
    latencyMs: performance.now() - started,
    ...(shard && enhanced.length > 0
      ? {
          shards: new Map([
            [
              shard.shardId,
              { records: taken ? 1 : 0, bytes: taken ? entry.size : 0, throttled: taken ? 0 : 1 },
            ],
          ]),
        }
      : {}),
  });
  if (region.settings.enforceLimits && shard) {
    if (!region.budgets.admitWrite(`${name}/${shard.shardId}`, entry.size, Date.now())) {
      publishWrite(region.settings.metrics, outcome(false), enhanced);
      throw writeThrottled(shard.shardId, name);
    }
  }
  const raw = await region.send('PutRecord', bodyFor(call, name));
  passThrough(call.response, region.metaOf(name)?.encryption ? withKmsEncryption(raw) : raw);
  region.subscriptions.written(name);
  if (raw.status < 400) publishWrite(region.settings.metrics, outcome(true), enhanced);
}
