// The producer process's messages: batching keeps IPC bounded at any event rate and loses nothing a
// listener relies on; messages are recognised by type; credentials survive the channel's JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AcknowledgedEvent, FailedEvent } from '../../../src/pipeline/producer.js';
import { ProgressBatcher, updatesOf } from '../../../src/pipeline/producer-batch.js';
import {
  fromWireCredentials,
  isControl,
  isFromProducer,
  isToProducer,
  toWireCredentials,
} from '../../../src/pipeline/producer-wire.js';

function ack(n: number): AcknowledgedEvent {
  return {
    eventId: `e${n}`,
    category: 'Books',
    malformed: false,
    shardId: 'shardId-000000000000',
    sequenceNumber: String(n),
    acknowledgedAt: n,
  };
}

function failure(n: number): FailedEvent {
  return { eventId: `f${n}`, reason: 'ProvisionedThroughputExceededException', attempts: 10 };
}

/** `count` events in answers of `sizes` (cycled), numbered from `from`. */
function answers(from: number, count: number, sizes: number[]): AcknowledgedEvent[][] {
  const out: AcknowledgedEvent[][] = [];
  let n = from;
  for (let i = 0; n < from + count; i++) {
    const size = Math.min(sizes[i % sizes.length] ?? 1, from + count - n);
    out.push(Array.from({ length: size }, () => ack(n++)));
  }
  return out;
}

describe('ProgressBatcher', () => {
  it('has nothing to send when nothing happened', () => {
    expect(new ProgressBatcher({ acknowledged: 10, failed: 5 }).take()).toBeUndefined();
  });

  it('keeps the newest events up to its limit, oldest first, and counts the rest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 5 }),
        (limit, count, sizes) => {
          const batcher = new ProgressBatcher({ acknowledged: limit, failed: 5 });
          for (const events of answers(0, count, sizes)) batcher.add({ type: 'acknowledged', events });
          const batch = batcher.take();
          if (count === 0) return batch === undefined;
          const kept = Math.min(limit, count);
          expect(batch?.acknowledged.map((e) => e.sequenceNumber)).toEqual(
            Array.from({ length: kept }, (_, i) => String(count - kept + i)),
          );
          expect(batch?.acknowledgedDropped).toBe(count - kept);
          return true;
        },
      ),
    );
  });

  it('starts afresh after each take', () => {
    const batcher = new ProgressBatcher({ acknowledged: 3, failed: 5 });
    batcher.add({ type: 'acknowledged', events: [ack(1), ack(2)] });
    expect(batcher.take()?.acknowledged.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    expect(batcher.take()).toBeUndefined();
    batcher.add({ type: 'acknowledged', events: [ack(3)] });
    expect(batcher.take()).toMatchObject({ acknowledged: [ack(3)], acknowledgedDropped: 0 });
  });

  it('bounds failures too, sums retries, and keeps every error that stopped the producer', () => {
    const batcher = new ProgressBatcher({ acknowledged: 10, failed: 2 });
    batcher.add({ type: 'failed', events: [failure(1), failure(2), failure(3)] });
    batcher.add({ type: 'retrying', count: 5, throttled: 4, reason: 'first' });
    batcher.add({ type: 'retrying', count: 2, throttled: 0, reason: 'InternalFailure' });
    batcher.add({ type: 'error', message: 'ResourceNotFoundException: gone' });
    batcher.add({ type: 'acknowledged', events: [ack(7)] });
    const batch = batcher.take();
    expect(batch).toEqual({
      acknowledged: [ack(7)],
      acknowledgedDropped: 0,
      failed: [failure(2), failure(3)],
      failedDropped: 1,
      retrying: { count: 7, throttled: 4, reason: 'InternalFailure' },
      errors: ['ResourceNotFoundException: gone'],
    });
    // Back into the updates an in-process producer's listener gets.
    expect(updatesOf(batch as NonNullable<typeof batch>)).toEqual([
      { type: 'error', message: 'ResourceNotFoundException: gone' },
      { type: 'retrying', count: 7, throttled: 4, reason: 'InternalFailure' },
      { type: 'failed', events: [failure(2), failure(3)] },
      { type: 'acknowledged', events: [ack(7)] },
    ]);
  });

  it('stays bounded at 10,000 events a second: one batch of 200 ms carries the screen’s 500 rows', () => {
    const batcher = new ProgressBatcher({ acknowledged: 500, failed: 20 });
    // 2,000 events (200 ms at 10,000/s) in answers of 500, as PutRecords returns them.
    for (const events of answers(0, 2000, [500])) batcher.add({ type: 'acknowledged', events });
    const batch = batcher.take();
    expect(batch?.acknowledged).toHaveLength(500);
    expect(batch?.acknowledged[0]?.eventId).toBe('e1500');
    expect(JSON.stringify(batch).length).toBeLessThan(200_000);
  });
});

describe('producer messages', () => {
  it('are recognised by their type, each way, and nothing else is', () => {
    expect(isToProducer({ type: 'set-rate', rate: 5 })).toBe(true);
    expect(isToProducer({ type: 'progress' })).toBe(false);
    expect(isFromProducer({ type: 'progress', stats: {}, controls: 0 })).toBe(true);
    expect(isFromProducer({ type: 'pause' })).toBe(false);
    for (const junk of [null, undefined, 'stop', 42, {}, { type: 7 }, []]) {
      expect(isToProducer(junk)).toBe(false);
      expect(isFromProducer(junk)).toBe(false);
    }
    expect(isControl({ type: 'burst', count: 100 })).toBe(true);
    expect(isControl({ type: 'run' })).toBe(false);
    expect(isControl({ type: 'credentials', id: 1 })).toBe(false);
  });

  it('carry credentials through JSON with their expiration', () => {
    const expiration = new Date('2026-11-26T22:00:00.000Z');
    const wire = toWireCredentials({
      accessKeyId: 'AKID',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration,
    });
    expect(fromWireCredentials(JSON.parse(JSON.stringify(wire)))).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration,
    });
    expect(fromWireCredentials(toWireCredentials({ accessKeyId: 'a', secretAccessKey: 'b' }))).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 'b',
    });
  });
});
