import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it, vi } from 'vitest';
import { createEventSource } from '../../../src/pipeline/events.js';
import { JournalWriter, parseJournal } from '../../../src/pipeline/journal.js';
import { Producer, type ProducerOptions, type ProducerUpdate } from '../../../src/pipeline/producer.js';
import { tempDir } from '../../support/local-cloud.js';

type Entry = { Data: Uint8Array; PartitionKey: string };
type Outcome = 'ok' | 'throttle' | 'internal';

/** A stand-in for Kinesis that answers each entry as `decide` says, and records every call. */
class FakeKinesis {
  calls: string[][] = [];
  inFlight = 0;
  peak = 0;
  private seq = 0;
  constructor(
    private readonly decide: (id: string, attempt: number) => Outcome = () => 'ok',
    private readonly callError?: (call: number) => Error | undefined,
    private readonly latencyMs = 2,
  ) {}
  private attempts = new Map<string, number>();

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const records = (command.input.Records ?? []) as Entry[];
    const ids = records.map((r) => {
      const text = Buffer.from(r.Data).toString('utf8');
      return text.startsWith('{') ? (JSON.parse(text) as { event_id: string }).event_id : text;
    });
    this.calls.push(ids);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await new Promise((r) => setTimeout(r, this.latencyMs));
    this.inFlight--;
    const failure = this.callError?.(this.calls.length);
    if (failure) throw failure;
    let failed = 0;
    const out = ids.map((id) => {
      const attempt = (this.attempts.get(id) ?? 0) + 1;
      this.attempts.set(id, attempt);
      const outcome = this.decide(id, attempt);
      if (outcome === 'ok') return { ShardId: 'shardId-000000000000', SequenceNumber: String(++this.seq) };
      failed++;
      return outcome === 'throttle'
        ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
        : { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };
    });
    return { FailedRecordCount: failed, Records: out, $metadata: {} };
  }
}

/** Runs `run` on fake timers (setTimeout, Date), moving time on until it settles: simulated minutes take ms. */
async function onFakeClock<T>(run: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  try {
    let settled = false;
    const result = run().finally(() => {
      settled = true;
    });
    while (!settled) await vi.advanceTimersByTimeAsync(20);
    return await result;
  } finally {
    vi.useRealTimers();
  }
}

function producer(kinesis: FakeKinesis, options: Partial<ProducerOptions> = {}) {
  return new Producer({
    kinesis,
    stream: { name: 'events' },
    source: createEventSource({ seed: 1, users: 50 }),
    rate: Number.POSITIVE_INFINITY,
    backoff: { baseMs: 1, maxMs: 4 },
    ...options,
  });
}

