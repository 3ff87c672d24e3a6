// How Kinesis picks a record's shard: the MD5 of the partition key (or the ExplicitHashKey), read as an
// unsigned 128-bit number, falls into exactly one open shard's hash key range.
import * as crypto from 'node:crypto';

export const MAX_HASH_KEY = (1n << 128n) - 1n;

// crypto.hash (Node 20.12 and later) is three times as fast as a Hash object for one short key.
const md5Hex: (key: string) => string =
  typeof crypto.hash === 'function'
    ? (key) => crypto.hash('md5', key, 'hex')
    : (key) => crypto.createHash('md5').update(key, 'utf8').digest('hex');

export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${md5Hex(partitionKey)}`);
}

export interface HashKeyRange {
  StartingHashKey: string;
  EndingHashKey: string;
}

/** A shard as the Kinesis API describes it. */
export interface Shard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: HashKeyRange;
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

export interface OpenShard {
  shardId: string;
  start: bigint;
  end: bigint;
}

export function isOpen(shard: Shard): boolean {
  return shard.SequenceNumberRange.EndingSequenceNumber === undefined;
}

export function openShards(shards: readonly Shard[]): OpenShard[] {
  return shards
    .filter(isOpen)
    .map((shard) => ({
      shardId: shard.ShardId,
      start: BigInt(shard.HashKeyRange.StartingHashKey),
      end: BigInt(shard.HashKeyRange.EndingHashKey),
    }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** The open shards of a stream, ordered by hash key, for routing records the way Kinesis does. */
export class ShardMap {
  readonly open: readonly OpenShard[];

  constructor(shards: readonly Shard[]) {
    this.open = openShards(shards);
  }

  /** The open shard whose range holds the hash key (undefined only while a stream has no open shard). */
  route(hashKey: bigint): OpenShard | undefined {
    let low = 0;
    let high = this.open.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const shard = this.open[middle] as OpenShard;
      if (hashKey < shard.start) high = middle - 1;
      else if (hashKey > shard.end) low = middle + 1;
      else return shard;
    }
    return undefined;
  }
}

/** The starting hash keys of `count` uniform shards, as CreateStream lays them out. */
export function uniformStarts(count: number): bigint[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => width * BigInt(i));
}
