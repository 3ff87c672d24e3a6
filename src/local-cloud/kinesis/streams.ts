// The control plane: creating, describing, listing, resharding, encrypting and tagging streams. kinesalite
// keeps the shards and records; the edge keeps capacity modes, encryption, tags, retention beyond 168
// hours and metrics, and answers with the fields today's SDKs read.
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { streamArn, streamNameFromArn, targetStream } from './arn.js';
import { liveConsumers, resourceTarget, withConsumer } from './consumers.js';
import {
  type BackendStream,
  decodeToken,
  encodeToken,
  filterShards,
  openShardCount,
  type ShardFilter,
  type ShardFilterType,
  shardPage,
  streamFields,
} from './describe.js';
import { invalidArgument, limitExceeded, streamNotActive, streamNotFound } from './errors.js';
import type { StreamMeta, StreamMode } from './metadata.js';
import { byName, forward, type OperationCall, passThrough, reply } from './operation.js';
import { type KinesisRegion, shardLimitOf } from './region.js';
import { type Tags, tagKeysInput, tagList, tagsInput, withoutTags, withTags } from './tags.js';
import {
  expectInteger,
  expectList,
  expectObject,
  expectString,
  NULL,
  STREAM_NAME_PATTERN,
  text,
  Violations,
} from './validation.js';

/** AWS starts an on-demand stream with 4 shards (4 MiB/s and 4,000 records/s of writes). */
export const ON_DEMAND_INITIAL_SHARDS = 4;
export const ON_DEMAND_STREAM_LIMIT = 50;
const MAX_SHARDS_PER_STREAM = 10_000;
const SCALINGS_PER_DAY = 10;
const DAY_MS = 24 * 3600_000;
const MIN_RETENTION_HOURS = 24;
const MAX_RETENTION_HOURS = 8760;
/** kinesalite's own ceiling; the edge reports (and keeps) anything above it. */
const BACKEND_MAX_RETENTION_HOURS = 168;
const STREAM_MODES: readonly StreamMode[] = ['PROVISIONED', 'ON_DEMAND'];
const SHARD_FILTER_TYPES: readonly ShardFilterType[] = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
];
const METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

function metaOf(region: KinesisRegion, stream: BackendStream): StreamMeta {
  return (
    region.metaOf(stream.StreamName) ?? { mode: 'PROVISIONED', shardCount: openShardCount(stream.Shards) }
  );
}

