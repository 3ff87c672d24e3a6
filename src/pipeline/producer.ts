// The producer: events from an EventSource into a Kinesis stream through PutRecords, paced by a token
// bucket, several calls in flight, failed entries (and only those) retried with backoff and jitter for as
// long as each event's time budget lasts (the KPL's RecordTtl), every acknowledged event journaled, and
// every event that cannot be sent reported and counted.
//
// It never prints. A UI polls `stats()` on its own timer (cheap: a snapshot of counters) and subscribes to
// `subscribe()` for what happened, delivered once per PutRecords answer rather than once per event.
import { setMaxListeners } from 'node:events';
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { Category, ShopEvent } from '../../lambda/records.js';
import { Aggregate, DEFAULT_AGGREGATE_BYTES, spreadHashKey } from './aggregation.js';
import { fitInCall, MAX_RECORD_BYTES, recordSize } from './batches.js';
import type { EventSource, OutgoingEvent } from './events.js';
import type { JournalAckInput, JournalFailure, JournalWriter } from './journal.js';
import {
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  RateMeter,
  ShardRateLimit,
  TokenBucket,
} from './pacing.js';

/** The one call the producer makes; a KinesisClient fits (built with maxAttempts 1: we retry ourselves). */
export interface PutRecordsClient {
  send(command: PutRecordsCommand, options?: { abortSignal?: AbortSignal }): Promise<PutRecordsCommandOutput>;
}

export interface ProducerOptions {
  kinesis: PutRecordsClient;
  /** The stream, by name or ARN. */
  stream: { name?: string; arn?: string };
  source: EventSource;
  /** Events a second; Infinity sends as fast as the stream takes them. */
  rate: number;
  /** Stop after this many events (malformed ones included). */
  count?: number;
  /** Stop taking new events after this long, ms. */
  durationMs?: number;
  journal?: JournalWriter;
  /** PutRecords calls in flight at once (default 8). */
  maxInFlight?: number;
  /**
   * How long an event may take to be acknowledged, ms from when it was queued, retries included (default
   * 30,000, the KPL's RecordTtl). An event still failing once its time is up is given up and reported.
   * A time, not a count of attempts: under throttling the adaptive rate holds retries back, and a count
   * ran out while the shards were still catching up.
   */
  recordTtlMs?: number;
  backoff?: BackoffPolicy;
  /** How long a part-filled call may wait for more events while others are in flight, ms (default 20). */
  lingerMs?: number;
  /** Aborting stops at once: calls in flight are cancelled and their events left unconfirmed. */
  signal?: AbortSignal;
  /**
   * KPL aggregation: events packed into aggregated records of up to `aggregate.maxBytes` (default 51,200,
   * the KPL's), so a shard's 1,000 records a second carry several times as many events within its 1 MiB.
   * Consumers must de-aggregate (Firehose, the KCL and Lambda's Kinesis trigger do).
   */
  aggregate?: boolean | { maxBytes?: number };
  now?: () => number;
  random?: () => number;
}

export type ProducerState = 'idle' | 'running' | 'paused' | 'draining' | 'done';

export interface ProducerStats {
  state: ProducerState;
  /** Events taken from the source and queued to send (each counted once, however often retried). */
  sent: number;
  acknowledged: number;
  /** Entry retries (one event retried three times counts three). */
  retried: number;
  /** Entries refused with ProvisionedThroughputExceededException (or a throttled call). */
  throttled: number;
  /** Events given up when their time budget (the record TTL) ran out, or refused for good. */
  failed: number;
  /** Events still waiting: queued, in a call, or waiting to retry. */
  outstanding: number;
  callsInFlight: number;
  /** Acknowledged events a second over the last two seconds. */
  rate: number;
  /** The pacing target, events a second. */
  targetRate: number;
  /**
   * Events a second the stream's shards take, learned from throttling, when that is below the target:
   * the producer paces to it instead of piling up retries.
   */
  shardLimitedRate?: number;
  /** Events per Kinesis record: 1, or more with aggregation. */
  eventsPerRecord: number;
  elapsedMs: number;
  /** Set when the stream refused for good (it does not exist, access denied): the producer stopped. */
  error?: string;
}

export interface AcknowledgedEvent {
  eventId: string;
  /** A built-in event (undefined for a template's event and a deliberately malformed record). */
  event?: ShopEvent;
  /** A template's event, parsed. */
  fields?: Readonly<Record<string, unknown>>;
  category: Category;
  malformed: boolean;
  shardId: string;
  sequenceNumber: string;
  acknowledgedAt: number;
}

