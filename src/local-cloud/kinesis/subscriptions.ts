// SubscribeToShard: records pushed to an enhanced fan-out consumer over one long response in the event
// stream encoding (initial-response, then SubscribeToShardEvent events). As the API reference says: a
// subscription lasts up to 5 minutes; one for the same consumer and shard within 5 seconds of a successful
// one is refused with ResourceInUseException, a later one takes over and the earlier one ends with that
// exception. Reads go to kinesalite directly: a consumer's own 2 MiB/s per shard does not count against
// the shard's shared GetRecords limits.
//
// Served over HTTP/1.1 (chunked), which boto3 and the aws CLI read; the AWS SDK for JavaScript v3 insists
// on HTTP/2 for this operation, which the edge does not speak (DEVELOPERS.md).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { EVENT_STREAM, eventMessage, exceptionMessage } from '../protocol/event-stream.js';
import { CONSUMER_ARN_PATTERN, consumerByArn } from './consumers.js';
import { childShards } from './describe.js';
import { invalidArgument } from './errors.js';
import type { OperationCall } from './operation.js';
import { shardIterator } from './read.js';
import { iteratorPosition, sequenceBefore } from './sequence.js';
import { expectObject, expectString, NULL, SEQUENCE_NUMBER_PATTERN, text, Violations } from './validation.js';

/** "for up to 5 minutes, after which time you need to call SubscribeToShard again". */
export const SUBSCRIPTION_MS = 5 * 60_000;
/** "within 5 seconds of a successful call, you'll get a ResourceInUseException". */
export const TAKEOVER_MS = 5_000;
/** How often an idle subscription looks for records it was not woken for (a write wakes it at once). */
const POLL_MS = 250;
/**
 * An event goes out at least this often even with no records, so a consumer sees MillisBehindLatest and a
 * ContinuationSequenceNumber while the shard is quiet. AWS does not document its cadence.
 */
const HEARTBEAT_MS = 5_000;
const READ_LIMIT = 10_000;

const POSITION_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

interface Active {
  consumerArn: string;
  stream: string;
  startedAt: number;
  /** Ends the subscription, sending `error` in the stream first when given. */
  end(error?: ServiceError): void;
}

/** The subscriptions a region serves now, one per consumer and shard. */
export class Subscriptions {
  private readonly active = new Map<string, Active>();
  private readonly waiting = new Map<string, Set<() => void>>();

  /**
   * Takes the consumer's subscription to the shard: refused within TAKEOVER_MS of the one in force, which
   * a later call replaces (it ends with ResourceInUseException).
   */
  take(key: string, subscription: Active, now: number): void {
    const current = this.active.get(key);
    if (current && now - current.startedAt < TAKEOVER_MS) throw anotherSubscription(subscription.consumerArn);
    this.active.set(key, subscription);
    current?.end(anotherSubscription(current.consumerArn));
  }

  release(key: string, subscription: Active): void {
    if (this.active.get(key) === subscription) this.active.delete(key);
  }

  /** Ends every subscription of a consumer (deregistered) or of a stream (deleted). */
  endWhere(matches: (s: Active) => boolean, error: ServiceError): void {
    for (const subscription of [...this.active.values()]) if (matches(subscription)) subscription.end(error);
  }

  endConsumer(consumerArn: string, error: ServiceError): void {
    this.endWhere((s) => s.consumerArn === consumerArn, error);
  }

  endStream(stream: string, error: ServiceError): void {
    this.endWhere((s) => s.stream === stream, error);
  }

  /** Waits until records are written to the stream, or `ms` pass, whichever is first. */
  async wait(stream: string, ms: number, signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      let waiters = this.waiting.get(stream);
      if (!waiters) {
        waiters = new Set();
        this.waiting.set(stream, waiters);
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters?.delete(done);
        if (waiters?.size === 0) this.waiting.delete(stream);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      waiters.add(done);
    });
  }

  /** Wakes the subscriptions reading a stream (records were just written to it). */
  written(stream: string): void {
    const waiters = this.waiting.get(stream);
    if (waiters) for (const wake of [...waiters]) wake();
  }

  stopAll(): void {
    for (const subscription of [...this.active.values()]) subscription.end();
  }
}

/**
 * The refusal of a second subscription (public captures of AWS's answer begin "Another active subscription
 * exists for this consumer"; what follows the colon is not captured).
 */
function anotherSubscription(consumerArn: string): ServiceError {
  return new ServiceError(
    'ResourceInUseException',
    `Another active subscription exists for this consumer: ${consumerArn}`,
  );
}

interface StartingPosition {
  type: string;
  sequenceNumber?: string;
  timestamp?: number;
}

