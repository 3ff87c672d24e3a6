import fc from 'fast-check';
import kinesaliteDb from 'kinesalite/db/index.js';
import { describe, expect, it } from 'vitest';
import {
  parseSequence,
  partitionKeyToHashKey,
  stringifySequence,
} from '../../../src/local-cloud/kinesis/fast-sequences.js';

// kinesalite's own conversions, the reference the fast ones must match exactly.
const reference = {
  stringify: kinesaliteDb.stringifySequence,
  parse: kinesaliteDb.parseSequence,
};

function outcome<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const parts = fc.record({
  shardCreateTime: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  shardIx: fc.integer({ min: 0, max: 100_000 }),
  seqIx: fc.oneof(
    fc.integer({ min: 0, max: 2 ** 40 }),
    fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String),
  ),
  seqTime: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

describe('fast sequence numbers', () => {
  it('stringify exactly as kinesalite does', () => {
    fc.assert(
      fc.property(parts, (p) => {
        expect(stringifySequence(p, reference.stringify)).toBe(reference.stringify(p));
        const bare = { shardCreateTime: p.shardCreateTime, shardIx: p.shardIx };
        expect(stringifySequence(bare, reference.stringify)).toBe(reference.stringify(bare));
      }),
      { numRuns: 500 },
    );
  });

  it('parse exactly as kinesalite does, its own numbers and arbitrary ones', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const sequence = reference.stringify(p);
        expect(outcome(() => parseSequence(sequence, reference.parse))).toEqual(
          outcome(() => reference.parse(sequence)),
        );
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 190n }), (n) => {
        const sequence = n.toString();
        expect(outcome(() => parseSequence(sequence, reference.parse))).toEqual(
          outcome(() => reference.parse(sequence)),
        );
      }),
      { numRuns: 500 },
    );
    // Anything shaped like a version 2 number, including ones kinesalite refuses.
    const version2 = fc
      .bigInt({ min: 1n, max: (1n << 184n) - 1n })
      .map((x) => (((1n << 185n) + x) & ~0xfn) | 2n);
    fc.assert(
      fc.property(version2, (n) => {
        const sequence = n.toString();
        expect(outcome(() => parseSequence(sequence, reference.parse))).toEqual(
          outcome(() => reference.parse(sequence)),
        );
      }),
      { numRuns: 1000 },
    );
    for (const odd of ['', 'abc', '-1', '49590338271490256608559692538361571095921575989136588898']) {
      expect(outcome(() => parseSequence(odd, reference.parse))).toEqual(outcome(() => reference.parse(odd)));
    }
  });

  it('hash partition keys to the numbers kinesalite compares with shard ranges', () => {
    fc.assert(
      fc.property(fc.string(), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (key, bound) => {
        const fast = partitionKeyToHashKey(key);
        const slow = kinesaliteDb.partitionKeyToHashKey(key);
        expect(fast.toFixed()).toBe(slow.toFixed());
        expect(fast.comparedTo(bound.toString())).toBe(slow.comparedTo(bound.toString()));
      }),
      { numRuns: 300 },
    );
  });
});
