// Reads a Kinesis stream the way Firehose does: every shard about once per poll interval, each from its
// checkpoint (or, never read, from the records that arrived since the delivery stream was created), parent
// shards to their end before their children. Talks to Kinesis through the SDK, as any consumer would.
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';

/** Persisted per shard: the last sequence number settled, and whether every record of it is settled. */
export interface ShardCheckpoint {
  after?: string;
  finished?: boolean;
}

export interface ShardRead {
  shardId: string;
  records: _Record[];
}

interface ShardState {
  iterator?: string;
  /** Sequence number of the last record handed out in this run. */
  lastRead?: string;
  /** Reading reached the end of a closed shard in this run. */
  ended: boolean;
  nextPollAt: number;
}

const SHARD_REFRESH_MS = 10_000;
const ERROR_BACKOFF_MS = 2_000;

/**
 * The shards to read now: not finished, and whose parents are finished, read to their end, or gone
 * (expired or never known), so a reshard is followed parent first, as Firehose does.
 */
export function readableShards<S extends Pick<Shard, 'ShardId' | 'ParentShardId' | 'AdjacentParentShardId'>>(
  shards: readonly S[],
  checkpoints: Readonly<Record<string, ShardCheckpoint>>,
  ended: ReadonlySet<string>,
): S[] {
  const known = new Set(shards.map((s) => s.ShardId));
  const done = (id: string | undefined) =>
    !id || !known.has(id) || checkpoints[id]?.finished === true || ended.has(id);
  return shards.filter(
    (s) =>
      s.ShardId &&
      checkpoints[s.ShardId]?.finished !== true &&
      !ended.has(s.ShardId) &&
      done(s.ParentShardId) &&
      done(s.AdjacentParentShardId),
  );
}

export class KinesisSource {
  private shards: Shard[] = [];
  private shardsAt = 0;
  private readonly states = new Map<string, ShardState>();

  constructor(
    private readonly kinesis: KinesisClient,
    readonly streamName: string,
    /** Records that arrived before this (epoch ms) are not for this delivery stream. */
    private readonly startTimestamp: number,
    private readonly pollMs: number,
    private readonly log: (message: string) => void,
  ) {}

  /** Shards whose reading reached their end in this run. */
  endedShards(): Set<string> {
    return new Set([...this.states].filter(([, s]) => s.ended).map(([id]) => id));
  }

  private async listShards(signal: AbortSignal): Promise<Shard[]> {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const page = await this.kinesis.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.streamName }),
        { abortSignal: signal },
      );
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token);
    return shards;
  }

  private async iterator(
    shardId: string,
    checkpoint: ShardCheckpoint,
    state: ShardState,
    signal: AbortSignal,
  ) {
    const after = state.lastRead ?? checkpoint.after;
    const result = await this.kinesis.send(
      new GetShardIteratorCommand(
        after
          ? {
              StreamName: this.streamName,
              ShardId: shardId,
              ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
              StartingSequenceNumber: after,
            }
          : // AT_TIMESTAMP would say this directly, but not every Kinesis emulator answers it on an empty
            // shard; reading from the trim horizon and skipping older records gives the same records.
            { StreamName: this.streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
      { abortSignal: signal },
    );
    return result.ShardIterator;
  }

  /** Polls every readable shard that is due, returning what each gave (in shard order). */
  async poll(
    now: number,
    checkpoints: Readonly<Record<string, ShardCheckpoint>>,
    signal: AbortSignal,
  ): Promise<ShardRead[]> {
    if (now - this.shardsAt >= SHARD_REFRESH_MS || this.shards.length === 0) {
      try {
        this.shards = await this.listShards(signal);
        this.shardsAt = now;
      } catch (error) {
        if (signal.aborted) return [];
        this.log(`firehose: listing shards of ${this.streamName}: ${(error as Error).message}`);
        this.shardsAt = now - SHARD_REFRESH_MS + ERROR_BACKOFF_MS;
        if (this.shards.length === 0) return [];
      }
    }
    const reads: ShardRead[] = [];
    for (const shard of readableShards(this.shards, checkpoints, this.endedShards())) {
      const shardId = shard.ShardId ?? '';
      let state = this.states.get(shardId);
      if (!state) {
        state = { ended: false, nextPollAt: 0 };
        this.states.set(shardId, state);
      }
      if (state.nextPollAt > now) continue;
      state.nextPollAt = now + this.pollMs;
      try {
        state.iterator ??= await this.iterator(shardId, checkpoints[shardId] ?? {}, state, signal);
        if (!state.iterator) {
          state.ended = true;
          continue;
        }
        const result = await this.kinesis.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 10_000 }),
          {
            abortSignal: signal,
          },
        );
        const records = (result.Records ?? []).filter(
          (r) => (r.ApproximateArrivalTimestamp?.getTime() ?? now) >= this.startTimestamp,
        );
        const last = result.Records?.at(-1)?.SequenceNumber;
        if (last) state.lastRead = last;
        state.iterator = result.NextShardIterator;
        if (!state.iterator) {
          state.ended = true;
          // A closed shard's children are now readable: look for them without waiting for the refresh.
          this.shardsAt = 0;
        }
        if (records.length > 0) reads.push({ shardId, records });
      } catch (error) {
        if (signal.aborted) return reads;
        // The iterator is rebuilt from the last record read, so an expired or failed one loses nothing.
        state.iterator = undefined;
        state.nextPollAt = now + Math.max(this.pollMs, ERROR_BACKOFF_MS);
        const name = (error as Error).name;
        if (name !== 'ExpiredIteratorException') {
          this.log(`firehose: reading ${this.streamName}/${shardId}: ${name}: ${(error as Error).message}`);
        }
        if (name === 'ResourceNotFoundException') this.shardsAt = 0;
      }
    }
    return reads;
  }
}