function enumValue<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  violations: Violations,
  required = true,
): T | undefined {
  const s = expectString(value);
  if (s === undefined) {
    if (required) violations.add(NULL, path, 'Member must not be null');
    return undefined;
  }
  if (!allowed.includes(s as T)) {
    violations.add(text(s), path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return undefined;
  }
  return s as T;
}

function limitInput(value: unknown, path: string, violations: Violations, max: number): number | undefined {
  const n = expectInteger(value);
  if (n !== undefined && n < 1)
    violations.add(text(String(n)), path, 'Member must have value greater than or equal to 1');
  if (n !== undefined && n > max)
    violations.add(text(String(n)), path, `Member must have value less than or equal to ${max}`);
  return n;
}

/** Every stream name in the region (kinesalite lists at most 10,000 at a time). */
async function allStreamNames(region: KinesisRegion): Promise<string[]> {
  const names: string[] = [];
  for (;;) {
    const page = await region.call<{ StreamNames: string[]; HasMoreStreams: boolean }>('ListStreams', {
      Limit: 10_000,
      ...(names.length ? { ExclusiveStartStreamName: names[names.length - 1] } : {}),
    });
    names.push(...page.StreamNames);
    if (!page.HasMoreStreams) return names;
  }
}

async function existingStreams(region: KinesisRegion): Promise<BackendStream[]> {
  const streams = await Promise.all(
    (await allStreamNames(region)).map((name) => region.describe(name).catch(() => undefined)),
  );
  return streams.filter((s): s is BackendStream => s !== undefined);
}

async function onDemandCount(region: KinesisRegion): Promise<number> {
  const names = await allStreamNames(region);
  return names.filter((name) => region.metaOf(name)?.mode === 'ON_DEMAND').length;
}

async function requireOnDemandRoom(region: KinesisRegion): Promise<void> {
  if ((await onDemandCount(region)) >= ON_DEMAND_STREAM_LIMIT) {
    throw limitExceeded(
      `This request would exceed the limit of ${ON_DEMAND_STREAM_LIMIT} on-demand streams in ${region.region}: ` +
        'delete an on-demand stream or create this one PROVISIONED.',
    );
  }
}

export async function createStream(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const violations = new Violations();
  const name = expectString(input.StreamName);
  violations.string(name, 'streamName', { required: true, min: 1, max: 128, pattern: STREAM_NAME_PATTERN });
  const shardCount = expectInteger(input.ShardCount);
  if (shardCount !== undefined && shardCount < 1)
    violations.add(
      text(String(shardCount)),
      'shardCount',
      'Member must have value greater than or equal to 1',
    );
  const modeDetails = expectObject(input.StreamModeDetails);
  const mode = modeDetails
    ? enumValue(modeDetails.StreamMode, STREAM_MODES, 'streamModeDetails.streamMode', violations)
    : 'PROVISIONED';
  const tags = tagsInput(input.Tags);
  violations.throwIfAny();
  const streamName = name as string;
  if (mode === 'ON_DEMAND' && shardCount !== undefined) {
    throw invalidArgument('ShardCount is not expected when StreamMode=ON_DEMAND');
  }
  if (mode === 'PROVISIONED' && shardCount === undefined) {
    throw invalidArgument('ShardCount is required when StreamMode=PROVISIONED: give the number of shards.');
  }
  const maxRecordKiB = expectInteger(input.MaxRecordSizeInKiB);
  if (maxRecordKiB !== undefined && maxRecordKiB !== 1024) {
    throw invalidArgument(
      'The local cloud keeps the default maximum record size of 1024 KiB: leave out MaxRecordSizeInKiB.',
    );
  }
  if (input.WarmThroughputMiBps !== undefined) {
    throw invalidArgument('The local cloud does not provide warm throughput: leave out WarmThroughputMiBps.');
  }
  if (mode === 'ON_DEMAND') await requireOnDemandRoom(region);
  const count = shardCount ?? ON_DEMAND_INITIAL_SHARDS;
  await region.call('CreateStream', { StreamName: streamName, ShardCount: count });
  region.forget(streamName);
  await region.updateMeta(streamName, () => ({
    mode: mode ?? 'PROVISIONED',
    shardCount: count,
    ...(tags ? { tags } : {}),
  }));
  reply(call, {});
}

export async function deleteStream(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const consumers = liveConsumers(region.metaOf(name), Date.now(), region.settings.transitionMs);
  if (consumers.length > 0 && input.EnforceConsumerDeletion !== true) {
    await region.describe(name);
    // As public captures of AWS's answer word it (the apostrophe is AWS's).
    throw new ServiceError(
      'ResourceInUseException',
      `DeleteStream can\u2019t delete ${LOCAL_ACCOUNT_ID}:${name} because there are consumers associated with this data stream. To delete ${name} anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.`,
    );
  }
  const { EnforceConsumerDeletion: _, ...rest } = input;
  const raw = await region.send('DeleteStream', JSON.stringify(byName(rest, name)));
  passThrough(call.response, raw);
  if (raw.status < 400) {
    await region.updateMeta(name, () => undefined);
    region.forget(name);
    region.subscriptions.endStream(name, streamNotFound(name));
  }
}

export async function describeStream(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const limit = limitInput(input.Limit, 'limit', violations, 10_000);
  const exclusiveStart = expectString(input.ExclusiveStartShardId);
  violations.throwIfAny();
  const stream = await region.describe(name);
  reply(call, {
    StreamDescription: {
      ...streamFields(stream, region.metaOf(name), region.statusOf(stream)),
      ...shardPage(stream.Shards, Math.min(limit ?? 100, 100), exclusiveStart),
    },
  });
}

export async function describeStreamSummary(call: OperationCall): Promise<void> {
  const { region } = call;
  const name = targetStream(call.input, region.region);
  const stream = await region.describe(name);
  reply(call, {
    StreamDescriptionSummary: {
      ...streamFields(stream, region.metaOf(name), region.statusOf(stream)),
      OpenShardCount: openShardCount(stream.Shards),
      ConsumerCount: liveConsumers(region.metaOf(name), Date.now(), region.settings.transitionMs).length,
    },
  });
}

export async function listStreams(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const violations = new Violations();
  const limit = limitInput(input.Limit, 'limit', violations, 10_000);
  violations.string(expectString(input.ExclusiveStartStreamName), 'exclusiveStartStreamName', {
    min: 1,
    max: 128,
    pattern: STREAM_NAME_PATTERN,
  });
  violations.throwIfAny();
  const token = expectString(input.NextToken);
  const after = token
    ? decodeToken<{ after: string }>(token, Date.now()).after
    : expectString(input.ExclusiveStartStreamName);
  const page = await region.call<{ StreamNames: string[]; HasMoreStreams: boolean }>('ListStreams', {
    Limit: Math.min(limit ?? 100, 100),
    ...(after ? { ExclusiveStartStreamName: after } : {}),
  });
  const streams = await Promise.all(
    page.StreamNames.map((name) => region.describe(name).catch(() => undefined)),
  );
  const summaries = streams
    .filter((s): s is BackendStream => s !== undefined)
    .map((stream) => ({
      StreamName: stream.StreamName,
      StreamARN: stream.StreamARN,
      StreamStatus: region.statusOf(stream),
      StreamModeDetails: { StreamMode: metaOf(region, stream).mode },
      StreamCreationTimestamp: stream.StreamCreationTimestamp,
    }));
  const last = page.StreamNames[page.StreamNames.length - 1];
  reply(call, {
    StreamNames: page.StreamNames,
    HasMoreStreams: page.HasMoreStreams,
    ...(page.HasMoreStreams && last ? { NextToken: encodeToken({ after: last }, Date.now()) } : {}),
    StreamSummaries: summaries,
  });
}

function shardFilterInput(value: unknown, violations: Violations): ShardFilter | undefined {
  const filter = expectObject(value);
  if (!filter) return undefined;
  const type = enumValue(filter.Type, SHARD_FILTER_TYPES, 'shardFilter.type', violations);
  const shardId = expectString(filter.ShardId);
  const timestamp = filter.Timestamp;
  if (type === undefined) return undefined;
  if (type === 'AFTER_SHARD_ID' && shardId === undefined) {
    throw invalidArgument('ShardFilter of type AFTER_SHARD_ID needs a ShardId.');
  }
  if (type !== 'AFTER_SHARD_ID' && shardId !== undefined) {
    throw invalidArgument(`ShardFilter of type ${type} takes no ShardId (only AFTER_SHARD_ID does).`);
  }
  const timed = type === 'AT_TIMESTAMP' || type === 'FROM_TIMESTAMP';
  if (timed && typeof timestamp !== 'number') {
    throw invalidArgument(`ShardFilter of type ${type} needs a Timestamp.`);
  }
  if (!timed && timestamp !== undefined) {
    throw invalidArgument(
      `ShardFilter of type ${type} takes no Timestamp (only AT_TIMESTAMP and FROM_TIMESTAMP do).`,
    );
  }
  return {
    type,
    ...(shardId !== undefined ? { shardId } : {}),
    ...(timed ? { timestamp: (timestamp as number) * 1000 } : {}),
  };
}

interface ShardsToken {
  stream: string;
  after: string;
  filter?: ShardFilter;
}

export async function listShards(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const now = Date.now();
  const violations = new Violations();
  const maxResults = limitInput(input.MaxResults, 'maxResults', violations, 10_000);
  let filter = shardFilterInput(input.ShardFilter, violations);
  violations.throwIfAny();
  const token = expectString(input.NextToken);
  const named = input.StreamName !== undefined || input.StreamARN !== undefined;
  let name: string;
  let after = expectString(input.ExclusiveStartShardId);
  if (token !== undefined) {
    if (named) throw invalidArgument('NextToken and StreamName cannot be provided together.');
    if (after !== undefined)
      throw invalidArgument('NextToken and ExclusiveStartShardId cannot be provided together.');
    const state = decodeToken<ShardsToken>(token, now);
    name = state.stream;
    after = state.after;
    filter = state.filter;
  } else {
    if (!named) throw invalidArgument('Either NextToken or StreamName should be provided.');
    name = targetStream(input, region.region);
  }
  const stream = await region.describe(name);
  const status = region.statusOf(stream);
  if (status === 'CREATING') throw streamNotActive(name, status);
  if (status === 'DELETING') throw streamNotFound(name);
  const meta = region.metaOf(name);
  let shards = filter
    ? filterShards(stream.Shards, filter, {
        now,
        retentionHours: meta?.retentionHours ?? stream.RetentionPeriodHours,
        createdAt: stream.StreamCreationTimestamp * 1000,
      })
    : stream.Shards;
  if (after !== undefined) shards = shards.filter((shard) => shard.ShardId > (after as string));
  const size = Math.min(maxResults ?? 1000, 1000);
  const page = shards.slice(0, size);
  const last = page[page.length - 1];
  reply(call, {
    Shards: page,
    ...(shards.length > size && last
      ? { NextToken: encodeToken({ stream: name, after: last.ShardId, ...(filter ? { filter } : {}) }, now) }
      : {}),
  });
}

/** kinesalite's reading of a shard id: `shardId-000000000001`, `shardId-1` and `1` name the same shard. */
function normalShardId(id: string): string {
  const index = id.split('-')[1] ?? id;
  return /^\d+$/.test(index) ? `shardId-${index.padStart(12, '0')}` : id;
}

export async function splitOrMergeShards(call: OperationCall, operation: 'SplitShard' | 'MergeShards') {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const stream = await region.requireActive(name);
  const named = (
    operation === 'SplitShard' ? [input.ShardToSplit] : [input.ShardToMerge, input.AdjacentShardToMerge]
  )
    .map(expectString)
    .filter((id): id is string => id !== undefined);
  for (const id of named) {
    const shard = stream.Shards.find((s) => s.ShardId === normalShardId(id));
    if (shard?.SequenceNumberRange.EndingSequenceNumber !== undefined) {
      // AWS's words for a split (the capture, and moto's); merges are taken to say the same.
      throw invalidArgument(
        `Shard ${shard.ShardId} in stream ${name} under account ${LOCAL_ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
  }
  region.invalidate(name);
  await forward(call, operation, name);
  region.invalidate(name);
}

export async function updateShardCount(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const target = expectInteger(input.TargetShardCount);
  if (target === undefined) violations.add(NULL, 'targetShardCount', 'Member must not be null');
  else if (target < 1)
    violations.add(
      text(String(target)),
      'targetShardCount',
      'Member must have value greater than or equal to 1',
    );
  enumValue(input.ScalingType, ['UNIFORM_SCALING'], 'scalingType', violations);
  violations.throwIfAny();
  const targetCount = target as number;
  const stream = await region.requireActive(name);
  const meta = metaOf(region, stream);
  if (meta.mode === 'ON_DEMAND') {
    throw invalidArgument(
      `Stream ${name} is ON_DEMAND: UpdateShardCount works on PROVISIONED streams only (UpdateStreamMode switches modes).`,
    );
  }
  const current = openShardCount(stream.Shards);
  const recent = (meta.scalings ?? []).filter((t) => Date.now() - t < DAY_MS);
  if (targetCount > current * 2) {
    throw limitExceeded(
      `UpdateShardCount cannot scale stream ${name} from ${current} to ${targetCount} shards: at most double (${current * 2}) in one call.`,
    );
  }
  if (targetCount * 2 < current) {
    throw limitExceeded(
      `UpdateShardCount cannot scale stream ${name} from ${current} to ${targetCount} shards: at least half (${Math.ceil(current / 2)}) in one call.`,
    );
  }
  if (targetCount > MAX_SHARDS_PER_STREAM) {
    throw limitExceeded(`UpdateShardCount cannot scale a stream above ${MAX_SHARDS_PER_STREAM} shards.`);
  }
  if (recent.length >= SCALINGS_PER_DAY) {
    throw limitExceeded(
      `Stream ${name} was scaled ${recent.length} times in the last 24 hours, the most UpdateShardCount allows: try again later.`,
    );
  }
  const open = (await existingStreams(region)).reduce((sum, s) => sum + openShardCount(s.Shards), 0);
  const limit = shardLimitOf(region.region);
  if (open - current + targetCount > limit) {
    throw limitExceeded(
      `This request would exceed the shard limit for the account in ${region.region}: ${open} shards are open, the limit is ${limit}.`,
    );
  }
  await region.updateMeta(name, () => ({
    ...meta,
    targetShardCount: targetCount,
    scalings: [...recent, Date.now()],
  }));
  region.scale(name);
  reply(call, {
    StreamName: name,
    CurrentShardCount: current,
    TargetShardCount: targetCount,
    StreamARN: streamArn(region.region, name),
  });
}

const KEY_ID =
  /^(alias\/\S+|arn:aws[^:]*:kms:[^:]*:\d{12}:(key|alias)\/\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

function encryptionInput(input: Record<string, unknown>): string {
  const violations = new Violations();
  const type = enumValue(input.EncryptionType, ['NONE', 'KMS'], 'encryptionType', violations);
  const keyId = expectString(input.KeyId);
  violations.string(keyId, 'keyId', { required: true, min: 1, max: 2048 });
  violations.throwIfAny();
  if (type !== 'KMS') throw invalidArgument('KMS is the only valid EncryptionType for this request.');
  if (!KEY_ID.test(keyId as string)) {
    throw new ServiceError(
      'KMSNotFoundException',
      `Key ${keyId} was not found: give a key ID, a key ARN, an alias ARN or an alias name such as alias/aws/kinesis.`,
    );
  }
  return keyId as string;
}

export async function startStreamEncryption(call: OperationCall): Promise<void> {
  const { region } = call;
  const name = targetStream(call.input, region.region);
  const keyId = encryptionInput(call.input);
  const stream = await region.requireActive(name);
  await region.updateMeta(name, () => ({ ...metaOf(region, stream), encryption: { type: 'KMS', keyId } }));
  region.markUpdating(name);
  reply(call, {});
}

export async function stopStreamEncryption(call: OperationCall): Promise<void> {
  const { region } = call;
  const name = targetStream(call.input, region.region);
  encryptionInput(call.input);
  const stream = await region.requireActive(name);
  await region.updateMeta(name, () => ({ ...metaOf(region, stream), encryption: undefined }));
  region.markUpdating(name);
  reply(call, {});
}

export async function updateStreamMode(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const violations = new Violations();
  const arn = expectString(input.StreamARN);
  if (arn === undefined) violations.add(NULL, 'streamARN', 'Member must not be null');
  const details = expectObject(input.StreamModeDetails);
  if (details === undefined) violations.add(NULL, 'streamModeDetails', 'Member must not be null');
  const mode = details
    ? enumValue(details.StreamMode, STREAM_MODES, 'streamModeDetails.streamMode', violations)
    : undefined;
  violations.throwIfAny();
  if (input.WarmThroughputMiBps !== undefined) {
    throw invalidArgument('The local cloud does not provide warm throughput: leave out WarmThroughputMiBps.');
  }
  const name = streamNameFromArn(arn as string, region.region);
  const stream = await region.requireActive(name);
  const meta = metaOf(region, stream);
  if (meta.mode !== mode) {
    if (mode === 'ON_DEMAND') await requireOnDemandRoom(region);
    await region.updateMeta(name, () => ({ ...meta, mode: mode as StreamMode }));
    region.markUpdating(name);
  }
  reply(call, {});
}

async function changeRetention(call: OperationCall, direction: 'increase' | 'decrease'): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const hours = expectInteger(input.RetentionPeriodHours);
  const violations = new Violations();
  if (hours === undefined) violations.add(NULL, 'retentionPeriodHours', 'Member must not be null');
  violations.throwIfAny();
  const requested = hours as number;
  const stream = await region.describe(name);
  const meta = metaOf(region, stream);
  const current = meta.retentionHours ?? stream.RetentionPeriodHours;
  if (requested < MIN_RETENTION_HOURS) {
    throw invalidArgument(
      `Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${requested} hours) is too short.`,
    );
  }
  if (requested > MAX_RETENTION_HOURS) {
    throw invalidArgument(
      `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${requested} hours) is too long.`,
    );
  }
  if (direction === 'increase' && requested < current) {
    throw invalidArgument(
      `Requested retention period (${requested} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
    );
  }
  if (direction === 'decrease' && requested > current) {
    throw invalidArgument(
      `Requested retention period (${requested} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
    );
  }
  const backendHours = Math.min(requested, BACKEND_MAX_RETENTION_HOURS);
  if (backendHours !== stream.RetentionPeriodHours) {
    await region.call(
      backendHours > stream.RetentionPeriodHours
        ? 'IncreaseStreamRetentionPeriod'
        : 'DecreaseStreamRetentionPeriod',
      { StreamName: name, RetentionPeriodHours: backendHours },
    );
  }
  await region.updateMeta(name, () => ({
    ...meta,
    retentionHours: requested > BACKEND_MAX_RETENTION_HOURS ? requested : undefined,
  }));
  reply(call, {});
}

export const increaseRetention = (call: OperationCall) => changeRetention(call, 'increase');
export const decreaseRetention = (call: OperationCall) => changeRetention(call, 'decrease');

async function changeTags(call: OperationCall, name: string, change: (meta: StreamMeta) => StreamMeta) {
  const stream = await call.region.describe(name);
  const meta = metaOf(call.region, stream);
  await call.region.updateMeta(name, () => change(meta));
  reply(call, {});
}

export async function addTagsToStream(call: OperationCall): Promise<void> {
  const name = targetStream(call.input, call.region.region);
  const tags = tagsInput(call.input.Tags) ?? {};
  await changeTags(call, name, (meta) => ({ ...meta, tags: withTags(name, meta.tags, tags) }));
}

export async function removeTagsFromStream(call: OperationCall): Promise<void> {
  const name = targetStream(call.input, call.region.region);
  const keys = tagKeysInput(call.input.TagKeys);
  await changeTags(call, name, (meta) => ({ ...meta, tags: withoutTags(meta.tags, keys) }));
}

export async function listTagsForStream(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const limit = limitInput(input.Limit, 'limit', violations, 50);
  violations.throwIfAny();
  const stream = await region.describe(name);
  const start = expectString(input.ExclusiveStartTagKey);
  const tags = tagList(metaOf(region, stream).tags).filter((tag) => start === undefined || tag.Key > start);
  const size = limit ?? 50;
  reply(call, { Tags: tags.slice(0, size), HasMoreTags: tags.length > size });
}

/** The stream, or a consumer of it, a TagResource-style ResourceARN names. */
async function taggable(call: OperationCall) {
  const arn = expectString(call.input.ResourceARN);
  const violations = new Violations();
  violations.string(arn, 'resourceARN', { required: true, min: 1, max: 2048 });
  violations.throwIfAny();
  const { stream, consumer } = await resourceTarget(call.region, arn as string);
  const meta = metaOf(call.region, await call.region.describe(stream));
  return {
    stream,
    tags: consumer ? meta.consumers?.[consumer.name]?.tags : meta.tags,
    change: (apply: (tags: Tags | undefined) => Tags) =>
      call.region.updateMeta(stream, (current) => {
        const base = current ?? meta;
        return consumer
          ? withConsumer(base, consumer.name, (c) => ({ ...c, tags: apply(c.tags) }))
          : { ...base, tags: apply(base.tags) };
      }),
  };
}

export async function tagResource(call: OperationCall): Promise<void> {
  const tags = tagsInput(call.input.Tags) ?? {};
  const target = await taggable(call);
  await target.change((current) => withTags(target.stream, current, tags));
  reply(call, {});
}

export async function untagResource(call: OperationCall): Promise<void> {
  const keys = tagKeysInput(call.input.TagKeys);
  const target = await taggable(call);
  await target.change((current) => withoutTags(current, keys));
  reply(call, {});
}

export async function listTagsForResource(call: OperationCall): Promise<void> {
  reply(call, { Tags: tagList((await taggable(call)).tags) });
}

export async function describeLimits(call: OperationCall): Promise<void> {
  const { region } = call;
  const streams = await existingStreams(region);
  reply(call, {
    ShardLimit: shardLimitOf(region.region),
    OpenShardCount: streams.reduce((sum, s) => sum + openShardCount(s.Shards), 0),
    OnDemandStreamCount: streams.filter((s) => region.metaOf(s.StreamName)?.mode === 'ON_DEMAND').length,
    OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
  });
}

async function changeMonitoring(call: OperationCall, enable: boolean): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const requested = expectList(input.ShardLevelMetrics);
  if (requested === undefined) violations.add(NULL, 'shardLevelMetrics', 'Member must not be null');
  const names = (requested ?? []).map((m, i) =>
    enumValue(m, [...METRICS, 'ALL'], `shardLevelMetrics.${i + 1}.member`, violations),
  );
  violations.throwIfAny();
  const metrics = names.includes('ALL') ? METRICS : (names as string[]);
  const stream = await region.describe(name);
  const meta = metaOf(region, stream);
  const before = meta.shardLevelMetrics ?? [];
  const after = enable
    ? METRICS.filter((m) => before.includes(m) || metrics.includes(m))
    : before.filter((m) => !metrics.includes(m));
  await region.updateMeta(name, () => ({ ...meta, shardLevelMetrics: after }));
  reply(call, {
    StreamName: name,
    CurrentShardLevelMetrics: before,
    DesiredShardLevelMetrics: after,
    StreamARN: streamArn(region.region, name),
  });
}

export const enableEnhancedMonitoring = (call: OperationCall) => changeMonitoring(call, true);
export const disableEnhancedMonitoring = (call: OperationCall) => changeMonitoring(call, false);

/**
 * The account has no minimum throughput billing commitment on the local cloud (there is no billing). What
 * AWS answers for an account that never had one is not captured: Status DISABLED says the same.
 */
export async function describeAccountSettings(call: OperationCall): Promise<void> {
  reply(call, { MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
}

export async function updateAccountSettings(call: OperationCall): Promise<void> {
  const violations = new Violations();
  const commitment = expectObject(call.input.MinimumThroughputBillingCommitment);
  if (commitment === undefined) {
    violations.add(NULL, 'minimumThroughputBillingCommitment', 'Member must not be null');
  }
  const status = commitment
    ? enumValue(
        commitment.Status,
        ['ENABLED', 'DISABLED'],
        'minimumThroughputBillingCommitment.status',
        violations,
      )
    : undefined;
  violations.throwIfAny();
  if (status === 'ENABLED') {
    throw invalidArgument(
      'The local cloud has no billing, so no minimum throughput billing commitment: leave it DISABLED.',
    );
  }
  reply(call, { MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
}

/** Records of up to 1024 KiB, as streams have by default; the local cloud keeps that size. */
export async function updateMaxRecordSize(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const size = expectInteger(input.MaxRecordSizeInKiB);
  if (size === undefined) violations.add(NULL, 'maxRecordSizeInKiB', 'Member must not be null');
  else if (size < 1024 || size > 10240) {
    violations.add(
      text(String(size)),
      'maxRecordSizeInKiB',
      size < 1024
        ? 'Member must have value greater than or equal to 1024'
        : 'Member must have value less than or equal to 10240',
    );
  }
  violations.throwIfAny();
  await region.requireActive(name);
  if (size !== 1024) {
    throw invalidArgument(
      'The local cloud keeps the default maximum record size of 1024 KiB: records larger than 1 MiB are not provided.',
    );
  }
  reply(call, {});
}

export async function updateStreamWarmThroughput(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const name = targetStream(input, region.region);
  const violations = new Violations();
  const mibps = expectInteger(input.WarmThroughputMiBps);
  if (mibps === undefined) violations.add(NULL, 'warmThroughputMiBps', 'Member must not be null');
  else if (mibps < 0) {
    violations.add(
      text(String(mibps)),
      'warmThroughputMiBps',
      'Member must have value greater than or equal to 0',
    );
  }
  violations.throwIfAny();
  await region.requireActive(name);
  throw invalidArgument(
    'The local cloud does not provide warm throughput: on-demand streams start with 4 shards.',
  );
}