describe('producer', () => {
  it('sends exactly --count events in calls of at most 500, several at once, and journals each', async () => {
    // Calls that take a while: the producer's slow start paces the first second, so parallel calls show
    // when the stream answers slower than events come.
    const kinesis = new FakeKinesis(undefined, undefined, 40);
    const path = join(tempDir('journal-'), 'stack.ndjson');
    const journal = JournalWriter.open(path);
    const p = producer(kinesis, { count: 2_345, journal, maxInFlight: 4 });
    const summary = await p.run();
    journal.close();
    expect(summary).toMatchObject({ sent: 2_345, acknowledged: 2_345, failed: 0, stoppedBy: 'count' });
    expect(kinesis.calls.every((c) => c.length <= 500)).toBe(true);
    expect(kinesis.calls.flat()).toHaveLength(2_345);
    expect(kinesis.peak).toBeGreaterThan(1);
    expect(kinesis.peak).toBeLessThanOrEqual(4);
    const read = parseJournal(readFileSync(path, 'utf8'));
    expect(read.acknowledged.size).toBe(2_345);
    expect(read.unconfirmed.size).toBe(0);
    expect(read.runs).toHaveLength(1);
    const first = [...read.acknowledged.values()][0];
    expect(first).toMatchObject({ shard: 'shardId-000000000000', seq: expect.any(String) });
    expect(first?.time).toBeGreaterThan(0);
  });

  it('retries only the entries that failed, and counts throttling', async () => {
    // Every third event is throttled on its first two attempts.
    const kinesis = new FakeKinesis((id, attempt) =>
      Number.parseInt(id.slice(-2), 16) % 3 === 0 && attempt <= 2 ? 'throttle' : 'ok',
    );
    const updates: ProducerUpdate[] = [];
    // On fake timers: the slow start's pacing and the backoffs take no real time.
    const summary = await onFakeClock(() => {
      const p = producer(kinesis, { count: 1_000, now: () => Date.now() });
      p.subscribe((u) => updates.push(u));
      return p.run();
    });
    expect(summary.acknowledged).toBe(1_000);
    expect(summary.failed).toBe(0);
    expect(summary.throttled).toBe(summary.retried);
    expect(summary.retried).toBeGreaterThan(500);
    // Each event was sent at most three times, and retries held only throttled ones.
    const seen = new Map<string, number>();
    for (const id of kinesis.calls.flat()) seen.set(id, (seen.get(id) ?? 0) + 1);
    for (const [id, n] of seen) {
      const throttled = Number.parseInt(id.slice(-2), 16) % 3 === 0;
      expect(n).toBe(throttled ? 3 : 1);
    }
    const acked = updates.flatMap((u) => (u.type === 'acknowledged' ? u.events.map((e) => e.eventId) : []));
    expect(new Set(acked).size).toBe(1_000);
    expect(updates.some((u) => u.type === 'retrying')).toBe(true);
  });

  it.each([
    ['the default budget, the KPL’s RecordTtl', undefined, 30_000],
    ['a budget of its own (recordTtlMs)', 2_000, 2_000],
  ])(
    'keeps retrying a failing event for %s, then gives it up, reported and journalled with why',
    async (_, ttl, budgetMs) => {
      const doomed = new Set<string>();
      const peek = createEventSource({ seed: 3, users: 10 });
      for (let i = 0; i < 100; i++) {
        const e = peek.next();
        if (i % 10 === 0) doomed.add(e.event_id);
      }
      const path = join(tempDir('journal-'), 'stack.ndjson');
      const journal = JournalWriter.open(path);
      const failures: Array<{ line: string; at: number; attempts: number }> = [];
      const { summary, startedAt } = await onFakeClock(async () => {
        const kinesis = new FakeKinesis((id) => (doomed.has(id) ? 'internal' : 'ok'));
        const startedAt = Date.now();
        const p = producer(kinesis, {
          count: 100,
          source: createEventSource({ seed: 3, users: 10 }),
          journal,
          // The production backoff (100 ms doubling to 5 s), without jitter: attempts are as far apart as they get.
          backoff: { baseMs: 100, maxMs: 5_000 },
          random: () => 1,
          now: () => Date.now(),
          ...(ttl ? { recordTtlMs: ttl } : {}),
        });
        p.subscribe((u) => {
          if (u.type === 'failed')
            for (const e of u.events)
              failures.push({ line: `${e.eventId} ${e.reason}`, at: Date.now(), attempts: e.attempts });
        });
        return { summary: await p.run(), startedAt };
      });
      journal.close();
      expect(summary).toMatchObject({ sent: 100, acknowledged: 90, failed: 10 });
      expect(failures).toHaveLength(10);
      for (const failure of failures) {
        // Given up when its time ran out: not before, and not long after (the last try comes at the deadline).
        expect(failure.at - startedAt).toBeGreaterThanOrEqual(budgetMs);
        expect(failure.at - startedAt).toBeLessThan(budgetMs + 500);
        expect(failure.line).toMatch(
          new RegExp(
            `InternalFailure: Internal service failure\\. \\(still failing after ${failure.attempts} attempts in [\\d.]+ s: the record TTL is ${budgetMs / 1000} s\\)`,
          ),
        );
      }
      if (!ttl) {
        // More tries than the old fixed count of 10 allowed: the budget is time, not attempts.
        expect(Math.min(...failures.map((f) => f.attempts))).toBeGreaterThan(10);
      }
      const read = parseJournal(readFileSync(path, 'utf8'));
      expect([...read.failed.keys()].sort()).toEqual([...doomed].sort());
      expect([...read.failed.values()].every((f) => /the record TTL/.test(f.reason))).toBe(true);
      expect(read.acknowledged.size).toBe(90);
    },
  );

  it('rides out an outage that outlasts ten attempts but not the time budget: nothing is given up', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const summary = await onFakeClock(async () => {
      const outageEnds = Date.now() + 25_000;
      const kinesis = new FakeKinesis(undefined, () => (Date.now() < outageEnds ? refused : undefined));
      return producer(kinesis, {
        count: 300,
        backoff: { baseMs: 100, maxMs: 2_000 },
        random: () => 1,
        now: () => Date.now(),
      }).run();
    });
    expect(summary).toMatchObject({ sent: 300, acknowledged: 300, failed: 0 });
    // Each event was tried more than ten times (the old fixed budget) before the outage ended.
    expect(summary.retried / 300).toBeGreaterThan(10);
  });

  it('retries whole calls that fail on the wire', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const kinesis = new FakeKinesis(undefined, (call) => (call <= 3 ? refused : undefined));
    const summary = await producer(kinesis, { count: 300 }).run();
    expect(summary).toMatchObject({ acknowledged: 300, failed: 0 });
    expect(summary.retried).toBeGreaterThanOrEqual(1);
  });

  it('stops at once on a refusal no retry can fix, counting every event as failed', async () => {
    const missing = Object.assign(new Error('Stream events under account 000000000000 not found.'), {
      name: 'ResourceNotFoundException',
    });
    const kinesis = new FakeKinesis(undefined, () => missing);
    const p = producer(kinesis, { count: 5_000, rate: 2_000 });
    const summary = await p.run();
    expect(summary.stoppedBy).toBe('error');
    expect(summary.error).toMatch(/ResourceNotFoundException: Stream events/);
    expect(summary.acknowledged).toBe(0);
    expect(summary.failed).toBe(summary.sent);
    expect(summary.sent).toBeLessThan(5_000);
  });

  it('on stop, takes no new events but finishes what it holds', async () => {
    const kinesis = new FakeKinesis((_, attempt) => (attempt === 1 ? 'throttle' : 'ok'));
    const p = producer(kinesis, { rate: 5_000 });
    const done = p.run();
    p.subscribe((u) => {
      if (u.type === 'acknowledged') p.stop();
    });
    const summary = await done;
    expect(summary.stoppedBy).toBe('stop');
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.acknowledged + summary.failed).toBe(summary.sent);
    expect(summary.outstanding).toBe(0);
  });

  it('sends a malformed record on request and journals it as such', async () => {
    const kinesis = new FakeKinesis();
    const path = join(tempDir('journal-'), 'stack.ndjson');
    const journal = JournalWriter.open(path);
    const p = producer(kinesis, { count: 10, journal });
    const id = p.sendMalformed();
    const summary = await p.run();
    journal.close();
    expect(summary.acknowledged).toBe(11);
    expect(kinesis.calls.flat()).toContain(`malformed record ${id} (not JSON, sent on purpose)`);
    const read = parseJournal(readFileSync(path, 'utf8'));
    expect(read.acknowledged.get(id ?? '')).toMatchObject({ malformed: true, category: 'Other' });
  });

  it('paces to --rate', async () => {
    // On fake timers: a second of sending takes no real time, and however fast the loop could spin, only
    // what 100 events/s allows goes out.
    const summary = await onFakeClock(() =>
      producer(new FakeKinesis(), { rate: 100, durationMs: 1_000, now: () => Date.now() }).run(),
    );
    expect(summary.stoppedBy).toBe('duration');
    expect(summary.sent).toBeGreaterThanOrEqual(95);
    expect(summary.sent).toBeLessThanOrEqual(111);
  });
});

