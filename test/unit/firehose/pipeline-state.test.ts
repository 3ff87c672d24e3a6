import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../../../src/local-cloud/firehose/buffer.js';
import { CheckpointTracker } from '../../../src/local-cloud/firehose/checkpoints.js';
import { deaggregate } from '../../../src/local-cloud/firehose/deaggregate.js';
import { readableShards } from '../../../src/local-cloud/firehose/kinesis-source.js';

const item = (size: number) => ({ size });

describe('buffering', () => {
  const hints = { sizeBytes: 100, intervalMs: 1000 };

  it('flushes on size or on interval, whichever comes first', () => {
    const buffer = new RecordBuffer<{ size: number }>();
    expect(buffer.due(hints, 0)).toBe(false);
    buffer.add([item(40)], 0);
    expect(buffer.due(hints, 999)).toBe(false);
    expect(buffer.due(hints, 1000)).toBe(true);
    buffer.add([item(60)], 10);
    expect(buffer.due(hints, 11)).toBe(true);
  });

  it('with interval 0, is due as soon as it holds anything', () => {
    const buffer = new RecordBuffer<{ size: number }>();
    buffer.add([item(1)], 5);
    expect(buffer.due({ sizeBytes: 100, intervalMs: 0 }, 5)).toBe(true);
  });

  it('takes at most the size hint per flush, and at least one record', () => {
    const buffer = new RecordBuffer<{ size: number }>();
    buffer.add([item(60), item(30), item(30), item(500)], 0);
    expect(buffer.take(hints).map((i) => i.size)).toEqual([60, 30]);
    expect(buffer.take(hints).map((i) => i.size)).toEqual([30]);
    expect(buffer.take(hints).map((i) => i.size)).toEqual([500]);
    expect(buffer.length).toBe(0);
  });
});

describe('checkpoints', () => {
  it('move only over the settled run from the start of each source', () => {
    const tracker = new CheckpointTracker();
    const a1 = tracker.track('shard-a', '1', 1);
    const a2 = tracker.track('shard-a', '2', 1);
    const b1 = tracker.track('shard-b', '7', 1);
    tracker.settle(a2);
    expect(tracker.advance()).toEqual(new Map());
    tracker.settle(a1);
    tracker.settle(b1);
    expect(tracker.advance()).toEqual(
      new Map([
        ['shard-a', '2'],
        ['shard-b', '7'],
      ]),
    );
    expect(tracker.outstanding('shard-a')).toBe(0);
  });

  it('wait for every user record of an aggregate, and settle an empty one at once', () => {
    const tracker = new CheckpointTracker();
    const aggregate = tracker.track('s', '1', 3);
    tracker.track('s', '2', 0);
    tracker.settle(aggregate);
    tracker.settle(aggregate);
    expect(tracker.advance().size).toBe(0);
    tracker.settle(aggregate);
    expect(tracker.advance().get('s')).toBe('2');
  });
});

describe('resharding', () => {
  const shards = [
    { ShardId: 'p' },
    { ShardId: 'c1', ParentShardId: 'p' },
    { ShardId: 'c2', ParentShardId: 'p' },
    { ShardId: 'm', ParentShardId: 'c1', AdjacentParentShardId: 'c2' },
  ];
  const ids = (list: { ShardId?: string }[]) => list.map((s) => s.ShardId);

  it('reads parents to their end before children, and merged children after both parents', () => {
    expect(ids(readableShards(shards, {}, new Set()))).toEqual(['p']);
    expect(ids(readableShards(shards, {}, new Set(['p'])))).toEqual(['c1', 'c2']);
    expect(ids(readableShards(shards, { p: { finished: true }, c1: { finished: true } }, new Set()))).toEqual(
      ['c2'],
    );
    expect(ids(readableShards(shards, { p: { finished: true } }, new Set(['c1', 'c2'])))).toEqual(['m']);
  });

  it('reads a child whose parent has expired from the stream', () => {
    expect(ids(readableShards([{ ShardId: 'c', ParentShardId: 'gone' }], {}, new Set()))).toEqual(['c']);
  });
});

describe('de-aggregation', () => {
  it('splits a KPL aggregate into its user records, and passes a plain record through', async () => {
    const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
      aggregate(
        records: Array<{ partitionKey: string; data: Buffer }>,
        onEncoded: (encoded: { partitionKey: string; data: Buffer }, done: (err?: Error) => void) => void,
        afterPut: () => void,
        onError: (err: Error) => void,
      ): void;
    };
    const encoded: Array<{ partitionKey: string; data: Buffer }> = [];
    await new Promise<void>((resolve, reject) => {
      agg.aggregate(
        ['one', 'two', 'three'].map((t, i) => ({ partitionKey: `pk${i}`, data: Buffer.from(t) })),
        (record, done) => {
          encoded.push(record);
          done();
        },
        resolve,
        reject,
      );
    });
    expect(encoded).toHaveLength(1);
    const parts = deaggregate({
      data: Buffer.from(encoded[0]?.data ?? []),
      partitionKey: 'pk0',
      sequenceNumber: '1',
    });
    expect(parts.map((p) => [p.data.toString(), p.partitionKey, p.subsequenceNumber])).toEqual([
      ['one', 'pk0', 0],
      ['two', 'pk1', 1],
      ['three', 'pk2', 2],
    ]);
    const plain = deaggregate({ data: Buffer.from('{"a":1}'), partitionKey: 'k', sequenceNumber: '2' });
    expect(plain.map((p) => p.data.toString())).toEqual(['{"a":1}']);
  });

  it('passes a corrupt aggregate on whole rather than dropping it', () => {
    const corrupt = Buffer.concat([
      Buffer.from('f3899ac2', 'hex'),
      Buffer.from('garbage-that-is-not-protobuf-with-md5'),
    ]);
    const parts = deaggregate({ data: corrupt, partitionKey: 'k', sequenceNumber: '3' });
    expect(parts).toHaveLength(1);
    expect(parts[0]?.data.equals(corrupt)).toBe(true);
  });
});
