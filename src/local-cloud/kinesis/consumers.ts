// Enhanced fan-out consumers: registered with a stream (kept in the edge's metadata, kinesalite has none),
// CREATING for a moment, then ACTIVE until deregistered (DELETING for a moment, then gone). Records reach
// them through SubscribeToShard (subscriptions.ts).
//
// AWS's messages for these operations are not captured anywhere we could check, except where a comment
// says so: the others follow the wording of Kinesis's other errors ("<what> under account <id> ...").
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { streamNameFromArn } from './arn.js';
import { decodeToken, encodeToken, openShardCount } from './describe.js';
import { invalidArgument, limitExceeded, streamNotActive } from './errors.js';
import type { ConsumerMeta, StreamMeta } from './metadata.js';
import { type OperationCall, reply } from './operation.js';
import type { KinesisRegion } from './region.js';
import { tagsInput } from './tags.js';
import { expectInteger, expectString, STREAM_ARN_PATTERN, text, Violations } from './validation.js';

/** "You can register up to 20 consumers per data stream" (Kinesis Data Streams quotas). */
export const MAX_CONSUMERS = 20;
export const CONSUMER_NAME_PATTERN = '[a-zA-Z0-9_.-]+';
export const CONSUMER_ARN_PATTERN =
  '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';
const CONSUMER_ARN =
  /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;

export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

/** `arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creation, epoch seconds>`. */
export function consumerArn(region: string, stream: string, name: string, consumer: ConsumerMeta): string {
  return `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${stream}/consumer/${name}:${Math.floor(consumer.createdAt / 1000)}`;
}

/** A consumer's status now, or undefined once a deregistered one is gone. */
export function consumerStatus(
  consumer: ConsumerMeta,
  now: number,
  transitionMs: number,
): ConsumerStatus | undefined {
  if (consumer.deletingSince !== undefined) {
    return now - consumer.deletingSince < transitionMs ? 'DELETING' : undefined;
  }
  return now - consumer.createdAt < transitionMs ? 'CREATING' : 'ACTIVE';
}

