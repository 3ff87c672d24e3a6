// Firehose's control and data plane operations, on parsed JSON input. The lifecycle follows AWS:
// CreateDeliveryStream answers at once with the stream CREATING, which becomes ACTIVE shortly after;
// DeleteDeliveryStream leaves it DELETING until it is gone. Delivery itself is the engine's business.
import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { readDestination, updateDestination } from './config.js';
import { describeDeliveryStream } from './describe.js';
import { DESTINATION_ID, type DeliveryStreamType, deliveryStreamArn } from './model.js';
import type { DeliveryStreamStore, StoredDeliveryStream } from './store.js';
import {
  Constraints,
  invalidArgument,
  type Json,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  structureList,
} from './validation.js';

/** What the API needs from delivery: start, reconfigure and stop workers, and keep DirectPut records. */
export interface DeliveryEngine {
  /** The stream is ACTIVE with this configuration (new, restarted or updated). */
  activate(stream: StoredDeliveryStream): void;
  /** The stream is being deleted: stop delivering and forget its delivery state. */
  remove(stream: StoredDeliveryStream): Promise<void>;
  /** DirectPut: resolves once the records are stored durably; they will be delivered from there. */
  accept(stream: StoredDeliveryStream, records: Array<{ recordId: string; data: Buffer }>): Promise<void>;
}

const NAME = /^[a-zA-Z0-9_.-]+$/;
const KINESIS_STREAM_ARN = /^arn:.*:kinesis:[a-zA-Z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]+$/;
const UNSUPPORTED_DESTINATIONS = [
  'RedshiftDestinationConfiguration',
  'ElasticsearchDestinationConfiguration',
  'AmazonopensearchserviceDestinationConfiguration',
  'SplunkDestinationConfiguration',
  'HttpEndpointDestinationConfiguration',
  'AmazonOpenSearchServerlessDestinationConfiguration',
  'SnowflakeDestinationConfiguration',
  'IcebergDestinationConfiguration',
];
const MAX_RECORD_BYTES = 1_024_000;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_TAGS = 50;
/** How long a new stream stays CREATING and a deleted one DELETING, so clients see AWS's lifecycle. */
export const TRANSITION_MS = 500;

function notFound(name: string): ServiceError {
  return new ServiceError(
    'ResourceNotFoundException',
    `Firehose ${name} under account ${LOCAL_ACCOUNT_ID} not found.`,
  );
}

function readTags(input: Json, checks: Constraints, path: string) {
  const tags = (structureList(input, 'Tags') ?? []).map((tag, i) => {
    const tagPath = `${path}.${i + 1}.member`;
    const key = optionalString(tag, 'Key', tagPath);
    const value = optionalString(tag, 'Value', tagPath);
    checks.required(key, `${tagPath}.key`);
    checks.length(key, `${tagPath}.key`, 1, 128);
    checks.length(value, `${tagPath}.value`, 0, 256);
    return { Key: key ?? '', ...(value !== undefined ? { Value: value } : {}) };
  });
  return tags;
}

/** Record ids are opaque to clients; AWS's are long base64-like strings. */
function newRecordId(): string {
  return randomBytes(84).toString('base64url');
}

function recordData(record: Json | undefined, path: string, checks: Constraints): Buffer {
  const data = record ? optionalString(record, 'Data', path) : undefined;
  checks.required(data, `${path}.data`);
  const bytes = Buffer.from(data ?? '', 'base64');
  checks.byteLength(bytes.length, `${path}.data`, 0, MAX_RECORD_BYTES);
  return bytes;
}