describe('producer against throttling shards', () => {
  it('backs off to what one shard takes, shows that rate, and loses no event', async () => {
    // On fake timers (eight seconds of sending take no real time), a shard that takes 1,000 records a
    // second with one second of burst, as Kinesis does.
    let now = 0;
    let tokens = 1_000;
    let refilled = 0;
    const accepted = new Set<string>();
    let seq = 0;
    const kinesis = {
      async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
        await new Promise((r) => setTimeout(r, 2));
        now = Date.now();
        tokens = Math.min(1_000, tokens + (now - refilled));
        refilled = now;
        const records = (command.input.Records ?? []) as Entry[];
        const out = records.map((r) => {
          if (tokens < 1)
            return {
              ErrorCode: 'ProvisionedThroughputExceededException',
              ErrorMessage: 'Rate exceeded for shard',
            };
          tokens--;
          accepted.add((JSON.parse(Buffer.from(r.Data).toString('utf8')) as { event_id: string }).event_id);
          return { ShardId: 'shardId-000000000000', SequenceNumber: String(++seq) };
        });
        return { Records: out, FailedRecordCount: out.filter((o) => o.ErrorCode).length, $metadata: {} };
      },
    };
    const limited: number[] = [];
    const summary = await onFakeClock(() => {
      now = refilled = Date.now();
      const p = new Producer({
        kinesis,
        stream: { name: 'events' },
        source: createEventSource({ seed: 9, users: 500 }),
        rate: Number.POSITIVE_INFINITY,
        durationMs: 8_000,
        now: () => Date.now(),
      });
      p.subscribe(() => {
        const rate = p.stats().shardLimitedRate;
        if (rate !== undefined) limited.push(rate);
      });
      return p.run();
    });
    expect(summary).toMatchObject({ failed: 0, unconfirmed: 0 });
    expect(summary.acknowledged).toBe(summary.sent);
    expect(accepted.size).toBe(summary.sent);
    // It learned the shard's rate (within what AIMD wanders) instead of retrying at will.
    expect(limited.length).toBeGreaterThan(0);
    const last = limited[limited.length - 1] ?? 0;
    expect(last).toBeGreaterThan(600);
    expect(last).toBeLessThan(1_500);
    expect(summary.retried).toBeLessThan(summary.sent / 2);
  });
});
