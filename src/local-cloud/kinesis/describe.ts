// How streams and shards are described: kinesalite's description with what the edge knows on top
// (capacity mode, encryption, retention beyond 168 hours, metrics, UPDATING while the edge changes a
// stream), and ListShards' filters and pages, which kinesalite does not have. Pure functions.
import { ServiceError } from '../protocol/common.js';
import type { Shard } from './hash-keys.js';
import type { StreamMeta } from './metadata.js';
import { shardClosedAt, shardOpenedAt } from './sequence.js';

/** A stream as kinesalite's DescribeStream returns it. */
export interface BackendStream {
  StreamName: string;
  StreamARN: string;
  StreamStatus: string;
  StreamCreationTimestamp: number;
  RetentionPeriodHours: number;
  EncryptionType?: string;
  EnhancedMonitoring?: { ShardLevelMetrics?: string[] }[];
  Shards: Shard[];
}

/** The fields every description of a stream shares, with the edge's knowledge applied. */
export function streamFields(stream: BackendStream, meta: StreamMeta | undefined, status: string) {
  return {
    StreamName: stream.StreamName,
    StreamARN: stream.StreamARN,
    StreamStatus: status,
    StreamModeDetails: { StreamMode: meta?.mode ?? 'PROVISIONED' },
    RetentionPeriodHours: meta?.retentionHours ?? stream.RetentionPeriodHours,
    StreamCreationTimestamp: stream.StreamCreationTimestamp,
    EnhancedMonitoring: [{ ShardLevelMetrics: meta?.shardLevelMetrics ?? [] }],
    EncryptionType: meta?.encryption ? 'KMS' : 'NONE',
    ...(meta?.encryption ? { KeyId: meta.encryption.keyId } : {}),
  };
}

export function openShardCount(shards: readonly Shard[]): number {
  return shards.filter((shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined).length;
}

/** DescribeStream's page of shards: at most `limit` after `exclusiveStart`. */
export function shardPage(shards: readonly Shard[], limit: number, exclusiveStart: string | undefined) {
  const after = exclusiveStart === undefined ? shards : shards.filter((s) => s.ShardId > exclusiveStart);
  return { Shards: after.slice(0, limit), HasMoreShards: after.length > limit };
}

export type ShardFilterType =
  | 'AFTER_SHARD_ID'
  | 'AT_TRIM_HORIZON'
  | 'FROM_TRIM_HORIZON'
  | 'AT_LATEST'
  | 'AT_TIMESTAMP'
  | 'FROM_TIMESTAMP';

export interface ShardFilter {
  type: ShardFilterType;
  shardId?: string;
  /** Epoch ms. */
  timestamp?: number;
}

interface ShardTimes {
  shard: Shard;
  closed: number | undefined;
  /** When the shard began taking records: its creation, or when its parents closed. */
  opened: number;
}

function timesOf(shards: readonly Shard[]): ShardTimes[] {
  const closedAt = new Map(shards.map((shard) => [shard.ShardId, shardClosedAt(shard)]));
  return shards.map((shard) => {
    const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && closedAt.has(id),
    );
    const parentsClosed = parents.map((id) => closedAt.get(id) ?? Number.POSITIVE_INFINITY);
    return {
      shard,
      closed: closedAt.get(shard.ShardId),
      opened: parents.length ? Math.max(...parentsClosed) : shardOpenedAt(shard),
    };
  });
}

/** The shards a ListShards ShardFilter selects, in shard order. */
export function filterShards(
  shards: readonly Shard[],
  filter: ShardFilter,
  context: { now: number; retentionHours: number; createdAt: number },
): Shard[] {
  const times = timesOf(shards);
  // Before a stream existed, its first shards are the ones open "then".
  const clamp = (t: number) => Math.max(t, context.createdAt);
  const openAt = (t: number) =>
    times.filter((x) => x.opened <= clamp(t) && (x.closed === undefined || x.closed > clamp(t)));
  const notClosedBy = (t: number) => times.filter((x) => x.closed === undefined || x.closed > t);
  const trimHorizon = context.now - context.retentionHours * 3600_000;
  let chosen: ShardTimes[];
  switch (filter.type) {
    case 'AFTER_SHARD_ID':
      chosen = times.filter((x) => x.shard.ShardId > (filter.shardId ?? ''));
      break;
    case 'AT_LATEST':
      chosen = times.filter((x) => x.closed === undefined);
      break;
    case 'AT_TRIM_HORIZON':
      chosen = openAt(trimHorizon);
      break;
    case 'FROM_TRIM_HORIZON':
      chosen = notClosedBy(trimHorizon);
      break;
    case 'AT_TIMESTAMP':
      chosen = openAt(filter.timestamp ?? context.now);
      break;
    case 'FROM_TIMESTAMP':
      chosen = notClosedBy(clamp(filter.timestamp ?? context.now));
      break;
  }
  return chosen.map((x) => x.shard);
}

/** The shards a closed shard's records continue in, as GetRecords reports them at the shard's end. */
export function childShards(shards: readonly Shard[], shardId: string) {
  return shards
    .filter((s) => s.ParentShardId === shardId || s.AdjacentParentShardId === shardId)
    .map((s) => ({
      ShardId: s.ShardId,
      ParentShards: [s.ParentShardId, s.AdjacentParentShardId].filter((id): id is string => id !== undefined),
      HashKeyRange: s.HashKeyRange,
    }));
}

/** Pagination tokens: opaque to callers, and like AWS's, valid for 300 seconds. */
const TOKEN_LIFETIME_MS = 300_000;

export function encodeToken(state: Record<string, unknown>, now: number): string {
  return Buffer.from(JSON.stringify({ ...state, issued: now }), 'utf8').toString('base64');
}

export function decodeToken<T>(token: string, now: number): T {
  let state: (T & { issued?: unknown }) | undefined;
  try {
    state = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    state = undefined;
  }
  if (!state || typeof state !== 'object' || typeof state.issued !== 'number') {
    throw new ServiceError(
      'InvalidArgumentException',
      `NextToken ${token} is not a token this API returned.`,
    );
  }
  if (now - state.issued > TOKEN_LIFETIME_MS) {
    throw new ServiceError(
      'ExpiredNextTokenException',
      'The NextToken has expired (tokens last 300 seconds): list again without it.',
    );
  }
  return state;
}
