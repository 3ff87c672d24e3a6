// One delivery stream's delivery: a single loop that reads the source (Kinesis shards, or the DirectPut
// spool), buffers for the Lambda processor, transforms, buffers for S3 and writes objects, then moves the
// checkpoints over what is now durable. Every call goes through the SDK to the local cloud's own services,
// as Firehose calls Kinesis, Lambda, S3 and CloudWatch Logs. The decisions are the pure modules beside it.
import { gzipSync } from 'node:zlib';
import { PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Clients } from '../../config/clients.js';
import type { MetricPublisher } from '../cloudwatch/metrics.js';
import { roleSession } from '../iam/policy-evaluation.js';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { JsonState } from '../state.js';
import { RecordBuffer } from './buffer.js';
import { CheckpointTracker, type Tracked } from './checkpoints.js';
import { deaggregate } from './deaggregate.js';
import { KinesisSource, type ShardCheckpoint } from './kinesis-source.js';
import { DeliveryMetrics } from './metrics.js';
import { streamName } from './model.js';
import { FIREHOSE_SESSION, type RolePermissions } from './permissions.js';
import { type DeliveryPlan, deliveryPlan, type LambdaProcessor } from './plan.js';
import { evaluatePrefix, objectName, zonedTime } from './prefix.js';
import type { DirectPutSpool } from './spool.js';
import type { StoredDeliveryStream } from './store.js';
import {
  type BatchFailure,
  errorOutputBody,
  type InvocationOutcome,
  interpretInvocation,
  PROCESSING_FAILED_STATUS,
  type ProcessingFailedLine,
  processingFailedLine,
  retryDelayMs,
  type SourceRecord,
  splitIntoEvents,
} from './transformation.js';

export const DIRECT_PUT_SOURCE = 'direct-put';

/** What the worker persists: each source's settled position. */
export interface CheckpointState {
  shards: Record<string, ShardCheckpoint>;
  /** DirectPut: index of the last spooled record settled. */
  directPut: number;
}

export interface WorkerContext {
  /** Clients for the stream's region, each call made once (the worker does its own retrying). */
  clients: Clients;
  checkpointPath: string;
  spool?: DirectPutSpool;
  pollMs: number;
  /** CloudWatch's store, for the stream's AWS/Firehose metrics. */
  metrics: MetricPublisher;
  /** What the stream's role allows (undefined: nothing is checked). */
  permissions?: Pick<RolePermissions, 'allows'>;
  log(message: string): void;
}

interface Item {
  record: SourceRecord;
  tracked: Tracked;
  size: number;
}

interface Transformed {
  data: Buffer;
  arrival: number;
  tracked: Tracked;
  size: number;
}

const TICK_MS = 200;
/** How often the age of the oldest record held is published (DeliveryToS3.DataFreshness). */
const FRESHNESS_MS = 1_000;
const S3_RETRY_BASE_MS = 500;
const S3_RETRY_CAP_MS = 10_000;
/** Longer than Lambda's own 15-minute maximum: a hung invocation is abandoned, then retried. */
const INVOKE_TIMEOUT_MS = 16 * 60_000;

/** The oldest arrival time (a loop: an object can hold more records than a spread call takes arguments). */
function earliest(times: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const time of times) if (time < min) min = time;
  return min;
}

/**
 * An S3 delivery failure as Firehose writes it to the delivery stream's error log ("Monitoring Firehose
 * using CloudWatch Logs", Amazon S3 data delivery errors: its codes and messages).
 */
export function s3Failure(name: string): { errorCode: string; errorMessage: string } {
  switch (name) {
    case 'NoSuchBucket':
      return {
        errorCode: 'S3.NoSuchBucket',
        errorMessage:
          'The specified bucket does not exist. Create the bucket or use a different bucket that does exist.',
      };
    case 'AccessDenied':
      return {
        errorCode: 'S3.AccessDenied',
        errorMessage:
          'Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket.',
      };
    case 'MethodNotAllowed':
      return {
        errorCode: 'S3.MethodNotAllowed',
        errorMessage:
          "The specified method is not allowed against this resource. Modify the bucket's policy to allow the correct Amazon S3 operation permissions.",
      };
    default:
      return {
        errorCode: 'InternalError',
        errorMessage:
          'An internal error occurred while attempting to deliver data. Delivery will be retried; if the error persists, then it will be reported to AWS for resolution.',
      };
  }
}