function subscribeInput(input: Record<string, unknown>) {
  const violations = new Violations();
  const consumerArn = expectString(input.ConsumerARN);
  const shardId = expectString(input.ShardId);
  violations.string(consumerArn, 'consumerARN', {
    required: true,
    min: 1,
    max: 2048,
    pattern: CONSUMER_ARN_PATTERN,
  });
  violations.string(shardId, 'shardId', { required: true, min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' });
  const position = expectObject(input.StartingPosition);
  if (position === undefined) violations.add(NULL, 'startingPosition', 'Member must not be null');
  const type = expectString(position?.Type);
  if (position && type === undefined)
    violations.add(NULL, 'startingPosition.type', 'Member must not be null');
  if (type !== undefined && !POSITION_TYPES.includes(type)) {
    violations.add(
      text(type),
      'startingPosition.type',
      `Member must satisfy enum value set: [${POSITION_TYPES.join(', ')}]`,
    );
  }
  const sequenceNumber = expectString(position?.SequenceNumber);
  violations.string(sequenceNumber, 'startingPosition.sequenceNumber', { pattern: SEQUENCE_NUMBER_PATTERN });
  violations.throwIfAny();
  const timestamp = typeof position?.Timestamp === 'number' ? position.Timestamp : undefined;
  const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequence && sequenceNumber === undefined) {
    throw invalidArgument(`StartingPosition of type ${type} needs a SequenceNumber.`);
  }
  if (type === 'AT_TIMESTAMP' && timestamp === undefined) {
    throw invalidArgument('StartingPosition of type AT_TIMESTAMP needs a Timestamp.');
  }
  return {
    consumerArn: consumerArn as string,
    shardId: shardId as string,
    position: {
      type: type as string,
      ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    } satisfies StartingPosition,
  };
}

interface BackendRecords {
  Records: Array<{ SequenceNumber: string } & Record<string, unknown>>;
  NextShardIterator?: string;
  MillisBehindLatest?: number;
}

function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    response.once('drain', done);
    signal.addEventListener('abort', done);
  });
}

export async function subscribeToShard(call: OperationCall): Promise<void> {
  const { region } = call;
  const { consumerArn, shardId, position } = subscribeInput(call.input);
  const consumer = await consumerByArn(region, consumerArn);
  if (consumer.status !== 'ACTIVE') {
    // As a public capture of AWS's answer words it.
    throw new ServiceError(
      'ResourceInUseException',
      `Consumer ${consumer.name} with creation timestamp ${Math.floor(consumer.consumer.createdAt / 1000)} under stream: ${consumer.stream} , account ${LOCAL_ACCOUNT_ID} is not in ACTIVE status.`,
    );
  }
  let iterator = await shardIterator(region, consumer.stream, shardId, position.type, {
    ...(position.sequenceNumber !== undefined ? { StartingSequenceNumber: position.sequenceNumber } : {}),
    ...(position.timestamp !== undefined ? { Timestamp: position.timestamp } : {}),
  });
  const key = `${consumerArn}\n${shardId}`;
  const abort = new AbortController();
  const response = call.response;
  let pendingError: ServiceError | undefined;
  const subscription: Active = {
    consumerArn,
    stream: consumer.stream,
    startedAt: Date.now(),
    end(error) {
      pendingError ??= error;
      abort.abort();
    },
  };
  region.subscriptions.take(key, subscription, subscription.startedAt);
  const expiry = setTimeout(() => abort.abort(), region.settings.subscriptionMs);
  response.once('close', () => abort.abort());
  try {
    response.writeHead(200, { 'Content-Type': EVENT_STREAM, 'x-amzn-RequestId': randomUUID() });
    response.write(eventMessage('initial-response', {}));
    // Before the first record, the position just before where reading starts: AFTER_SEQUENCE_NUMBER with
    // it resumes exactly there.
    const start = iteratorPosition(iterator)?.sequence;
    let continuation = start === undefined ? undefined : sequenceBefore(start);
    let lastSent = Date.now();
    while (!abort.signal.aborted) {
      let page: BackendRecords;
      try {
        page = await region.call<BackendRecords>('GetRecords', {
          ShardIterator: iterator,
          Limit: READ_LIMIT,
        });
      } catch (error) {
        pendingError ??=
          error instanceof ServiceError
            ? error
            : new ServiceError('InternalFailureException', 'Internal service failure.', 500);
        break;
      }
      if (abort.signal.aborted) break;
      const encrypted = region.metaOf(consumer.stream)?.encryption !== undefined;
      if (encrypted) for (const record of page.Records) record.EncryptionType = 'KMS';
      const last = page.Records.at(-1);
      if (last) continuation = last.SequenceNumber;
      const ended = page.NextShardIterator === undefined;
      if (page.Records.length > 0 || ended || Date.now() - lastSent >= HEARTBEAT_MS) {
        const event = {
          Records: page.Records,
          // At the end of a closed shard there is nothing to continue from: its children come instead.
          ...(ended || continuation === undefined ? {} : { ContinuationSequenceNumber: continuation }),
          MillisBehindLatest: page.MillisBehindLatest ?? 0,
          ...(ended
            ? { ChildShards: childShards((await region.describe(consumer.stream)).Shards, shardId) }
            : {}),
        };
        // A consumer reading slower than the shard fills holds the next read back (not an unbounded buffer).
        if (!response.write(eventMessage('SubscribeToShardEvent', event)))
          await drained(response, abort.signal);
        lastSent = Date.now();
      }
      if (ended) break;
      iterator = page.NextShardIterator as string;
      if (page.Records.length === 0) await region.subscriptions.wait(consumer.stream, POLL_MS, abort.signal);
    }
    if (pendingError && !response.destroyed) {
      response.write(exceptionMessage(pendingError.code, pendingError.message));
    }
  } finally {
    clearTimeout(expiry);
    region.subscriptions.release(key, subscription);
    if (!response.destroyed) response.end();
  }
}