/** The consumers a stream has now (deregistered ones while DELETING), by name. */
export function liveConsumers(
  meta: StreamMeta | undefined,
  now: number,
  transitionMs: number,
): Array<{ name: string; consumer: ConsumerMeta; status: ConsumerStatus }> {
  return Object.entries(meta?.consumers ?? {})
    .map(([name, consumer]) => ({ name, consumer, status: consumerStatus(consumer, now, transitionMs) }))
    .filter((c): c is { name: string; consumer: ConsumerMeta; status: ConsumerStatus } => !!c.status)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function consumerNotFound(what: string): ServiceError {
  return new ServiceError(
    'ResourceNotFoundException',
    `Consumer ${what} under account ${LOCAL_ACCOUNT_ID} not found.`,
  );
}

export interface ConsumerRef {
  stream: string;
  name: string;
  consumer: ConsumerMeta;
  arn: string;
  status: ConsumerStatus;
}

/** The stream and consumer a consumer ARN names, checked against what exists now. */
export async function consumerByArn(region: KinesisRegion, arn: string): Promise<ConsumerRef> {
  const match = CONSUMER_ARN.exec(arn);
  if (!match) throw invalidArgument(`ConsumerARN ${arn} is not a Kinesis stream consumer ARN.`);
  const [, arnRegion, account, stream = '', name = '', created = ''] = match;
  if (account !== LOCAL_ACCOUNT_ID || arnRegion !== region.region) throw consumerNotFound(arn);
  await region.describe(stream);
  const found = await consumerNamed(region, stream, name).catch(() => undefined);
  // The creation time tells a consumer from an earlier one of the same name.
  if (!found || String(Math.floor(found.consumer.createdAt / 1000)) !== created) throw consumerNotFound(arn);
  return found;
}

/** A stream's consumer by name. */
export async function consumerNamed(
  region: KinesisRegion,
  stream: string,
  name: string,
): Promise<ConsumerRef> {
  await region.describe(stream);
  const now = Date.now();
  const consumer = region.metaOf(stream)?.consumers?.[name];
  const status = consumer && consumerStatus(consumer, now, region.settings.transitionMs);
  if (!consumer || !status) throw consumerNotFound(`${name} of stream ${stream}`);
  return { stream, name, consumer, status, arn: consumerArn(region.region, stream, name, consumer) };
}

function consumerInput(input: Record<string, unknown>, violations: Violations) {
  const streamArn = expectString(input.StreamARN);
  const name = expectString(input.ConsumerName);
  const arn = expectString(input.ConsumerARN);
  violations.string(streamArn, 'streamARN', { min: 1, max: 2048, pattern: STREAM_ARN_PATTERN });
  violations.string(name, 'consumerName', { min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN });
  violations.string(arn, 'consumerARN', { min: 1, max: 2048, pattern: CONSUMER_ARN_PATTERN });
  return { streamArn, name, arn };
}

/** The consumer DescribeStreamConsumer / DeregisterStreamConsumer name: by ARN, or by stream and name. */
async function targetConsumer(call: OperationCall): Promise<ConsumerRef> {
  const violations = new Violations();
  const { streamArn, name, arn } = consumerInput(call.input, violations);
  violations.throwIfAny();
  if (arn !== undefined) return consumerByArn(call.region, arn);
  if (streamArn === undefined || name === undefined) {
    throw invalidArgument('Either ConsumerARN, or both StreamARN and ConsumerName, must be provided.');
  }
  return consumerNamed(call.region, streamNameFromArn(streamArn, call.region.region), name);
}

function summary(
  region: KinesisRegion,
  stream: string,
  name: string,
  consumer: ConsumerMeta,
  status: string,
) {
  return {
    ConsumerName: name,
    ConsumerARN: consumerArn(region.region, stream, name, consumer),
    ConsumerStatus: status,
    ConsumerCreationTimestamp: consumer.createdAt / 1000,
  };
}

export async function registerStreamConsumer(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const violations = new Violations();
  const streamArn = expectString(input.StreamARN);
  const name = expectString(input.ConsumerName);
  violations.string(streamArn, 'streamARN', {
    required: true,
    min: 1,
    max: 2048,
    pattern: STREAM_ARN_PATTERN,
  });
  violations.string(name, 'consumerName', {
    required: true,
    min: 1,
    max: 128,
    pattern: CONSUMER_NAME_PATTERN,
  });
  violations.throwIfAny();
  const tags = tagsInput(input.Tags);
  const stream = streamNameFromArn(streamArn as string, region.region);
  const described = await region.describe(stream);
  const status = region.statusOf(described);
  if (status === 'CREATING' || status === 'DELETING') throw streamNotActive(stream, status);
  const now = Date.now();
  const existing = liveConsumers(region.metaOf(stream), now, region.settings.transitionMs);
  if (existing.some((c) => c.name === name)) {
    throw new ServiceError(
      'ResourceInUseException',
      `Consumer ${name} under stream ${stream} under account ${LOCAL_ACCOUNT_ID} already exists.`,
    );
  }
  if (existing.length >= MAX_CONSUMERS) {
    throw limitExceeded(
      `Stream ${stream} under account ${LOCAL_ACCOUNT_ID} already has ${MAX_CONSUMERS} registered consumers, the most a stream can have: deregister one first.`,
    );
  }
  const consumer: ConsumerMeta = { createdAt: now, ...(tags ? { tags } : {}) };
  await region.updateMeta(stream, (meta) => {
    const kept = Object.fromEntries(
      liveConsumers(meta, now, region.settings.transitionMs).map((c) => [c.name, c.consumer]),
    );
    return {
      ...(meta ?? { mode: 'PROVISIONED', shardCount: openShardCount(described.Shards) }),
      consumers: { ...kept, [name as string]: consumer },
    };
  });
  reply(call, { Consumer: summary(region, stream, name as string, consumer, 'CREATING') });
}

export async function describeStreamConsumer(call: OperationCall): Promise<void> {
  const { stream, name, consumer, status } = await targetConsumer(call);
  reply(call, {
    ConsumerDescription: {
      ...summary(call.region, stream, name, consumer, status),
      StreamARN: (await call.region.describe(stream)).StreamARN,
    },
  });
}

export async function listStreamConsumers(call: OperationCall): Promise<void> {
  const { region, input } = call;
  const violations = new Violations();
  const streamArn = expectString(input.StreamARN);
  violations.string(streamArn, 'streamARN', {
    required: true,
    min: 1,
    max: 2048,
    pattern: STREAM_ARN_PATTERN,
  });
  const max = expectInteger(input.MaxResults);
  if (max !== undefined && (max < 1 || max > 10_000)) {
    violations.add(
      text(String(max)),
      'maxResults',
      max < 1
        ? 'Member must have value greater than or equal to 1'
        : 'Member must have value less than or equal to 10000',
    );
  }
  violations.throwIfAny();
  const stream = streamNameFromArn(streamArn as string, region.region);
  await region.describe(stream);
  const now = Date.now();
  const token = expectString(input.NextToken);
  const after = token ? decodeToken<{ stream: string; after: string }>(token, now) : undefined;
  if (after && after.stream !== stream) throw invalidArgument('NextToken was issued for another stream.');
  const all = liveConsumers(region.metaOf(stream), now, region.settings.transitionMs).filter(
    (c) => after === undefined || c.name > after.after,
  );
  // AWS's default page size is not documented; 100 matches ListStreams and DescribeStream here.
  const size = max ?? 100;
  const page = all.slice(0, size);
  const last = page.at(-1);
  reply(call, {
    Consumers: page.map((c) => summary(region, stream, c.name, c.consumer, c.status)),
    ...(all.length > size && last ? { NextToken: encodeToken({ stream, after: last.name }, now) } : {}),
  });
}

export async function deregisterStreamConsumer(call: OperationCall): Promise<void> {
  const { region } = call;
  const target = await targetConsumer(call);
  const now = Date.now();
  await region.updateMeta(target.stream, (meta) => {
    const consumer = meta?.consumers?.[target.name];
    if (!meta || !consumer) return meta;
    return {
      ...meta,
      consumers: {
        ...meta.consumers,
        [target.name]: { ...consumer, deletingSince: consumer.deletingSince ?? now },
      },
    };
  });
  region.subscriptions.endConsumer(target.arn, consumerNotFound(target.arn));
  reply(call, {});
}

/** What a resource ARN (TagResource, PutResourcePolicy, ...) names: a stream, or one of its consumers. */
export async function resourceTarget(
  region: KinesisRegion,
  arn: string,
): Promise<{ stream: string; consumer?: ConsumerRef }> {
  if (/\/consumer\//.test(arn)) {
    const consumer = await consumerByArn(region, arn);
    return { stream: consumer.stream, consumer };
  }
  const stream = streamNameFromArn(arn, region.region);
  await region.describe(stream);
  return { stream };
}

/** The metadata with one consumer changed (a consumer that went meanwhile is left gone). */
export function withConsumer(
  meta: StreamMeta,
  name: string,
  change: (consumer: ConsumerMeta) => ConsumerMeta,
): StreamMeta {
  const consumer = meta.consumers?.[name];
  return consumer ? { ...meta, consumers: { ...meta.consumers, [name]: change(consumer) } } : meta;
}