/** How AWS words a refusal to an assumed role (the caller is Firehose's session of the role). */
function notAuthorized(role: string, action: string, resource: string): string {
  return (
    `User: ${roleSession(role, FIREHOSE_SESSION).arn} is not authorized to perform: ` +
    `${action} on resource: ${resource} because no identity-based policy allows the ${action} action`
  );
}

export class DeliveryWorker {
  private plan: DeliveryPlan;
  private readonly tracker = new CheckpointTracker();
  private readonly checkpoints: JsonState<CheckpointState>;
  private readonly processorBuffer = new RecordBuffer<Item>();
  private readonly destinationBuffer = new RecordBuffer<Transformed>();
  private readonly source?: KinesisSource;
  private readonly abort = new AbortController();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private recordCounter = 0;
  private readonly metrics: DeliveryMetrics;
  private freshnessTimer: NodeJS.Timeout | undefined;
  /** Arrival of the oldest record taken out of a buffer and not yet settled (being transformed or written). */
  private inFlightSince: number | undefined;

  constructor(
    private stream: StoredDeliveryStream,
    private readonly context: WorkerContext,
  ) {
    this.plan = deliveryPlan(stream);
    this.checkpoints = new JsonState<CheckpointState>(context.checkpointPath, { shards: {}, directPut: 0 });
    this.metrics = new DeliveryMetrics(context.metrics, stream.name);
    if (stream.source) {
      this.source = new KinesisSource(
        context.clients.kinesis,
        streamName(stream.source.KinesisStreamARN),
        stream.source.DeliveryStartTimestamp,
        context.pollMs,
        context.log,
      );
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.freshnessTimer = setInterval(() => this.metrics.freshness(this.oldestHeldSeconds()), FRESHNESS_MS);
    this.freshnessTimer.unref();
    this.loop = this.run().catch((error: Error) => {
      this.context.log(`firehose ${this.stream.name}: delivery stopped: ${error.stack ?? error.message}`);
    });
  }

  /** A new configuration (UpdateDestination): used from the next flush on. */
  reconfigure(stream: StoredDeliveryStream): void {
    this.stream = stream;
    this.plan = deliveryPlan(stream);
    this.wake?.();
  }

  /** DirectPut records arrived in the spool. */
  notify(): void {
    this.wake?.();
  }

  /** Seconds since the oldest record Firehose still holds arrived (0 when it holds none). */
  private oldestHeldSeconds(): number {
    const arrivals = [
      this.inFlightSince,
      this.processorBuffer.peek()?.record.arrival,
      this.destinationBuffer.peek()?.arrival,
    ].filter((t): t is number => t !== undefined);
    return arrivals.length === 0 ? 0 : Math.max(0, (Date.now() - Math.min(...arrivals)) / 1000);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.freshnessTimer) clearInterval(this.freshnessTimer);
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.read();
        await this.transform();
        await this.deliver();
      } catch (error) {
        if (!this.running) break;
        this.context.log(`firehose ${this.stream.name}: ${(error as Error).stack ?? error}`);
      }
      if (this.running) await this.sleep(TICK_MS);
    }
  }

  private nextRecordId(base: string): string {
    this.recordCounter += 1;
    return `${base}${String(this.recordCounter % 1_000_000).padStart(6, '0')}`;
  }

  private async read(): Promise<void> {
    const lambda = this.plan.lambda;
    // Reading more while a full flush waits would only grow memory; the source keeps what is not read.
    if (lambda ? this.processorBuffer.full(lambda.buffer) : this.destinationBuffer.full(this.plan.buffer))
      return;
    const now = Date.now();
    const items: Item[] = [];
    if (this.source) {
      const reads = await this.source.poll(now, this.checkpoints.get().shards, this.abort.signal);
      for (const { shardId, records } of reads) {
        for (const record of records) {
          const sequenceNumber = record.SequenceNumber ?? '';
          const partitionKey = record.PartitionKey ?? '';
          const arrival = record.ApproximateArrivalTimestamp?.getTime() ?? now;
          const parts = deaggregate({
            data: Buffer.from(record.Data ?? new Uint8Array()),
            partitionKey,
            sequenceNumber,
          });
          const tracked = this.tracker.track(shardId, sequenceNumber, parts.length);
          for (const part of parts) {
            items.push({
              record: {
                recordId: this.nextRecordId(sequenceNumber),
                data: part.data,
                arrival,
                kinesis: {
                  shardId,
                  partitionKey: part.partitionKey,
                  approximateArrivalTimestamp: arrival,
                  sequenceNumber,
                  subsequenceNumber: part.subsequenceNumber,
                },
              },
              tracked,
              size: part.data.length,
            });
          }
        }
      }
    } else if (this.context.spool) {
      for (const spooled of this.context.spool.take()) {
        items.push({
          record: { recordId: spooled.recordId, data: spooled.data, arrival: spooled.arrival },
          tracked: this.tracker.track(DIRECT_PUT_SOURCE, String(spooled.index), 1),
          size: spooled.data.length,
        });
      }
    }
    if (items.length === 0) {
      await this.checkpoint();
      return;
    }
    // DirectPut records were counted in as they were put.
    if (this.source)
      this.metrics.incoming(
        items.length,
        items.reduce((sum, item) => sum + item.size, 0),
        'kinesis',
      );
    if (lambda) this.processorBuffer.add(items, now);
    else
      this.destinationBuffer.add(
        items.map((item) => this.toDestination(item, item.record.data)),
        now,
      );
  }

  private toDestination(item: Item, data: Buffer): Transformed {
    const bytes = this.plan.delimiter ? Buffer.concat([data, this.plan.delimiter]) : data;
    return { data: bytes, arrival: item.record.arrival, tracked: item.tracked, size: bytes.length };
  }

  /** Runs the due processor batches through the Lambda. */
  private async transform(): Promise<void> {
    let lambda = this.plan.lambda;
    if (!lambda) {
      // Processing was turned off by an update: what waited for the Lambda goes straight on.
      const waiting = this.processorBuffer.drain();
      this.destinationBuffer.add(
        waiting.map((item) => this.toDestination(item, item.record.data)),
        Date.now(),
      );
      return;
    }
    while (this.running && this.processorBuffer.due(lambda.buffer, Date.now())) {
      const batch = this.processorBuffer.take(lambda.buffer);
      this.inFlightSince = earliest(batch.map((item) => item.record.arrival));
      const failed: Array<{ item: Item; line: ProcessingFailedLine }> = [];
      const byId = new Map(batch.map((item) => [item.record.recordId, item]));
      const events = splitIntoEvents(
        batch.map((item) => item.record),
        {
          deliveryStreamArn: this.stream.arn,
          ...(this.stream.source ? { sourceKinesisStreamArn: this.stream.source.KinesisStreamARN } : {}),
          region: this.stream.region,
        },
      );
      for (const { event, records } of events) {
        const { result, attempts } = await this.invoke(lambda, event, records);
        if (!this.running) return;
        const ended = Date.now();
        if (!result.ok) {
          for (const record of records) {
            const item = byId.get(record.recordId);
            if (item)
              failed.push({
                item,
                line: processingFailedLine(record, result.failure, attempts, ended, lambda.arn),
              });
          }
          continue;
        }
        const delivered: Transformed[] = [];
        let processedBytes = 0;
        let processedRecords = 0;
        for (const outcome of result.results) {
          const item = byId.get(outcome.record.recordId);
          if (!item) continue;
          if (outcome.result !== 'ProcessingFailed') processedRecords++;
          if (outcome.result === 'Ok') {
            delivered.push(this.toDestination(item, outcome.data));
            processedBytes += outcome.data.length;
          } else if (outcome.result === 'Dropped') this.tracker.settle(item.tracked);
          else
            failed.push({
              item,
              line: processingFailedLine(item.record, PROCESSING_FAILED_STATUS, attempts, ended, lambda.arn),
            });
        }
        this.metrics.processed(processedRecords, processedBytes);
        this.destinationBuffer.add(delivered, Date.now());
      }
      if (failed.length > 0) {
        await this.writeErrorOutput(failed);
        if (!this.running) return;
      }
      this.inFlightSince = undefined;
      await this.checkpoint();
      lambda = this.plan.lambda;
      if (!lambda) return;
    }
  }

  /** Invokes the processor, retrying invocation errors NumberOfRetries times with backoff. */
  private async invoke(
    { arn, role, retries }: Pick<LambdaProcessor, 'arn' | 'role' | 'retries'>,
    event: unknown,
    records: SourceRecord[],
  ): Promise<{ result: ReturnType<typeof interpretInvocation<SourceRecord>>; attempts: number }> {
    const payload = Buffer.from(JSON.stringify(event), 'utf8');
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let outcome: InvocationOutcome;
      const started = performance.now();
      try {
        if ((await this.may(role, 'lambda:InvokeFunction', arn)) === false) {
          throw Object.assign(new Error(notAuthorized(role, 'lambda:InvokeFunction', arn)), {
            name: 'AccessDeniedException',
          });
        }
        const response = await this.context.clients.lambda.send(
          new InvokeCommand({ FunctionName: arn, InvocationType: 'RequestResponse', Payload: payload }),
          { abortSignal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(INVOKE_TIMEOUT_MS)]) },
        );
        outcome = {
          kind: 'response',
          ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
          payload: Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8'),
        };
      } catch (error) {
        if (!this.running)
          return {
            result: { ok: false, failure: { errorCode: 'Stopped', errorMessage: '', retryable: false } },
            attempts,
          };
        outcome = { kind: 'error', name: (error as Error).name, message: (error as Error).message };
      }
      const result = interpretInvocation(records, outcome);
      this.metrics.invocation(performance.now() - started, result.ok);
      if (result.ok) return { result, attempts };
      await this.logError(result.failure, arn);
      if (!result.failure.retryable || attempts > retries || !this.running) return { result, attempts };
      await this.sleep(retryDelayMs(attempts));
    }
  }

  private objectKey(
    segments: DeliveryPlan['keys']['data'],
    oldest: number,
    errorOutputType?: string,
  ): string {
    const time = zonedTime(oldest, this.plan.timeZone);
    const prefix = evaluatePrefix(segments, { time, ...(errorOutputType ? { errorOutputType } : {}) });
    return `${prefix}${objectName(this.plan.deliveryStreamName, this.plan.versionId, time, this.plan.extension)}`;
  }

  private async writeErrorOutput(failed: Array<{ item: Item; line: ProcessingFailedLine }>): Promise<void> {
    const oldest = earliest(failed.map((f) => f.item.record.arrival));
    const key = this.objectKey(this.plan.keys.error, oldest, 'processing-failed');
    const written = await this.putObject(key, errorOutputBody(failed.map((f) => f.line)));
    if (!written) return;
    for (const { item } of failed) this.tracker.settle(item.tracked);
  }

  /** Writes the due objects. */
  private async deliver(): Promise<void> {
    while (this.running && this.destinationBuffer.due(this.plan.buffer, Date.now())) {
      const records = this.destinationBuffer.take(this.plan.buffer);
      const oldest = earliest(records.map((r) => r.arrival));
      this.inFlightSince = Math.min(oldest, this.inFlightSince ?? oldest);
      const key = this.objectKey(this.plan.keys.data, oldest);
      const body = Buffer.concat(records.map((r) => r.data));
      const written = await this.putObject(key, body, records.length);
      this.inFlightSince = undefined;
      if (!written) return;
      for (const record of records) this.tracker.settle(record.tracked);
      await this.checkpoint();
    }
  }

  /**
   * Writes one object, retrying for as long as the worker runs (AWS retries S3 delivery for up to a day).
   * The key is fixed before the first attempt, so a retry after a lost response rewrites the same object
   * instead of adding a duplicate. False when the worker stopped first.
   */
  private async putObject(key: string, body: Buffer, delivering?: number): Promise<boolean> {
    const payload = this.plan.compression === 'GZIP' ? gzipSync(body) : body;
    for (let attempt = 1; this.running; attempt += 1) {
      try {
        const resource = `arn:aws:s3:::${this.plan.bucket}/${key}`;
        if ((await this.may(this.plan.role, 's3:PutObject', resource)) === false) {
          throw Object.assign(new Error(notAuthorized(this.plan.role, 's3:PutObject', resource)), {
            name: 'AccessDenied',
          });
        }
        await this.context.clients.s3.send(
          new PutObjectCommand({ Bucket: this.plan.bucket, Key: key, Body: payload }),
          { abortSignal: this.abort.signal },
        );
        if (delivering !== undefined) this.metrics.delivery(delivering, payload.length, true);
        return true;
      } catch (error) {
        if (!this.running) return false;
        if (delivering !== undefined) this.metrics.delivery(0, 0, false);
        const name = (error as Error).name;
        this.context.log(
          `firehose ${this.stream.name}: writing s3://${this.plan.bucket}/${key} failed (${name}); retrying`,
        );
        await this.logError(s3Failure(name));
        await this.sleep(Math.min(S3_RETRY_CAP_MS, S3_RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 10)));
      }
    }
    return false;
  }

  /** A delivery error to the configured CloudWatch log stream, as Firehose reports them. */
  private async logError(
    failure: Pick<BatchFailure, 'errorCode' | 'errorMessage'>,
    processor?: string,
  ): Promise<void> {
    const logging = this.plan.logging;
    if (!logging) return;
    // Without logs:PutLogEvents Firehose's error log stays empty, as on AWS.
    const stream = `arn:aws:logs:${this.stream.region}:${LOCAL_ACCOUNT_ID}:log-group:${logging.group}:log-stream:${logging.stream}`;
    if ((await this.may(this.plan.role, 'logs:PutLogEvents', stream)) === false) {
      this.context.log(
        `firehose ${this.stream.name}: not logging ${failure.errorCode}: the role may not logs:PutLogEvents`,
      );
      return;
    }
    const message = JSON.stringify({
      deliveryStreamARN: this.stream.arn,
      destination: `arn:aws:s3:::${this.plan.bucket}`,
      deliveryStreamVersionId: this.stream.versionId,
      message: failure.errorMessage,
      errorCode: failure.errorCode,
      ...(processor ? { processor } : {}),
    });
    try {
      await this.context.clients.logs.send(
        new PutLogEventsCommand({
          logGroupName: logging.group,
          logStreamName: logging.stream,
          logEvents: [{ timestamp: Date.now(), message }],
        }),
        { abortSignal: this.abort.signal },
      );
    } catch (error) {
      this.context.log(
        `firehose ${this.stream.name}: could not log to ${logging.group}/${logging.stream}: ${(error as Error).message}`,
      );
    }
  }

  /** Whether the role allows it; undefined when nothing is checked (or IAM could not be asked). */
  private async may(role: string, action: string, resource: string): Promise<boolean | undefined> {
    try {
      return await this.context.permissions?.allows(role, action, resource);
    } catch (error) {
      this.context.log(
        `firehose ${this.stream.name}: could not read the role ${role}: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /** Moves and persists the checkpoints over what is settled; a closed shard settled to its end is finished. */
  private async checkpoint(): Promise<void> {
    const moved = this.tracker.advance();
    const ended = this.source?.endedShards() ?? new Set<string>();
    const state = this.checkpoints.get();
    const finished = [...ended].filter(
      (id) => state.shards[id]?.finished !== true && this.tracker.outstanding(id) === 0,
    );
    if (moved.size === 0 && finished.length === 0) return;
    const shards = { ...state.shards };
    let directPut = state.directPut;
    for (const [source, position] of moved) {
      if (source === DIRECT_PUT_SOURCE) directPut = Number(position);
      else shards[source] = { ...shards[source], after: position };
    }
    for (const id of finished) shards[id] = { ...shards[id], finished: true };
    await this.checkpoints.set({ shards, directPut });
    if (moved.has(DIRECT_PUT_SOURCE)) await this.context.spool?.compact(directPut);
  }
}
