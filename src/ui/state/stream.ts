// The Stream screen's live state, kept outside React. The producer reports once per PutRecords answer
// (hundreds of events at a time at high rates); those go into a ring buffer, and the view is published
// on a timer, so the screen re-renders a few times a second whatever the event rate. The table of events
// moves at most once a second (every line of it changes when it moves, and nobody reads rows scrolling
// faster); the counters keep up with the producer's reports.
import type { Action, ShopEvent } from '../../../lambda/records.js';
import type { AcknowledgedEvent, ProducerStats, ProducerSummary } from '../../pipeline/producer.js';
import type { StreamSession } from '../engine.js';
import { RingBuffer, Store } from './store.js';

/** One line of the live table. */
export interface StreamRow {
  eventId: string;
  time: number;
  /** A template's event has no action: its fields are shown instead. */
  action: Action | 'malformed' | 'template';
  /** A template's event, as compact JSON. */
  fields?: string;
  user: string;
  item: number | null;
  price: number | null;
  shard: string;
  sequence: string;
}

export interface StreamView {
  stats: ProducerStats;
  /** Newest first, filtered, at most ROWS_SHOWN. */
  rows: StreamRow[];
  /** Acknowledged events a second, one sample a second, oldest first. */
  rateHistory: number[];
  /** The action text the table is filtered by. */
  filter: string;
  /** Recent failures (the producer gave up on them), newest first. */
  failures: Array<{ eventId: string; reason: string }>;
  /** Ids of malformed records sent, newest first. */
  malformed: string[];
  stopped?: ProducerSummary;
}

/** The rate steps `+` and `-` move between, events a second. */
export const RATE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
export const BURST_SIZE = 100;
/** How many recent events are kept for the table (and its filter). */
export const ROWS_KEPT = 500;
export const ROWS_SHOWN = 100;
/** How many recent failures are kept (the newest is pinned). */
export const FAILURES_KEPT = 20;
const HISTORY = 60;

export function nextRate(current: number, direction: 1 | -1): number {
  if (direction > 0)
    return RATE_STEPS.find((r) => r > current) ?? RATE_STEPS[RATE_STEPS.length - 1] ?? current;
  return [...RATE_STEPS].reverse().find((r) => r < current) ?? RATE_STEPS[0] ?? current;
}

function toRow(ack: AcknowledgedEvent): StreamRow {
  const event: ShopEvent | undefined = ack.event;
  return {
    eventId: ack.eventId,
    time: ack.acknowledgedAt,
    action: ack.malformed ? 'malformed' : event ? event.action : ack.fields ? 'template' : 'malformed',
    ...(ack.fields && !ack.malformed ? { fields: JSON.stringify(ack.fields) } : {}),
    user: event?.user_id ?? '',
    item: event?.item_id ?? null,
    price: event?.price ?? null,
    shard: ack.shardId,
    sequence: ack.sequenceNumber,
  };
}

export interface StreamControllerOptions {
  /** How often the view is published, ms. */
  flushMs?: number;
  /** How often the table's rows may move, ms. */
  rowsMs?: number;
  /** How often a rate sample is taken, ms. */
  sampleMs?: number;
  onFirstAck?: () => void;
  /** The target bills each call (AWS). */
  billed?: boolean;
}

export class StreamController {
  readonly store: Store<StreamView>;
  private readonly recent = new RingBuffer<AcknowledgedEvent>(ROWS_KEPT);
  private readonly rates = new RingBuffer<number>(HISTORY);
  private readonly failures = new RingBuffer<{ eventId: string; reason: string }>(FAILURES_KEPT);
  private readonly malformedIds = new RingBuffer<string>(20);
  private filter = '';
  private published = -1;
  /** The event buffer's version the rows shown were made from, and when. */
  private rowsFrom = -1;
  private rowsAt = 0;
  private rows: StreamRow[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<ProducerSummary> | undefined;
  private acked = false;

  constructor(
    private readonly session: StreamSession,
    private readonly options: StreamControllerOptions = {},
  ) {
    this.store = new Store<StreamView>(this.view());
  }

  /** On AWS: every PutRecords call is billed (the screen says so before the first is made). */
  get billed(): boolean {
    return this.options.billed ?? false;
  }

  get streamName(): string {
    return this.session.streamName;
  }

  get journalPath(): string {
    return this.session.journalPath;
  }

  /**
   * Starts following the producer; `sending` starts it too (else it waits, idle, for the first space, b or
   * m: on AWS every PutRecords is billed, so nothing is sent just because the step was opened).
   */
  start({ sending = true }: { sending?: boolean } = {}): void {
    if (this.unsubscribe) return;
    const producer = this.session.producer;
    this.unsubscribe = producer.subscribe((update) => {
      if (update.type === 'acknowledged') {
        this.recent.pushAll(update.events);
        if (!this.acked) {
          this.acked = true;
          this.options.onFirstAck?.();
        }
      } else if (update.type === 'failed') {
        for (const f of update.events) this.failures.push({ eventId: f.eventId, reason: f.reason });
      } else if (update.type === 'error') {
        this.failures.push({ eventId: '', reason: update.message });
      }
    });
    this.flushTimer = setInterval(() => this.flush(), this.options.flushMs ?? 100);
    this.sampleTimer = setInterval(() => {
      const stats = producer.stats();
      if (stats.state === 'idle') return;
      // Paused with nothing in flight, the history stops at the zero that shows the pause, and the screen
      // stays still until something happens.
      const idle = stats.state === 'paused' && stats.outstanding === 0;
      if (idle && this.rates.size > 0 && this.rates.newestFirst(1)[0] === 0) return;
      this.rates.push(idle ? 0 : stats.rate);
    }, this.options.sampleMs ?? 1000);
    if (sending) this.begin(false);
    this.flush(true);
  }

  /** Runs the producer (once): sending at the target rate, or paused (for a burst or one record). */
  private begin(paused: boolean): void {
    if (this.running) return;
    const producer = this.session.producer;
    this.running = producer.run().then((summary) => {
      this.finish();
      this.rows = this.newestRows();
      this.rowsFrom = this.recent.version;
      this.store.set({ ...this.view(), stopped: summary });
      return summary;
    });
    this.running.catch(() => this.finish());
    if (paused) producer.pause();
  }

  private finish(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.sampleTimer);
    this.unsubscribe?.();
    this.session.close();
  }