export class FirehoseApi {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: DeliveryStreamStore,
    private readonly engine: DeliveryEngine,
  ) {}

  /** After a restart: streams caught mid-transition finish it, active ones resume delivery. */
  async resume(): Promise<void> {
    for (const stream of this.store.all()) {
      if (stream.status === 'DELETING') await this.finishDelete(stream);
      else if (stream.status === 'CREATING') await this.activate(stream);
      else this.engine.activate(stream);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action();
    }, TRANSITION_MS);
    this.timers.add(timer);
  }

  private async activate(stream: StoredDeliveryStream): Promise<void> {
    const current = this.store.get(stream.region, stream.name);
    if (current?.status !== 'CREATING' || current.arn !== stream.arn) return;
    const active: StoredDeliveryStream = { ...current, status: 'ACTIVE' };
    // Delivery first: the store shows ACTIVE as soon as put() is called, and a PutRecord may follow at once.
    this.engine.activate(active);
    await this.store.put(active);
  }

  private async finishDelete(stream: StoredDeliveryStream): Promise<void> {
    await this.engine.remove(stream);
    const current = this.store.get(stream.region, stream.name);
    if (current?.arn === stream.arn) await this.store.remove(stream.region, stream.name);
  }

  private existing(region: string, input: Json): StoredDeliveryStream {
    const checks = new Constraints();
    const name = optionalString(input, 'DeliveryStreamName');
    checks.required(name, 'deliveryStreamName');
    checks.length(name, 'deliveryStreamName', 1, 64);
    checks.pattern(name, 'deliveryStreamName', NAME, '[a-zA-Z0-9_.-]+');
    checks.check();
    const stream = this.store.get(region, name ?? '');
    if (!stream) throw notFound(name ?? '');
    return stream;
  }

  async createDeliveryStream(region: string, input: Json) {
    const checks = new Constraints();
    const name = optionalString(input, 'DeliveryStreamName');
    checks.required(name, 'deliveryStreamName');
    checks.length(name, 'deliveryStreamName', 1, 64);
    checks.pattern(name, 'deliveryStreamName', NAME, '[a-zA-Z0-9_.-]+');
    const type = optionalString(input, 'DeliveryStreamType') ?? 'DirectPut';
    checks.oneOf(type, 'deliveryStreamType', [
      'DirectPut',
      'KinesisStreamAsSource',
      'MSKAsSource',
      'DatabaseAsSource',
    ]);
    const tags = readTags(input, checks, 'tags');
    if (tags.length > MAX_TAGS) checks.range(tags.length, 'tags', 1, MAX_TAGS);
    const sourceInput = optionalObject(input, 'KinesisStreamSourceConfiguration');
    const streamArn = sourceInput
      ? optionalString(sourceInput, 'KinesisStreamARN', 'kinesisStreamSourceConfiguration')
      : undefined;
    const roleArn = sourceInput
      ? optionalString(sourceInput, 'RoleARN', 'kinesisStreamSourceConfiguration')
      : undefined;
    if (sourceInput) {
      checks.required(streamArn, 'kinesisStreamSourceConfiguration.kinesisStreamARN');
      checks.pattern(
        streamArn,
        'kinesisStreamSourceConfiguration.kinesisStreamARN',
        KINESIS_STREAM_ARN,
        'arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+',
      );
      checks.required(roleArn, 'kinesisStreamSourceConfiguration.roleARN');
      checks.pattern(roleArn, 'kinesisStreamSourceConfiguration.roleARN', /^arn:.*$/, 'arn:.*');
    }
    const encryptionInput = optionalObject(input, 'DeliveryStreamEncryptionConfigurationInput');
    const keyType = encryptionInput
      ? optionalString(encryptionInput, 'KeyType', 'deliveryStreamEncryptionConfigurationInput')
      : undefined;
    const keyArn = encryptionInput
      ? optionalString(encryptionInput, 'KeyARN', 'deliveryStreamEncryptionConfigurationInput')
      : undefined;
    if (encryptionInput) {
      checks.required(keyType, 'deliveryStreamEncryptionConfigurationInput.keyType');
      checks.oneOf(keyType, 'deliveryStreamEncryptionConfigurationInput.keyType', [
        'AWS_OWNED_CMK',
        'CUSTOMER_MANAGED_CMK',
      ]);
    }
    checks.check();

    if (type === 'MSKAsSource' || type === 'DatabaseAsSource') {
      throw invalidArgument(
        `DeliveryStreamType ${type} is not supported by this local cloud; use DirectPut or KinesisStreamAsSource`,
      );
    }
    if (type === 'KinesisStreamAsSource' && !sourceInput) {
      throw invalidArgument(
        'KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource',
      );
    }
    if (type !== 'KinesisStreamAsSource' && sourceInput) {
      throw invalidArgument(
        'KinesisStreamSourceConfiguration is only allowed when DeliveryStreamType is KinesisStreamAsSource',
      );
    }
    if (encryptionInput && type === 'KinesisStreamAsSource') {
      throw invalidArgument(
        'Server-side encryption (DeliveryStreamEncryptionConfigurationInput) is not allowed when the source is a Kinesis stream; the stream itself is encrypted',
      );
    }
    if (keyType === 'CUSTOMER_MANAGED_CMK' && !keyArn) {
      throw invalidArgument('KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK');
    }
    for (const member of UNSUPPORTED_DESTINATIONS) {
      if (input[member] !== undefined) {
        throw invalidArgument(
          `${member} is not supported by this local cloud; use ExtendedS3DestinationConfiguration`,
        );
      }
    }
    const extended = optionalObject(input, 'ExtendedS3DestinationConfiguration');
    const plain = optionalObject(input, 'S3DestinationConfiguration');
    if ((extended ? 1 : 0) + (plain ? 1 : 0) !== 1) {
      throw invalidArgument(
        'Exactly one destination configuration is required: give ExtendedS3DestinationConfiguration (or S3DestinationConfiguration)',
      );
    }
    const destination = extended
      ? readDestination(extended, 'ExtendedS3DestinationConfiguration', new Constraints(), true)
      : readDestination(plain ?? {}, 'S3DestinationConfiguration', new Constraints(), false);

    const streamName = name ?? '';
    const existing = this.store.get(region, streamName);
    if (existing) {
      throw new ServiceError(
        'ResourceInUseException',
        `Firehose ${streamName} under accountId ${LOCAL_ACCOUNT_ID} already exists`,
      );
    }
    const now = Date.now();
    const stream: StoredDeliveryStream = {
      region,
      name: streamName,
      arn: deliveryStreamArn(region, LOCAL_ACCOUNT_ID, streamName),
      type: type as DeliveryStreamType,
      status: 'CREATING',
      versionId: 1,
      createdAt: now,
      ...(sourceInput
        ? {
            source: {
              KinesisStreamARN: streamArn ?? '',
              RoleARN: roleArn ?? '',
              DeliveryStartTimestamp: now,
            },
          }
        : {}),
      ...(keyType ? { encryption: { KeyType: keyType, ...(keyArn ? { KeyARN: keyArn } : {}) } } : {}),
      destinationKind: extended ? 'ExtendedS3' : 'S3',
      destination,
      tags,
    };
    await this.store.put(stream);
    this.later(() => this.activate(stream));
    return { DeliveryStreamARN: stream.arn };
  }

  describeDeliveryStream(region: string, input: Json) {
    const stream = this.existing(region, input);
    return { DeliveryStreamDescription: describeDeliveryStream(stream) };
  }

  listDeliveryStreams(region: string, input: Json) {
    const checks = new Constraints();
    const limit = optionalInteger(input, 'Limit');
    checks.range(limit, 'limit', 1, 10000);
    const type = optionalString(input, 'DeliveryStreamType');
    checks.oneOf(type, 'deliveryStreamType', [
      'DirectPut',
      'KinesisStreamAsSource',
      'MSKAsSource',
      'DatabaseAsSource',
    ]);
    const after = optionalString(input, 'ExclusiveStartDeliveryStreamName');
    checks.check();
    const names = this.store
      .list(region)
      .filter((s) => !type || s.type === type)
      .map((s) => s.name)
      .filter((name) => after === undefined || name > after);
    const page = names.slice(0, limit ?? 10);
    return { DeliveryStreamNames: page, HasMoreDeliveryStreams: names.length > page.length };
  }

  async deleteDeliveryStream(region: string, input: Json) {
    const stream = this.existing(region, input);
    optionalBoolean(input, 'AllowForceDelete');
    if (stream.status !== 'DELETING') {
      const deleting: StoredDeliveryStream = { ...stream, status: 'DELETING' };
      await this.store.put(deleting);
      this.later(() => this.finishDelete(deleting));
    }
    return {};
  }

  async updateDestination(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const version = optionalString(input, 'CurrentDeliveryStreamVersionId');
    const destinationId = optionalString(input, 'DestinationId');
    checks.required(version, 'currentDeliveryStreamVersionId');
    checks.pattern(version, 'currentDeliveryStreamVersionId', /^[0-9]+$/, '[0-9]+');
    checks.required(destinationId, 'destinationId');
    checks.check();
    if (stream.status !== 'ACTIVE') {
      throw new ServiceError(
        'ResourceInUseException',
        `Firehose ${stream.name} is ${stream.status}; its destination can be updated once it is ACTIVE`,
      );
    }
    if (version !== String(stream.versionId)) {
      throw new ServiceError(
        'ConcurrentModificationException',
        `Cannot update firehose: ${stream.name} since the current version id: ${stream.versionId} and the specified version id: ${version} do not match`,
      );
    }
    if (destinationId !== DESTINATION_ID) {
      throw invalidArgument(
        `Destination ${destinationId} not found in firehose ${stream.name}; its destination is ${DESTINATION_ID}`,
      );
    }
    for (const member of Object.keys(input)) {
      if (
        member.endsWith('DestinationUpdate') &&
        member !== 'S3DestinationUpdate' &&
        member !== 'ExtendedS3DestinationUpdate'
      ) {
        throw invalidArgument(
          `${member} is not supported by this local cloud; use ExtendedS3DestinationUpdate`,
        );
      }
    }
    const extended = optionalObject(input, 'ExtendedS3DestinationUpdate');
    const plain = optionalObject(input, 'S3DestinationUpdate');
    if ((extended ? 1 : 0) + (plain ? 1 : 0) !== 1) {
      throw invalidArgument(
        'Give exactly one destination update: ExtendedS3DestinationUpdate or S3DestinationUpdate',
      );
    }
    const destination = extended
      ? updateDestination(
          stream.destination,
          extended,
          'ExtendedS3DestinationUpdate',
          new Constraints(),
          true,
        )
      : updateDestination(stream.destination, plain ?? {}, 'S3DestinationUpdate', new Constraints(), false);
    const updated: StoredDeliveryStream = {
      ...stream,
      destination,
      versionId: stream.versionId + 1,
      updatedAt: Date.now(),
    };
    await this.store.put(updated);
    this.engine.activate(updated);
    return {};
  }

  async putRecord(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const data = recordData(optionalObject(input, 'Record'), 'record', checks);
    checks.check();
    const [recordId] = await this.accept(stream, [data]);
    return { RecordId: recordId, Encrypted: Boolean(stream.encryption?.KeyType) };
  }

  async putRecordBatch(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const records = structureList(input, 'Records');
    checks.required(records, 'records');
    checks.range(records?.length, 'records', 1, 500);
    const datas = (records ?? []).map((record, i) => recordData(record, `records.${i + 1}.member`, checks));
    checks.check();
    const total = datas.reduce((sum, d) => sum + d.length, 0);
    if (total > MAX_BATCH_BYTES) {
      throw invalidArgument(
        `Records size (${total} bytes) exceeds the 4 MiB limit of PutRecordBatch; send fewer records per call`,
      );
    }
    const ids = await this.accept(stream, datas);
    return {
      FailedPutCount: 0,
      Encrypted: Boolean(stream.encryption?.KeyType),
      RequestResponses: ids.map((id) => ({ RecordId: id })),
    };
  }

  private async accept(stream: StoredDeliveryStream, datas: Buffer[]): Promise<string[]> {
    if (stream.type === 'KinesisStreamAsSource') {
      throw invalidArgument('This operation is not permitted on KinesisStreamAsSource delivery stream type.');
    }
    if (stream.status !== 'ACTIVE') {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Firehose ${stream.name} under account ${LOCAL_ACCOUNT_ID} is ${stream.status}, not ACTIVE; retry once DescribeDeliveryStream shows ACTIVE.`,
      );
    }
    const records = datas.map((data) => ({ recordId: newRecordId(), data }));
    await this.engine.accept(stream, records);
    return records.map((r) => r.recordId);
  }

  async tagDeliveryStream(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const tags = readTags(input, checks, 'tags');
    checks.required(structureList(input, 'Tags'), 'tags');
    checks.range(tags.length, 'tags', 1, MAX_TAGS);
    checks.check();
    const merged = new Map(stream.tags.map((t) => [t.Key ?? '', t]));
    for (const tag of tags) merged.set(tag.Key, tag);
    if (merged.size > MAX_TAGS) {
      throw new ServiceError(
        'LimitExceededException',
        `A delivery stream can have at most ${MAX_TAGS} tags; ${stream.name} would have ${merged.size}`,
      );
    }
    await this.store.put({ ...stream, tags: [...merged.values()] });
    return {};
  }

  async untagDeliveryStream(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const keys = input.TagKeys;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
      checks.required(undefined, 'tagKeys');
      checks.check();
    }
    const remove = new Set(keys as string[]);
    checks.range(remove.size, 'tagKeys', 1, MAX_TAGS);
    checks.check();
    await this.store.put({ ...stream, tags: stream.tags.filter((t) => !remove.has(t.Key ?? '')) });
    return {};
  }

  listTagsForDeliveryStream(region: string, input: Json) {
    const stream = this.existing(region, input);
    const checks = new Constraints();
    const limit = optionalInteger(input, 'Limit');
    checks.range(limit, 'limit', 1, MAX_TAGS);
    const after = optionalString(input, 'ExclusiveStartTagKey');
    checks.check();
    const tags = [...stream.tags].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1));
    const rest = after === undefined ? tags : tags.filter((t) => (t.Key ?? '') > after);
    const page = rest.slice(0, limit ?? MAX_TAGS);
    return { Tags: page, HasMoreTags: rest.length > page.length };
  }
}
