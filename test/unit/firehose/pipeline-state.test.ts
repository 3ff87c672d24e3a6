import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../../../src/local-cloud/firehose/buffer.js';
import { CheckpointTracker } from '../../../src/local-cloud/firehose/checkpoints.js';
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
