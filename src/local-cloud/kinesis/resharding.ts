// UpdateShardCount's UNIFORM_SCALING as AWS does it: splits and merges of individual shards (short-lived
// shards included) until the open shards are `target` shards of equal hash key ranges. Planned one step
// at a time from the stream's current shards, so an interrupted scaling resumes from wherever it stopped.
import { type OpenShard, uniformStarts } from './hash-keys.js';

export type ReshardStep =
  | { kind: 'split'; shardId: string; newStartingHashKey: bigint }
  | { kind: 'merge'; shardId: string; adjacentShardId: string };

// Uniform layouts of different counts round differently (20 shards halved by merging pairs start a few
// hash keys away from 10 uniform shards): a shard boundary this close to a target boundary already is one.
const ALIGNED = 1n << 32n;

/** The target boundaries, each moved onto an existing shard boundary that is already close enough. */
function alignedBoundaries(open: readonly OpenShard[], target: number): bigint[] {
  return uniformStarts(target)
    .slice(1)
    .map((b) => open.find((s) => (s.start > b ? s.start - b : b - s.start) <= ALIGNED)?.start ?? b);
}

/** The index of the target range holding `key`. */
function rangeOf(starts: readonly bigint[], key: bigint): number {
  let index = 0;
  for (let i = 1; i < starts.length; i++) if ((starts[i] as bigint) <= key) index = i;
  return index;
}

/** The next split or merge towards `target` uniform shards, or undefined once the stream has them. */
export function nextReshardStep(open: readonly OpenShard[], target: number): ReshardStep | undefined {
  const boundaries = alignedBoundaries(open, target);
  const starts = [0n, ...boundaries];
  for (const shard of open) {
    const boundary = boundaries.find((b) => shard.start < b && b <= shard.end);
    if (boundary !== undefined)
      return { kind: 'split', shardId: shard.shardId, newStartingHashKey: boundary };
  }
  for (let i = 0; i + 1 < open.length; i++) {
    const left = open[i] as OpenShard;
    const right = open[i + 1] as OpenShard;
    if (rangeOf(starts, left.start) === rangeOf(starts, right.start)) {
      return { kind: 'merge', shardId: left.shardId, adjacentShardId: right.shardId };
    }
  }
  return undefined;
}
