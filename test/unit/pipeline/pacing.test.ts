import { describe, expect, it } from 'vitest';
import { fitInCall, MAX_BYTES_PER_CALL, recordSize } from '../../../src/pipeline/batches.js';
import { backoffDelay, RateMeter, ShardRateLimit, TokenBucket } from '../../../src/pipeline/pacing.js';

describe('token bucket', () => {
  it('hands out tokens at the rate, never more than a tenth of a second ahead', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, () => now);
    expect(bucket.take(10_000)).toBe(0);
    now = 50;
    expect(bucket.take(10_000)).toBe(50);
    now = 10_000; // a long stall is not a 10,000-event burst
    expect(bucket.take(10_000)).toBe(100);
    let total = 0;
    for (let t = 10_001; t <= 11_000; t++) {
      now = t;
      total += bucket.take(10_000);
    }
    expect(total).toBe(1000);
  });

  it('says how long until the next token, and follows a new rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, () => now);
    expect(bucket.msUntilNext()).toBe(100);
    now = 100;
    expect(bucket.take(5)).toBe(1);
    bucket.setRate(100);
    expect(bucket.msUntilNext()).toBe(10);
    const unlimited = new TokenBucket(Number.POSITIVE_INFINITY, () => now);
    expect(unlimited.take(123)).toBe(123);
    // The producer asks for "room" that can be fractional: it gets whole events only, as many as it counts.
    expect(unlimited.take(0.5)).toBe(0);
    expect(unlimited.take(2.75)).toBe(2);
    bucket.setRate(1_000);
    now = 10_000;
    expect(bucket.take(2.75)).toBe(2);
    expect(unlimited.msUntilNext()).toBe(0);
  });
});

describe('backoff', () => {
  it('doubles up to the cap, jittered within the upper half', () => {
    const policy = { baseMs: 100, maxMs: 5_000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(20, policy, () => 1)).toBe(5_000);
    expect(backoffDelay(20, policy, () => 0)).toBe(2_500);
  });
});

describe('rate meter', () => {
  it('reports events a second over its window', () => {
    let now = 0;
    const meter = new RateMeter(() => now);
    for (let t = 0; t < 2_000; t += 10) {
      now = t;
      meter.add(10);
    }
    now = 1_999;
    expect(meter.perSecond()).toBeCloseTo(1000, -1);
    now = 10_000;
    expect(meter.perSecond()).toBe(0);
  });
});

describe('packing PutRecords calls', () => {
  it('takes at most 500 records a call', () => {
    const items = Array.from({ length: 1_200 }, () => ({ size: 300 }));
    expect(fitInCall(items)).toBe(500);
    expect(fitInCall(items, 1_000)).toBe(200);
  });

  it('stays within 5 MiB a call, counting partition keys', () => {
    const big = { size: recordSize(new Uint8Array(1024 * 1024 - 10), 'user_0001') };
    const items = Array.from({ length: 8 }, () => big);
    const n = fitInCall(items);
    expect(n).toBe(5);
    expect(n * big.size).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    expect(fitInCall([{ size: 10 }], 0, { records: 0, bytes: 100 })).toBe(0);
  });
});

describe('shard rate limit', () => {
  it('starts slow and doubles while clean, then paces just under what throttled shards accepted', () => {
    let now = 0;
    const limit = new ShardRateLimit(() => now);
    expect(limit.perSecond).toBe(2_000);
    expect(limit.learned).toBeUndefined();
    now = 500;
    limit.clean(Number.POSITIVE_INFINITY);
    expect(limit.perSecond).toBeCloseTo(8_000);
    now = 600;
    limit.throttled(1_000, 8_000);
    expect(limit.learned).toBeCloseTo(900);
    // Answers of the same overload do not cut it again.
    now = 650;
    limit.throttled(700, 900);
    expect(limit.perSecond).toBeCloseTo(900);
    // A second without throttling raises it a tenth, never past the target.
    now = 1_650;
    limit.clean(Number.POSITIVE_INFINITY);
    expect(limit.perSecond).toBeCloseTo(990);
    now = 11_650;
    limit.clean(1_200);
    expect(limit.perSecond).toBe(1_200);
  });

  it('never spirals below half a shard, whatever keeps throttling', () => {
    let now = 0;
    const limit = new ShardRateLimit(() => now);
    for (let i = 0; i < 50; i++) {
      now += 300;
      limit.throttled(10, 10);
    }
    expect(limit.perSecond).toBe(500);
  });
});
