// Writes, with what AWS enforces and kinesalite does not: each record is routed to its shard by hash key,
// and one that does not fit the shard's write budget fails (in PutRecords as a partial failure, in place;
// in PutRecord as the call's error) without ever reaching kinesalite. Fault injection fails a fraction of
// PutRecords entries with InternalFailure.
import { targetStream } from './arn.js';
import { INTERNAL_FAILURE_MESSAGE, writeThrottled, writeThrottledMessage } from './errors.js';
import { errorOf } from './kinesalite-client.js';
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
  const entries = putRecordsEntries(input);
  const name = targetStream(input, region.region);
  const { map } = await region.writableStream(name);
  const { enforceLimits, failureRate } = region.settings;
  const now = Date.now();
  const failed: (ResultEntry | undefined)[] = new Array(entries.length);
  const accepted: number[] = [];
  entries.forEach((entry, i) => {
    if (failureRate > 0 && Math.random() < failureRate) {
      failed[i] = { ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE };
      return;
    }
    if (enforceLimits) {
      const shard = map.route(hashKeyOf(entry));
      if (shard && !region.budgets.admitWrite(`${name}/${shard.shardId}`, entry.size, now)) {
        failed[i] = {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: writeThrottledMessage(shard.shardId, name),
        };
        return;
      }
    }
    accepted.push(i);
  });
  const encrypted = region.metaOf(name)?.encryption !== undefined;
  const encryption = encrypted ? { EncryptionType: 'KMS' } : {};

  if (accepted.length === entries.length) {
    const raw = await region.send('PutRecords', bodyFor(call, name));
    passThrough(call.response, encrypted ? withKmsEncryption(raw) : raw);
    region.subscriptions.written(name);
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
}

export async function putRecord(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const entry = putRecordEntry(input);
  const name = targetStream(input, region.region);
  const { map } = await region.writableStream(name);
  if (region.settings.enforceLimits) {
    const shard = map.route(hashKeyOf(entry));
    if (shard && !region.budgets.admitWrite(`${name}/${shard.shardId}`, entry.size, Date.now())) {
      throw writeThrottled(shard.shardId, name);
    }
  }
  const raw = await region.send('PutRecord', bodyFor(call, name));
  passThrough(call.response, region.metaOf(name)?.encryption ? withKmsEncryption(raw) : raw);
  region.subscriptions.written(name);
}
