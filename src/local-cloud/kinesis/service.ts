// Kinesis Data Streams: kinesalite (one child process a region, LevelDB in the data dir) behind an edge
// that adds what AWS enforces and kinesalite lacks. Requests are routed by X-Amz-Target to the edge's
// handler for the operation; each region's kinesalite starts on its first request (the local cloud's own
// region at start).
import type { ServerResponse } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import { jsonInput, jsonOperation, sendJsonError } from '../protocol/json.js';
import { emptyDir } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import {
  deregisterStreamConsumer,
  describeStreamConsumer,
  listStreamConsumers,
  registerStreamConsumer,
} from './consumers.js';
import type { Operation } from './operation.js';
import { deleteResourcePolicy, getResourcePolicy, putResourcePolicy } from './policies.js';
import { putRecord, putRecords } from './put-records.js';
import { getRecords, getShardIterator } from './read.js';
import { KinesisRegion, type KinesisSettings } from './region.js';
import {
  addTagsToStream,
  createStream,
  decreaseRetention,
  deleteStream,
  describeAccountSettings,
  describeLimits,
  describeStream,
  describeStreamSummary,
  disableEnhancedMonitoring,
  enableEnhancedMonitoring,
  increaseRetention,
  listShards,
  listStreams,
  listTagsForResource,
  listTagsForStream,
  removeTagsFromStream,
  splitOrMergeShards,
  startStreamEncryption,
  stopStreamEncryption,
  tagResource,
  untagResource,
  updateAccountSettings,
  updateMaxRecordSize,
  updateShardCount,
  updateStreamMode,
  updateStreamWarmThroughput,
} from './streams.js';
import { SUBSCRIPTION_MS, subscribeToShard } from './subscriptions.js';

export const FAILURE_RATE_ENV = 'KINESIS_TUI_KINESIS_FAILURE_RATE';
/** How long a stream stays CREATING, DELETING or UPDATING (AWS: seconds; kept short, still observable). */
const TRANSITION_MS = 500;

const OPERATIONS: Record<string, Operation> = {
  PutRecords: putRecords,
  PutRecord: putRecord,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  ListShards: listShards,
  DescribeStreamSummary: describeStreamSummary,
  DescribeStream: describeStream,
  ListStreams: listStreams,
  CreateStream: createStream,
  DeleteStream: deleteStream,
  SplitShard: (call) => splitOrMergeShards(call, 'SplitShard'),
  MergeShards: (call) => splitOrMergeShards(call, 'MergeShards'),
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  IncreaseStreamRetentionPeriod: increaseRetention,
  DecreaseStreamRetentionPeriod: decreaseRetention,
  AddTagsToStream: addTagsToStream,
  RemoveTagsFromStream: removeTagsFromStream,
  ListTagsForStream: listTagsForStream,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  DescribeLimits: describeLimits,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  RegisterStreamConsumer: registerStreamConsumer,
  DescribeStreamConsumer: describeStreamConsumer,
  ListStreamConsumers: listStreamConsumers,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  SubscribeToShard: subscribeToShard,
  PutResourcePolicy: putResourcePolicy,
  GetResourcePolicy: getResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
  DescribeAccountSettings: describeAccountSettings,
  UpdateAccountSettings: updateAccountSettings,
  UpdateMaxRecordSize: updateMaxRecordSize,
  UpdateStreamWarmThroughput: updateStreamWarmThroughput,
};

/** The fraction of PutRecords entries to fail: the option, else the environment variable, else none. */
export function failureRateOf(option: number, env: string | undefined): number {
  if (option > 0 || env === undefined || env.trim() === '') return option;
  const rate = Number(env);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(
      `${FAILURE_RATE_ENV}=${env} is not a fraction between 0 and 1: set it to, say, 0.05, or unset it`,
    );
  }
  return rate;
}

// Regions name folders in the data dir: anything a region could be called, nothing a path could abuse.
const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function createKinesisService(): Service {
  const regions = new Map<string, Promise<KinesisRegion>>();
  let context: ServiceContext | undefined;
  let settings: KinesisSettings | undefined;

  const regionOf = (name: string): Promise<KinesisRegion> => {
    let region = regions.get(name);
    if (!region) {
      if (!REGION_NAME.test(name)) {
        throw new ServiceError(
          'InvalidSignatureException',
          `"${name}" is not a region name: sign the request for a region such as us-east-1.`,
        );
      }
      const ctx = context as ServiceContext;
      region = KinesisRegion.start(name, ctx.dataDir, settings as KinesisSettings, ctx.log);
      region.catch(() => regions.delete(name));
      regions.set(name, region);
    }
    return region;
  };

  return {
    name: 'kinesis',
    async start(ctx) {
      context = ctx;
      settings = {
        metrics: ctx.metrics,
        enforceLimits: ctx.options.kinesis.enforceLimits,
        failureRate: failureRateOf(ctx.options.kinesis.failureRate, process.env[FAILURE_RATE_ENV]),
        transitionMs: TRANSITION_MS,
        subscriptionMs: ctx.options.kinesis.subscriptionMs ?? SUBSCRIPTION_MS,
      };
      await regionOf(ctx.options.region);
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      if (String(request.headers['content-type'] ?? '').includes('cbor')) {
        throw new ServiceError(
          'SerializationException',
          "The local cloud's Kinesis speaks JSON, not CBOR: turn CBOR off in the client (AWS_CBOR_DISABLE=true for the Java SDK and the KCL).",
        );
      }
      const operation = jsonOperation(request.headers) ?? '';
      const handler = OPERATIONS[operation];
      if (!handler) {
        throw new ServiceError(
          'UnknownOperationException',
          `The local cloud's Kinesis does not provide ${operation || 'that operation'}. It provides: ${Object.keys(OPERATIONS).join(', ')}.`,
        );
      }
      const input = jsonInput(request.body);
      const region = await regionOf(request.region);
      await handler({ region, input, body: request.body, response });
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendJsonError(response, error);
    },
    async stop() {
      const started = await Promise.allSettled(regions.values());
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : Promise.resolve())));
    },
    // Every region's kinesalite ended and its LevelDB and metadata gone; the local cloud's own region
    // starts again at once (others on their first request, as after a start).
    async reset() {
      await this.stop?.();
      regions.clear();
      if (!context) return;
      await emptyDir(context.dataDir);
      await regionOf(context.options.region);
    },
  };
}
