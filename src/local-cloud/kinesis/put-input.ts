// PutRecords and PutRecord inputs, checked the way AWS checks them before a record reaches a shard:
// the model's constraints (500 records, partition keys of 1-256 characters, data of at most 1 MiB), then
// the service's own limits (data plus partition key within 1 MiB, 5 MiB a request, hash keys in range).
import { ServiceError } from '../protocol/common.js';
import { invalidArgument } from './errors.js';
import { MAX_HASH_KEY, partitionKeyHash } from './hash-keys.js';
import { MIB } from './throughput.js';
import {
  blob,
  blobLength,
  expectList,
  expectObject,
  expectString,
  HASH_KEY_PATTERN,
  list,
  NULL,
  SEQUENCE_NUMBER_PATTERN,
  STREAM_ARN_PATTERN,
  STREAM_NAME_PATTERN,
  Violations,
} from './validation.js';

export const MAX_RECORDS_PER_CALL = 500;
export const MAX_RECORD_BYTES = MIB;
export const MAX_REQUEST_BYTES = 5 * MIB;
// AWS prints each entry of an over-long list as its Java object (seen in AWS's own responses).
const ENTRY_AS_JAVA = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';

export interface PutEntry {
  partitionKey: string;
  /** The ExplicitHashKey, already checked to be in range: it routes the record instead of the key's MD5. */
  explicitHashKey?: bigint;
  /** Data plus partition key, in bytes: what counts against a shard's 1 MiB/s. */
  size: number;
}

/**
 * Where Kinesis routes the record. Computed only where a record is routed (limits on): the MD5 of every
 * partition key was the largest part of the edge's own work per record when nothing needs it.
 */
export function hashKeyOf(entry: PutEntry): bigint {
  return entry.explicitHashKey ?? partitionKeyHash(entry.partitionKey);
}

export function checkStreamIdentifiers(input: Record<string, unknown>, violations: Violations): void {
  violations.string(expectString(input.StreamName), 'streamName', {
    min: 1,
    max: 128,
    pattern: STREAM_NAME_PATTERN,
  });
  violations.string(expectString(input.StreamARN), 'streamARN', {
    min: 1,
    max: 2048,
    pattern: STREAM_ARN_PATTERN,
  });
}

function explicitHashKeyOf(explicitHashKey: string | undefined): bigint | undefined {
  if (explicitHashKey === undefined) return undefined;
  const key = BigInt(explicitHashKey);
  if (key > MAX_HASH_KEY) {
    throw invalidArgument(
      'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. ' +
        `Specified value was ${explicitHashKey}`,
    );
  }
  return key;
}

function entryOf(partitionKey: string, explicitHashKey: bigint | undefined, size: number): PutEntry {
  return explicitHashKey === undefined ? { partitionKey, size } : { partitionKey, explicitHashKey, size };
}

function tooLarge(path: string): ServiceError {
  return new ServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${path}' failed to satisfy constraint: ` +
      `Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
  );
}

/** The entries of a PutRecords request, in request order; throws AWS's error for an invalid request. */
export function putRecordsEntries(input: Record<string, unknown>): PutEntry[] {
  const records = expectList(input.Records);
  const violations = new Violations();
  if (records === undefined) violations.add(NULL, 'records', 'Member must not be null');
  else if (records.length < 1)
    violations.add(list(0, ENTRY_AS_JAVA), 'records', 'Member must have length greater than or equal to 1');
  else if (records.length > MAX_RECORDS_PER_CALL)
    violations.add(
      list(records.length, ENTRY_AS_JAVA),
      'records',
      `Member must have length less than or equal to ${MAX_RECORDS_PER_CALL}`,
    );
  const parsed = (records ?? []).map((value, i) => {
    const record = expectObject(value) ?? {};
    const path = `records.${i + 1}.member`;
    const partitionKey = expectString(record.PartitionKey);
    const explicitHashKey = expectString(record.ExplicitHashKey);
    const dataBytes = blobLength(record.Data);
    violations.string(partitionKey, `${path}.partitionKey`, { required: true, min: 1, max: 256 });
    violations.string(explicitHashKey, `${path}.explicitHashKey`, { pattern: HASH_KEY_PATTERN });
    if (dataBytes === undefined) violations.add(NULL, `${path}.data`, 'Member must not be null');
    else if (dataBytes > MAX_RECORD_BYTES)
      violations.add(
        blob(dataBytes),
        `${path}.data`,
        `Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
      );
    return { partitionKey: partitionKey ?? '', explicitHashKey, dataBytes: dataBytes ?? 0 };
  });
  checkStreamIdentifiers(input, violations);
  violations.throwIfAny();

  let total = 0;
  const entries = parsed.map((record, i) => {
    const size = record.dataBytes + Buffer.byteLength(record.partitionKey, 'utf8');
    if (size > MAX_RECORD_BYTES) throw tooLarge(`records.${i + 1}.member.data`);
    total += size;
    return entryOf(record.partitionKey, explicitHashKeyOf(record.explicitHashKey), size);
  });
  if (total > MAX_REQUEST_BYTES) throw invalidArgument('Records size exceeds 5 MB limit');
  return entries;
}

/** The one record of a PutRecord request; throws AWS's error for an invalid request. */
export function putRecordEntry(input: Record<string, unknown>): PutEntry {
  const violations = new Violations();
  const partitionKey = expectString(input.PartitionKey);
  const explicitHashKey = expectString(input.ExplicitHashKey);
  const dataBytes = blobLength(input.Data);
  violations.string(expectString(input.SequenceNumberForOrdering), 'sequenceNumberForOrdering', {
    pattern: SEQUENCE_NUMBER_PATTERN,
  });
  violations.string(partitionKey, 'partitionKey', { required: true, min: 1, max: 256 });
  violations.string(explicitHashKey, 'explicitHashKey', { pattern: HASH_KEY_PATTERN });
  if (dataBytes === undefined) violations.add(NULL, 'data', 'Member must not be null');
  else if (dataBytes > MAX_RECORD_BYTES)
    violations.add(
      blob(dataBytes),
      'data',
      `Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
    );
  checkStreamIdentifiers(input, violations);
  violations.throwIfAny();
  const size = (dataBytes ?? 0) + Buffer.byteLength(partitionKey ?? '', 'utf8');
  if (size > MAX_RECORD_BYTES) throw tooLarge('data');
  return entryOf(partitionKey ?? '', explicitHashKeyOf(explicitHashKey), size);
}