export interface FailedEvent {
  eventId: string;
  event?: ShopEvent;
  fields?: Readonly<Record<string, unknown>>;
  reason: string;
  attempts: number;
}

export type ProducerUpdate =
  | { type: 'acknowledged'; events: AcknowledgedEvent[] }
  | { type: 'retrying'; count: number; throttled: number; reason: string }
  | { type: 'failed'; events: FailedEvent[] }
  | { type: 'error'; message: string };

export interface ProducerSummary extends ProducerStats {
  /** Why it stopped. */
  stoppedBy: 'count' | 'duration' | 'stop' | 'abort' | 'error';
  /** Events still unconfirmed when it stopped (only after an abort). */
  unconfirmed: number;
}

/** One event as the producer tracks it to its acknowledgement. */
interface Member {
  eventId: string;
  event?: ShopEvent;
  fields?: Readonly<Record<string, unknown>>;
  /** The event as sent (its JSON text), journaled with its acknowledgement for content reconciliation. */
  json?: string;
  category: Category;
  malformed: boolean;
}

/** The time budget of an event when none is given: the KPL's RecordTtl default. */
export const DEFAULT_RECORD_TTL_MS = 30_000;

/** One Kinesis record: an event, or a KPL aggregate of several. */
interface Entry {
  members: Member[];
  data: Uint8Array;
  partitionKey: string;
  explicitHashKey?: string;
  size: number;
  attempts: number;
  readyAt: number;
  /** When its (oldest) event was queued: its time budget runs from here. */
  queuedAt: number;
  lastError?: string;
}

/** A FIFO that does not shift arrays: the producer queues thousands of entries a second. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  view(): { items: readonly T[]; start: number } {
    return { items: this.items, start: this.head };
  }

  take(count: number): T[] {
    const taken = this.items.slice(this.head, this.head + count);
    this.head += taken.length;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  drain(): T[] {
    return this.take(this.length);
  }
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
]);
// Refusals no retry can fix: stop and say so rather than burn the retry budget on every event.
const FATAL = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ValidationException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'InvalidArgumentException',
]);

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

function errorText(error: unknown): string {
  const message = (error as { message?: string }).message;
  const code = (error as { code?: string }).code;
  return [errorName(error), message, code && !message?.includes(code) ? code : undefined]
    .filter(Boolean)
    .join(': ');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A malformed record for watching processing-failed/ fill: not JSON, but carrying its id so verify can match it. */
export function malformedPayload(eventId: string): string {
  return `malformed record ${eventId} (not JSON, sent on purpose)`;
}

export class Producer {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly bucket: TokenBucket;
  private readonly meter: RateMeter;
  /** Acknowledged and offered events over the last second: what throttling compares. */
  private readonly accepted: RateMeter;
  private readonly offered: RateMeter;
  private readonly shardLimit: ShardRateLimit;
  private target: number;
  private readonly aggregateBytes: number | undefined;
  private open: Aggregate<Member> | undefined;
  private aggregates = 0;
  private readonly queue = new Fifo<Entry>();
  private retries: Entry[] = [];
  private readonly listeners = new Set<(update: ProducerUpdate) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private readonly recordTtlMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly lingerMs: number;
  private readonly callAbort = new AbortController();
  private concurrency: number;
  private state: ProducerState = 'idle';
  private stopping: ProducerSummary['stoppedBy'] | undefined;
  private error: string | undefined;
  private startedAt = 0;
  private extra = 0;
  private generated = 0;
  private counts = {
    sent: 0,
    acknowledged: 0,
    retried: 0,
    throttled: 0,
    failed: 0,
    /** Events in calls in flight. */
    inCalls: 0,
    records: 0,
    recordEvents: 0,
  };
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ProducerSummary> | undefined;