  /** Publishes the view when anything changed since the last time; `now` moves the rows at once. */
  flush(now = false): void {
    const stats = this.session.producer.stats();
    const at = Date.now();
    // The first events show at once; after that the table moves once a second.
    const due = now || this.rows.length === 0 || at - this.rowsAt >= (this.options.rowsMs ?? 1000);
    if (this.recent.version !== this.rowsFrom && due) {
      this.rows = this.newestRows();
      this.rowsFrom = this.recent.version;
      this.rowsAt = at;
    }
    const version = this.rowsFrom + this.failures.version + this.rates.version + this.malformedIds.version;
    const last = this.store.get().stats;
    const same =
      version === this.published &&
      stats.sent === last.sent &&
      stats.acknowledged === last.acknowledged &&
      stats.state === last.state &&
      stats.targetRate === last.targetRate &&
      Math.round(stats.shardLimitedRate ?? 0) === Math.round(last.shardLimitedRate ?? 0) &&
      stats.retried === last.retried &&
      stats.failed === last.failed &&
      Math.round(stats.rate) === Math.round(last.rate);
    if (same) return;
    this.published = version;
    this.store.set({
      ...this.view(stats),
      ...(this.store.get().stopped ? { stopped: this.store.get().stopped } : {}),
    });
  }

  private newestRows(): StreamRow[] {
    const filter = this.filter.toLowerCase();
    // The action of a built-in event; a template's event by any of its text.
    const keep = filter
      ? (ack: AcknowledgedEvent) =>
          (ack.malformed
            ? 'malformed'
            : ack.event
              ? ack.event.action
              : ack.fields
                ? JSON.stringify(ack.fields).toLowerCase()
                : 'malformed'
          ).includes(filter)
      : undefined;
    return this.recent.newestFirst(ROWS_SHOWN, keep).map(toRow);
  }

  private view(stats = this.session.producer.stats()): StreamView {
    return {
      stats,
      rows: this.rows,
      rateHistory: this.rates.newestFirst().reverse(),
      filter: this.filter,
      failures: this.failures.newestFirst(),
      malformed: this.malformedIds.newestFirst(),
    };
  }

  /** Space: starts sending (the first time), pauses, resumes. */
  togglePause(): void {
    const state = this.session.producer.stats().state;
    if (!this.running) this.begin(false);
    else if (state === 'paused') this.session.producer.resume();
    else if (state === 'running') this.session.producer.pause();
    this.flush();
  }

  changeRate(direction: 1 | -1): number {
    const next = nextRate(this.session.producer.stats().targetRate, direction);
    this.session.producer.setRate(next);
    this.flush();
    return next;
  }

  burst(): void {
    this.begin(true);
    this.session.producer.burst(BURST_SIZE);
    this.flush();
  }

  sendMalformed(): string | undefined {
    this.begin(true);
    const id = this.session.producer.sendMalformed();
    if (id) this.malformedIds.push(id);
    this.flush();
    return id;
  }

  setFilter(text: string): void {
    this.filter = text;
    this.rowsFrom = -1;
    this.published = -1;
    this.flush(true);
  }

  /** Stops taking new events and finishes those in flight. */
  stop(): Promise<ProducerSummary> {
    if (!this.running) {
      // Never started: nothing was sent, nothing is in flight.
      this.finish();
      const summary: ProducerSummary = {
        ...this.session.producer.stats(),
        stoppedBy: 'stop',
        unconfirmed: 0,
      };
      this.running = Promise.resolve(summary);
      return this.running;
    }
    this.session.producer.stop();
    return this.running;
  }

  /** Cancels the calls in flight (a second Ctrl-C). */
  abort(): void {
    this.session.producer.abort();
  }
}
