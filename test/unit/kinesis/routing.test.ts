import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_HASH_KEY,
  partitionKeyHash,
  type Shard,
  ShardMap,
  uniformStarts,
} from '../../../src/local-cloud/kinesis/hash-keys.js';
import { nextReshardStep } from '../../../src/local-cloud/kinesis/resharding.js';

function shard(id: number, start: bigint, end: bigint, closed = false): Shard {
  return {
    ShardId: `shardId-${String(id).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
    SequenceNumberRange: { StartingSequenceNumber: '1', ...(closed ? { EndingSequenceNumber: '2' } : {}) },
  };
}

function uniform(count: number): Shard[] {
  const starts = uniformStarts(count);
  return starts.map((start, i) => shard(i, start, (starts[i + 1] ?? MAX_HASH_KEY + 1n) - 1n));
}

describe('partition key hashing', () => {
  it('reads the MD5 of the key as an unsigned 128-bit number', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    expect(partitionKeyHash('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
    // Keys hash as UTF-8: md5("ü") = c03410a5204b21cd8229ff754688d743
    expect(partitionKeyHash('ü')).toBe(0xc03410a5204b21cd8229ff754688d743n);
  });

  it('lays out uniform shards as CreateStream does', () => {
    expect(uniformStarts(4).map(String)).toEqual([
      '0',
      '85070591730234615865843651857942052864',
      '170141183460469231731687303715884105728',
      '255211775190703847597530955573826158592',
    ]);
    expect(uniformStarts(3)[1]?.toString()).toBe('113427455640312821154458202477256070485');
  });
});

describe('ShardMap', () => {
  it('routes every hash key to the one open shard whose range holds it', () => {
    const shards = uniform(7);
    const map = new ShardMap(shards);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), (key) => {
        const expected = shards.find(
          (s) => BigInt(s.HashKeyRange.StartingHashKey) <= key && key <= BigInt(s.HashKeyRange.EndingHashKey),
        );
        expect(map.route(key)?.shardId).toBe(expected?.ShardId);
      }),
    );
    expect(map.route(0n)?.shardId).toBe('shardId-000000000000');
    expect(map.route(MAX_HASH_KEY)?.shardId).toBe('shardId-000000000006');
  });

  it('ignores closed shards', () => {
    const map = new ShardMap([
      shard(0, 0n, MAX_HASH_KEY, true),
      shard(1, 0n, 99n),
      shard(2, 100n, MAX_HASH_KEY),
    ]);
    expect(map.route(5n)?.shardId).toBe('shardId-000000000001');
    expect(map.route(100n)?.shardId).toBe('shardId-000000000002');
  });
});

describe('uniform scaling plan', () => {
  /** Applies steps the way kinesalite does (children get the next ids) until the plan is done. */
  function scale(from: number, to: number): { open: Shard[]; steps: number } {
    let shards = uniform(from);
    let next = from;
    let steps = 0;
    for (;;) {
      const open = new ShardMap(shards).open;
      const step = nextReshardStep(open, to);
      if (!step) return { open: shards.filter((s) => !s.SequenceNumberRange.EndingSequenceNumber), steps };
      steps++;
      if (steps > 100) throw new Error('no end to the plan');
      const close = (id: string) =>
        shards.map((s) =>
          s.ShardId === id
            ? { ...s, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '2' } }
            : s,
        );
      if (step.kind === 'split') {
        const parent = open.find((s) => s.shardId === step.shardId);
        if (!parent) throw new Error('split of a shard that is not open');
        expect(step.newStartingHashKey > parent.start + 1n && step.newStartingHashKey < parent.end).toBe(
          true,
        );
        shards = [
          ...close(step.shardId),
          shard(next++, parent.start, step.newStartingHashKey - 1n),
          shard(next++, step.newStartingHashKey, parent.end),
        ];
      } else {
        const a = open.find((s) => s.shardId === step.shardId);
        const b = open.find((s) => s.shardId === step.adjacentShardId);
        if (!a || !b) throw new Error('merge of shards that are not open');
        expect(a.end + 1n).toBe(b.start);
        shards = [...close(a.shardId).filter(Boolean), shard(next++, a.start, b.end)];
        shards = shards.map((s) =>
          s.ShardId === b.shardId
            ? { ...s, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '2' } }
            : s,
        );
      }
    }
  }

  it('ends with exactly the target number of equal shards, from any count within AWS limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (from, factor) => {
          const to = Math.max(
            1,
            Math.min(from * 2, Math.max(Math.ceil(from / 2), Math.round(from * factor))),
          );
          const { open } = scale(from, to);
          const ranges = open
            .map((s) => [BigInt(s.HashKeyRange.StartingHashKey), BigInt(s.HashKeyRange.EndingHashKey)])
            .sort((x, y) => ((x[0] as bigint) < (y[0] as bigint) ? -1 : 1));
          const starts = uniformStarts(to);
          // Equal up to rounding: halving 20 uniform shards keeps their boundaries, a few keys off 10 uniform.
          expect(ranges).toHaveLength(to);
          ranges.forEach((r, i) => {
            const off = (r[0] as bigint) - (starts[i] as bigint);
            expect(off < 0n ? -off : off).toBeLessThan(1n << 32n);
          });
          expect(ranges[ranges.length - 1]?.[1]).toBe(MAX_HASH_KEY);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('doubles by splitting each shard once and halves by merging pairs', () => {
    expect(scale(4, 8).steps).toBe(4);
    expect(scale(8, 4).steps).toBe(4);
    expect(scale(3, 3).steps).toBe(0);
    expect(scale(20, 10).steps).toBe(10);
  });
});
