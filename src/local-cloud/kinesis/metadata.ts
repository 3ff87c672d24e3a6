// What the edge knows of each stream beyond what kinesalite keeps (kinesalite keeps shards, records and
// retention up to 168 hours): persisted beside kinesalite's LevelDB, one file a region.
import type { Tags } from './tags.js';

export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** An enhanced fan-out consumer registered with a stream. */
export interface ConsumerMeta {
  /** Epoch ms; its whole seconds end the consumer's ARN. */
  createdAt: number;
  /** Epoch ms of DeregisterStreamConsumer: DELETING for a moment, then gone. */
  deletingSince?: number;
  tags?: Tags;
  /** A resource policy (JSON text) put on the consumer's ARN. */
  policy?: string;
}

export interface StreamMeta {
  mode: StreamMode;
  /** The shard count asked for at creation: lets a restart finish a creation it interrupted. */
  shardCount: number;
  /** Server-side encryption, once StartStreamEncryption (or CloudFormation's StreamEncryption) set it. */
  encryption?: { type: 'KMS'; keyId: string };
  /** Retention above kinesalite's 168-hour ceiling (AWS allows up to 8,760 hours). */
  retentionHours?: number;
  tags?: Tags;
  /** Enhanced shard-level metrics turned on. */
  shardLevelMetrics?: string[];
  /** The target of an UpdateShardCount still under way; a restart resumes it. */
  targetShardCount?: number;
  /** When UpdateShardCount was called (epoch ms), for AWS's ten-a-day limit. */
  scalings?: number[];
  /** Enhanced fan-out consumers by name. */
  consumers?: Record<string, ConsumerMeta>;
  /** A resource policy (JSON text) put on the stream's ARN. */
  policy?: string;
}

export type RegionMeta = Record<string, StreamMeta>;

export const META_FILE = 'streams.json';
export const LEVELDB_DIR = 'leveldb';