  constructor(private readonly options: ProducerOptions) {
    if (!options.stream.name && !options.stream.arn) throw new RangeError('the producer needs a stream');
    if (!(options.rate > 0)) throw new RangeError('the rate is a number of events a second above 0');
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.target = options.rate;
    this.bucket = new TokenBucket(options.rate, this.now);
    this.meter = new RateMeter(this.now);
    this.accepted = new RateMeter(this.now, 1_000, 10);
    this.offered = new RateMeter(this.now, 1_000, 10);
    this.shardLimit = new ShardRateLimit(this.now);
    this.pace();
    this.aggregateBytes = options.aggregate
      ? ((typeof options.aggregate === 'object' ? options.aggregate.maxBytes : undefined) ??
        DEFAULT_AGGREGATE_BYTES)
      : undefined;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.concurrency = this.maxInFlight;
    this.recordTtlMs = options.recordTtlMs ?? DEFAULT_RECORD_TTL_MS;
    if (!(this.recordTtlMs > 0)) throw new RangeError('the record TTL is a time above 0');
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.lingerMs = options.lingerMs ?? 20;
    // Every call in flight listens on this one signal; Node would warn (on the user's screen) past 10.
    setMaxListeners(0, this.callAbort.signal);
    if (options.signal?.aborted) this.stopping = 'abort';
    options.signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  /** What happened since the last update: acknowledgements, retries, failures. Returns an unsubscribe. */
  subscribe(listener: (update: ProducerUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): ProducerStats {
    const outstanding = this.counts.sent - this.counts.acknowledged - this.counts.failed;
    const limit = this.shardLimit.learned;
    return {
      state: this.state,
      sent: this.counts.sent,
      acknowledged: this.counts.acknowledged,
      retried: this.counts.retried,
      throttled: this.counts.throttled,
      failed: this.counts.failed,
      outstanding,
      callsInFlight: this.inFlight.size,
      rate: this.startedAt ? this.meter.perSecond(this.startedAt) : 0,
      targetRate: this.target,
      ...(limit !== undefined && limit < this.target ? { shardLimitedRate: limit } : {}),
      eventsPerRecord: this.counts.records ? this.counts.recordEvents / this.counts.records : 1,
      elapsedMs: this.startedAt ? this.now() - this.startedAt : 0,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Starts sending; resolves when it has stopped and nothing is in flight. Call once. */
  run(): Promise<ProducerSummary> {
    this.running ??= this.loop();
    return this.running;
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
    this.poke();
  }

  resume(): void {
    if (this.state === 'paused') {
      this.bucket.reset();
      this.state = 'running';
    }
    this.poke();
  }

  setRate(rate: number): void {
    if (!(rate > 0)) throw new RangeError('the rate is a number of events a second above 0');
    this.target = rate;
    this.pace();
    this.poke();
  }

  /** The bucket runs at the target, or at what the shards take when that is lower. */
  private pace(): void {
    const rate = Math.min(this.target, this.shardLimit.perSecond);
    if (rate !== this.bucket.perSecond) this.bucket.setRate(rate);
  }

  /** Sends `count` more events at once, outside the pacing (and beyond --count). */
  burst(count: number): void {
    if (this.stopping) return;
    for (let i = 0; i < count; i++) this.enqueue(this.options.source.make());
    this.extra += count;
    this.poke();
  }

  /**
   * Sends one record that is not JSON, so it ends up in processing-failed/. Returns its id: the one given
   * (a caller in another process names it before it is sent), or a new event's.
   */
  sendMalformed(id?: string): string | undefined {
    if (this.stopping) return undefined;
    const eventId = id ?? this.options.source.make().eventId;
    const data = Buffer.from(malformedPayload(eventId), 'utf8');
    this.push({ eventId, category: 'Other', malformed: true }, data, eventId);
    this.extra += 1;
    this.poke();
    return eventId;
  }

  /** Stops taking new events; what is queued, in flight or waiting to retry is finished. */
  stop(): void {
    this.stopping ??= 'stop';
    this.poke();
  }

  /** Stops at once: calls in flight are cancelled, their events (and the queue's) left unconfirmed. */
  abort(): void {
    this.stopping = 'abort';
    this.callAbort.abort();
    this.poke();
  }

  private emit(update: ProducerUpdate): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch {
        // A listener's bug must not lose events.
      }
    }
  }

  private poke(): void {
    this.wake?.();
  }

  private enqueue(made: OutgoingEvent): void {
    const data = Buffer.from(made.json, 'utf8');
    const member: Member = {
      eventId: made.eventId,
      ...(made.event ? { event: made.event } : {}),
      ...(made.fields ? { fields: made.fields } : {}),
      json: made.json,
      category: made.category,
      malformed: false,
    };
    this.push(member, data, made.partitionKey);
  }

  private push(member: Member, data: Buffer, partitionKey: string): void {
    const size = recordSize(data, partitionKey);
    this.counts.sent++;
    const now = this.now();
    if (size > MAX_RECORD_BYTES) {
      const entry: Entry = {
        members: [member],
        data,
        partitionKey,
        size,
        attempts: 0,
        readyAt: now,
        queuedAt: now,
      };
      this.giveUp([entry], `the record is ${size} bytes; Kinesis takes at most ${MAX_RECORD_BYTES} a record`);
      return;
    }
    if (this.aggregateBytes === undefined) {
      this.queue.push({
        members: [member],
        data,
        partitionKey,
        size,
        attempts: 0,
        readyAt: now,
        queuedAt: now,
      });
      return;
    }
    this.open ??= new Aggregate<Member>(this.aggregateBytes, now);
    if (!this.open.add(member, data, partitionKey)) {
      this.seal();
      this.open = new Aggregate<Member>(this.aggregateBytes, now);
      this.open.add(member, data, partitionKey);
    }
  }

  /** The aggregate being filled becomes a record in the queue. */
  private seal(): void {
    const open = this.open;
    this.open = undefined;
    if (!open || open.size === 0) return;
    const { data, partitionKey } = open.build();
    this.queue.push({
      members: open.members,
      data,
      partitionKey,
      explicitHashKey: spreadHashKey(this.aggregates++),
      size: recordSize(data, partitionKey),
      attempts: 0,
      readyAt: open.openedAt,
      queuedAt: open.openedAt,
    });
  }

  private get limit(): number {
    const { count } = this.options;
    return count === undefined ? Number.POSITIVE_INFINITY : count;
  }

  /** Events from the source into the queue, as the bucket allows and while the queue has room. */
  private generate(): void {
    if (this.state !== 'running' || this.stopping) return;
    const now = this.now();
    if (this.options.durationMs !== undefined && now - this.startedAt >= this.options.durationMs) {
      this.stopping = 'duration';
      return;
    }
    const left = this.limit - this.generated;
    if (left <= 0) {
      this.stopping = 'count';
      return;
    }
    // A bounded queue is the backpressure: when the stream takes less than the rate, we make fewer events
    // instead of piling them up. The bound follows what the stream took over the last second (half a
    // second's worth waiting), so a slow stream does not sit on thousands of events in memory.
    const waiting = this.counts.sent - this.counts.acknowledged - this.counts.failed - this.counts.inCalls;
    const bound = Math.min(
      this.maxInFlight * 1_000,
      Math.max(1_000, this.accepted.perSecond(this.startedAt) / 2),
    );
    const room = bound - waiting;
    const take = this.bucket.take(Math.min(left, room, 5_000));
    for (let i = 0; i < take; i++) this.enqueue(this.options.source.make());
    this.generated += take;
    if (this.generated >= this.limit) this.stopping = 'count';
  }

  private takeReadyRetries(now: number, room: number): Entry[] {
    if (this.retries.length === 0 || room <= 0) return [];
    const ready: Entry[] = [];
    const waiting: Entry[] = [];
    // Retries are paced with new events (taking their tokens first), so a throttled stream sees the
    // rate it takes, not the rate plus a wave of retries.
    let paced = true;
    for (const entry of this.retries) {
      if (paced && entry.readyAt <= now && ready.length < room) {
        paced = this.bucket.takeOwing(entry.members.length);
        if (paced) {
          ready.push(entry);
          continue;
        }
      }
      waiting.push(entry);
    }
    this.retries = waiting;
    return ready;
  }

  private dispatch(): void {
    const draining = Boolean(this.stopping);
    if (this.open) {
      const now = this.now();
      const idle = this.inFlight.size === 0 && this.queue.length === 0;
      if (draining || idle || now - this.open.openedAt >= this.lingerMs) this.seal();
    }
    while (this.inFlight.size < this.concurrency && !(this.stopping === 'abort')) {
      const now = this.now();
      const retried = this.takeReadyRetries(now, 500);
      const view = this.queue.view();
      const fit = fitInCall(view.items, view.start, {
        records: 500 - retried.length,
        bytes: 5 * 1024 * 1024 - retried.reduce((sum, e) => sum + e.size, 0),
      });
      const oldest = this.queue.peek();
      const full = retried.length + fit >= 500;
      const lingered = oldest !== undefined && now - oldest.queuedAt >= this.lingerMs;
      const idle = this.inFlight.size === 0;
      if (retried.length === 0 && (fit === 0 || !(full || lingered || idle || draining))) return;
      const batch = [...retried, ...this.queue.take(fit)];
      this.startCall(batch);
    }
  }

  private startCall(batch: Entry[]): void {
    const firstTries = batch.filter((e) => e.attempts === 0).flatMap((e) => e.members.map((m) => m.eventId));
    this.options.journal?.pending(firstTries, Date.now());
    let events = 0;
    for (const entry of batch) {
      entry.attempts++;
      events += entry.members.length;
    }
    this.offered.add(events);
    this.counts.inCalls += events;
    const call = this.put(batch).finally(() => {
      this.counts.inCalls -= events;
      this.inFlight.delete(call);
      this.poke();
    });
    this.inFlight.add(call);
  }

  private async put(batch: Entry[]): Promise<void> {
    const { name, arn } = this.options.stream;
    let response: PutRecordsCommandOutput;
    try {
      response = await this.options.kinesis.send(
        new PutRecordsCommand({
          ...(arn ? { StreamARN: arn } : { StreamName: name }),
          Records: batch.map((e) => ({
            Data: e.data,
            PartitionKey: e.partitionKey,
            ...(e.explicitHashKey ? { ExplicitHashKey: e.explicitHashKey } : {}),
          })),
        }),
        { abortSignal: this.callAbort.signal },
      );
    } catch (error) {
      if (this.stopping === 'abort') return this.retry(batch, 'aborted', false, true);
      const name = errorName(error);
      if (FATAL.has(name)) return this.fatal(batch, errorText(error));
      return this.retry(batch, errorText(error), THROTTLED.has(name));
    }
    const acks: AcknowledgedEvent[] = [];
    const journaled: JournalAckInput[] = [];
    const failed: Entry[] = [];
    let throttled = 0;
    let reason = '';
    const results = response.Records ?? [];
    const acknowledgedAt = Date.now();
    batch.forEach((entry, i) => {
      const result = results[i];
      if (result && !result.ErrorCode && result.SequenceNumber && result.ShardId) {
        this.counts.records++;
        this.counts.recordEvents += entry.members.length;
        for (const member of entry.members) {
          acks.push({
            eventId: member.eventId,
            ...(member.event ? { event: member.event } : {}),
            ...(member.fields ? { fields: member.fields } : {}),
            category: member.category,
            malformed: member.malformed,
            shardId: result.ShardId,
            sequenceNumber: result.SequenceNumber,
            acknowledgedAt,
          });
          journaled.push({
            event_id: member.eventId,
            shard: result.ShardId,
            seq: result.SequenceNumber,
            time: acknowledgedAt,
            category: member.category,
            ...(member.malformed ? { malformed: true } : {}),
            ...(member.json ? { eventJson: member.json } : {}),
          });
        }
        return;
      }
      const code = result?.ErrorCode ?? 'MissingResult';
      if (THROTTLED.has(code)) throttled += entry.members.length;
      reason = `${code}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`;
      entry.lastError = reason;
      failed.push(entry);
    });
    if (acks.length > 0) this.acknowledge(acks, journaled);
    if (failed.length > 0) this.retry(failed, reason, false, false, throttled);
    this.adapt(throttled > 0);
  }

  /**
   * Throttled: pace to what the shards took over the last second, with fewer calls in flight. Clean:
   * probe upward, one more call in flight per answer.
   */
  private adapt(throttled: boolean): void {
    if (throttled) {
      this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
      this.shardLimit.throttled(
        this.accepted.perSecond(this.startedAt),
        this.offered.perSecond(this.startedAt),
      );
    } else {
      if (this.concurrency < this.maxInFlight) this.concurrency++;
      this.shardLimit.clean(this.target);
    }
    this.pace();
  }

  private acknowledge(acks: AcknowledgedEvent[], journaled: JournalAckInput[]): void {
    this.counts.acknowledged += acks.length;
    this.meter.add(acks.length);
    this.accepted.add(acks.length);
    this.options.journal?.acknowledged(journaled);
    this.emit({ type: 'acknowledged', events: acks });
  }

  private retry(entries: Entry[], reason: string, callThrottled: boolean, aborted = false, throttled = 0) {
    if (aborted) {
      this.retries.push(...entries);
      return;
    }
    const events = entries.reduce((sum, e) => sum + e.members.length, 0);
    const throttledCount = callThrottled ? events : throttled;
    this.counts.throttled += throttledCount;
    if (callThrottled) this.adapt(true);
    const again: Entry[] = [];
    const spent: Entry[] = [];
    const now = this.now();
    for (const entry of entries) {
      entry.lastError = reason;
      const deadline = entry.queuedAt + this.recordTtlMs;
      if (now >= deadline) {
        entry.lastError = `${reason} (still failing after ${entry.attempts} attempts in ${seconds(now - entry.queuedAt)}: the record TTL is ${seconds(this.recordTtlMs)})`;
        spent.push(entry);
      } else {
        // The last try comes as the time runs out rather than never: a backoff never overshoots the budget.
        entry.readyAt = Math.min(now + backoffDelay(entry.attempts, this.backoff, this.random), deadline);
        again.push(entry);
      }
    }
    if (again.length > 0) {
      const count = again.reduce((sum, e) => sum + e.members.length, 0);
      this.counts.retried += count;
      this.retries.push(...again);
      this.emit({ type: 'retrying', count, throttled: throttledCount, reason });
    }
    if (spent.length > 0) this.giveUp(spent, reason);
  }

  private giveUp(entries: Entry[], reason: string): void {
    const time = Date.now();
    const events = entries.flatMap((e) =>
      e.members.map((m) => ({
        eventId: m.eventId,
        ...(m.event ? { event: m.event } : {}),
        ...(m.fields ? { fields: m.fields } : {}),
        reason: e.lastError ?? reason,
        attempts: e.attempts,
      })),
    );
    this.counts.failed += events.length;
    this.options.journal?.failed(
      events.map((e): JournalFailure => ({ event_id: e.eventId, reason: e.reason, time })),
    );
    this.emit({ type: 'failed', events });
  }

  private fatal(batch: Entry[], message: string): void {
    if (!this.error) {
      this.error = message;
      this.emit({ type: 'error', message });
    }
    this.stopping = 'error';
    // Nothing more will be accepted: everything not yet acknowledged is reported as failed, not dropped.
    this.seal();
    const rest = [...batch, ...this.queue.drain(), ...this.retries.splice(0)];
    for (const entry of rest) entry.lastError = message;
    this.giveUp(rest, message);
  }

  private nextDelay(): number {
    const now = this.now();
    let delay = 250;
    if (this.state === 'running' && !this.stopping) {
      delay = Math.min(delay, this.bucket.msUntilNext());
      if (this.options.durationMs !== undefined) {
        delay = Math.min(delay, Math.max(0, this.startedAt + this.options.durationMs - now));
      }
    }
    if (this.retries.length > 0) {
      // A retry waits for its time and for a token (retries are paced too).
      let soonest = Number.POSITIVE_INFINITY;
      for (const entry of this.retries) soonest = Math.min(soonest, entry.readyAt - now);
      delay = Math.min(delay, Math.max(0, soonest, this.bucket.msUntilNext()));
    }
    const oldest = this.queue.peek()?.queuedAt ?? this.open?.openedAt;
    if (oldest !== undefined) delay = Math.min(delay, Math.max(0, oldest + this.lingerMs - now));
    // Not below a few ms: at thousands of events a second each tick takes many at once.
    return Math.max(delay, this.inFlight.size > 0 || this.state === 'running' ? 4 : 0);
  }

  private finished(): boolean {
    if (this.stopping === 'abort') return this.inFlight.size === 0;
    return (
      Boolean(this.stopping) &&
      this.open === undefined &&
      this.queue.length === 0 &&
      this.retries.length === 0 &&
      this.inFlight.size === 0
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.timer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private async loop(): Promise<ProducerSummary> {
    this.startedAt = this.now();
    this.bucket.reset();
    if (this.state === 'idle') this.state = 'running';
    this.options.journal?.run({
      started: Date.now(),
      stream: this.options.stream.arn ?? this.options.stream.name ?? '',
      seed: this.options.source.seed,
    });
    while (true) {
      // Retries first: they take their tokens before new events do, so they are not starved to the end.
      this.dispatch();
      this.generate();
      if (this.stopping && this.state !== 'draining') this.state = 'draining';
      this.dispatch();
      if (this.finished()) break;
      await this.sleep(this.nextDelay());
    }
    this.seal();
    const unconfirmed = this.counts.sent - this.counts.acknowledged - this.counts.failed;
    this.options.journal?.ended(Date.now());
    this.state = 'done';
    return { ...this.stats(), stoppedBy: this.stopping ?? 'stop', unconfirmed };
  }
}
