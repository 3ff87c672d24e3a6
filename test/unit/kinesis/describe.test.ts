import kinesaliteDb from 'kinesalite/db/index.js';
import { describe, expect, it } from 'vitest';
import {
  childShards,
  decodeToken,
  encodeToken,
  filterShards,
} from '../../../src/local-cloud/kinesis/describe.js';
import type { Shard } from '../../../src/local-cloud/kinesis/hash-keys.js';
import { initialShards, repairStream, type StoredStream } from '../../../src/local-cloud/kinesis/repair.js';

const T0 = 1_790_000_000_000; // the stream's creation
const T1 = T0 + 60_000; // shard 0 split into 1 and 2
const MAX = ((1n << 128n) - 1n).toString();
const HALF = (1n << 127n).toString();

// A stream's shards as kinesalite records a split: the parent closes at T1, its children start a second later.
const shards: Shard[] = [
  {
    ShardId: 'shardId-000000000000',
    HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX },
    SequenceNumberRange: {
      StartingSequenceNumber: kinesaliteDb.stringifySequence({ shardCreateTime: T0, shardIx: 0 }),
      EndingSequenceNumber: kinesaliteDb.stringifySequence({
        shardCreateTime: T0,
        shardIx: 0,
        seqIx: '9223372036854775807',
        seqTime: T1,
      }),
    },
  },
  {
    ShardId: 'shardId-000000000001',
    ParentShardId: 'shardId-000000000000',
    HashKeyRange: { StartingHashKey: '0', EndingHashKey: (BigInt(HALF) - 1n).toString() },
    SequenceNumberRange: {
      StartingSequenceNumber: kinesaliteDb.stringifySequence({ shardCreateTime: T1 + 1000, shardIx: 1 }),
    },
  },
  {
    ShardId: 'shardId-000000000002',
    ParentShardId: 'shardId-000000000000',
    HashKeyRange: { StartingHashKey: HALF, EndingHashKey: MAX },
    SequenceNumberRange: {
      StartingSequenceNumber: kinesaliteDb.stringifySequence({ shardCreateTime: T1 + 1000, shardIx: 2 }),
    },
  },
];

const ids = (list: Shard[]) => list.map((s) => s.ShardId.slice(-1));
const context = { now: T1 + 3600_000, retentionHours: 24, createdAt: T0 };

describe('ListShards filters', () => {
  it('selects the shards open at, or since, a time', () => {
    expect(ids(filterShards(shards, { type: 'AT_LATEST' }, context))).toEqual(['1', '2']);
    expect(ids(filterShards(shards, { type: 'AT_TIMESTAMP', timestamp: T0 + 500 }, context))).toEqual(['0']);
    expect(ids(filterShards(shards, { type: 'AT_TIMESTAMP', timestamp: T1 + 10 }, context))).toEqual([
      '1',
      '2',
    ]);
    expect(ids(filterShards(shards, { type: 'AT_TIMESTAMP', timestamp: T0 - 86_400_000 }, context))).toEqual([
      '0',
    ]);
    expect(ids(filterShards(shards, { type: 'FROM_TIMESTAMP', timestamp: T0 }, context))).toEqual([
      '0',
      '1',
      '2',
    ]);
    expect(ids(filterShards(shards, { type: 'FROM_TIMESTAMP', timestamp: T1 + 10 }, context))).toEqual([
      '1',
      '2',
    ]);
  });

  it('takes the trim horizon from the retention period', () => {
    expect(ids(filterShards(shards, { type: 'AT_TRIM_HORIZON' }, context))).toEqual(['0']);
    expect(ids(filterShards(shards, { type: 'FROM_TRIM_HORIZON' }, context))).toEqual(['0', '1', '2']);
    const later = { ...context, now: T1 + 25 * 3600_000 };
    expect(ids(filterShards(shards, { type: 'AT_TRIM_HORIZON' }, later))).toEqual(['1', '2']);
    expect(ids(filterShards(shards, { type: 'FROM_TRIM_HORIZON' }, later))).toEqual(['1', '2']);
  });

  it('lists the shards after a shard id', () => {
    expect(
      ids(filterShards(shards, { type: 'AFTER_SHARD_ID', shardId: 'shardId-000000000000' }, context)),
    ).toEqual(['1', '2']);
  });

  it('names a closed shard children with their parents and ranges', () => {
    expect(childShards(shards, 'shardId-000000000000')).toEqual([
      {
        ShardId: 'shardId-000000000001',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: shards[1]?.HashKeyRange,
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: shards[2]?.HashKeyRange,
      },
    ]);
    expect(childShards(shards, 'shardId-000000000001')).toEqual([]);
  });
});

describe('pagination tokens', () => {
  it('come back as they were given for 300 seconds, then expire', () => {
    const token = encodeToken({ stream: 's', after: 'shardId-000000000004' }, 1000);
    expect(decodeToken(token, 300_999)).toMatchObject({ stream: 's', after: 'shardId-000000000004' });
    expect(() => decodeToken(token, 301_001)).toThrow(/expired/);
    expect(() => decodeToken('not-a-token', 1000)).toThrow(/is not a token this API returned/);
  });
});

describe('repairs after an interrupted stop', () => {
  const stream = (status: string): StoredStream => ({
    StreamName: 's',
    StreamStatus: status,
    StreamCreationTimestamp: T0 / 1000,
    Shards: [],
    _seqIx: [null],
  });

  it('finishes a creation with the shards kinesalite would have made', () => {
    const repaired = repairStream(stream('CREATING'), 3);
    expect(repaired.action).toBe('put');
    const made = repaired.action === 'put' ? repaired.stream : undefined;
    expect(made?.StreamStatus).toBe('ACTIVE');
    expect(made?._seqIx).toEqual([null]);
    expect(made?.Shards).toEqual(initialShards(3, T0 / 1000));
    expect(made?.Shards.map((s) => [s.ShardId, s.HashKeyRange.StartingHashKey])).toEqual([
      ['shardId-000000000000', '0'],
      ['shardId-000000000001', '113427455640312821154458202477256070485'],
      ['shardId-000000000002', '226854911280625642308916404954512140970'],
    ]);
    expect(made?.Shards[2]?.HashKeyRange.EndingHashKey).toBe(MAX);
    expect(
      kinesaliteDb.parseSequence(made?.Shards[1]?.SequenceNumberRange.StartingSequenceNumber as string),
    ).toMatchObject({
      shardCreateTime: T0,
      shardIx: 1,
    });
  });

  it('settles an interrupted split or merge, finishes a deletion, and leaves the rest', () => {
    expect(repairStream(stream('CREATING'), undefined).action).toBe('delete');
    expect(repairStream(stream('UPDATING'), 1)).toMatchObject({
      action: 'put',
      stream: { StreamStatus: 'ACTIVE' },
    });
    expect(repairStream(stream('DELETING'), 1).action).toBe('delete');
    expect(repairStream(stream('ACTIVE'), 1).action).toBe('keep');
  });
});
