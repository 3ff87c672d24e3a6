// kinesalite finishes a CreateStream, a split or merge, or a DeleteStream on a timer; a local cloud stopped
// before the timer fires leaves the stream CREATING, UPDATING or DELETING for good. Before kinesalite opens
// its store again, each such stream is brought to where the interrupted operation was going.
import kinesaliteDb from 'kinesalite/db/index.js';
import { MAX_HASH_KEY, type Shard, uniformStarts } from './hash-keys.js';

/** A stream as kinesalite stores it (its description, plus hidden fields kept as they are). */
export interface StoredStream {
  StreamName: string;
  StreamStatus: string;
  StreamCreationTimestamp: number;
  Shards: Shard[];
  [hidden: string]: unknown;
}

export type Repair =
  | { action: 'keep' }
  | { action: 'put'; stream: StoredStream; note: string }
  | { action: 'delete'; note: string };

/** The shards kinesalite's CreateStream would have made for `count` shards created at `createdSeconds`. */
export function initialShards(count: number, createdSeconds: number): Shard[] {
  const starts = uniformStarts(count);
  return starts.map((start, i) => ({
    HashKeyRange: {
      StartingHashKey: start.toString(),
      EndingHashKey: ((starts[i + 1] ?? MAX_HASH_KEY + 1n) - 1n).toString(),
    },
    SequenceNumberRange: {
      StartingSequenceNumber: kinesaliteDb.stringifySequence({
        shardCreateTime: createdSeconds * 1000,
        shardIx: i,
      }),
    },
    ShardId: kinesaliteDb.shardIdName(i),
  }));
}

export function repairStream(stream: StoredStream, shardCount: number | undefined): Repair {
  switch (stream.StreamStatus) {
    case 'CREATING':
      if (shardCount === undefined) {
        return { action: 'delete', note: 'its creation was interrupted and its shard count is unknown' };
      }
      return {
        action: 'put',
        stream: {
          ...stream,
          StreamStatus: 'ACTIVE',
          Shards: initialShards(shardCount, stream.StreamCreationTimestamp),
        },
        note: `finished its interrupted creation with ${shardCount} shard(s)`,
      };
    case 'UPDATING':
      return {
        action: 'put',
        stream: { ...stream, StreamStatus: 'ACTIVE' },
        note: 'a split or merge was interrupted before it applied; the stream is ACTIVE with its shards as they were',
      };
    case 'DELETING':
      return { action: 'delete', note: 'finished its interrupted deletion' };
    default:
      return { action: 'keep' };
  }
}
