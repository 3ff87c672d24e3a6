// KPL aggregation: many small events in one Kinesis record, in the format the KPL writes and Firehose,
// the KCL and Lambda's Kinesis trigger take apart again. aws-kinesis-agg is awslabs' implementation of
// that format (protobuf body between the KPL magic number and an MD5 checksum): encoding is its job.
import { createRequire } from 'node:module';

interface AggUserRecord {
  partitionKey: string;
  data: Buffer;
}

interface EncodedRecord {
  partitionKey: string;
  data: Buffer;
}

/** aws-kinesis-agg's RecordAggregator (its bundled typings import aws-sdk v2, which we do not have). */
interface RecordAggregator {
  /** Bytes of the protobuf body so far (without the magic number and checksum). */
  totalBytes: number;
  calculateUserRecordSize(record: AggUserRecord): number;
  addUserRecord(record: AggUserRecord): void;
  length(): number;
  build(): EncodedRecord | undefined;
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  RecordAggregator: new () => RecordAggregator;
};

/** The KPL's default AggregationMaxSize: small enough to spread evenly over shards, large enough to pay. */
export const DEFAULT_AGGREGATE_BYTES = 51_200;
/** The magic number (4 bytes) and MD5 checksum (16) around the protobuf body. */
const FRAME_BYTES = 20;

/** One aggregated record being filled. */
export class Aggregate<T> {
  private readonly records = new agg.RecordAggregator();
  readonly members: T[] = [];
  private firstKey = '';

  constructor(
    private readonly maxBytes: number,
    /** When its first member came, for lingering. */
    readonly openedAt: number,
  ) {}

  get size(): number {
    return this.members.length;
  }

  /** Adds a user record unless that would take the aggregate past its size; an empty one takes any. */
  add(member: T, data: Buffer, partitionKey: string): boolean {
    const record = { data, partitionKey };
    // What Kinesis counts: the record's data (frame included) and its partition key, the first member's.
    const keyBytes = Buffer.byteLength(this.members.length > 0 ? this.firstKey : partitionKey, 'utf8');
    const grown =
      this.records.totalBytes + this.records.calculateUserRecordSize(record) + FRAME_BYTES + keyBytes;
    if (this.members.length > 0 && grown > this.maxBytes) return false;
    this.records.addUserRecord(record);
    if (this.members.length === 0) this.firstKey = partitionKey;
    this.members.push(member);
    return true;
  }

  /** The Kinesis record: the KPL-format data, and the first member's partition key (as the KPL does). */
  build(): EncodedRecord {
    const encoded = this.records.build();
    if (!encoded) throw new Error('an empty aggregate has no record');
    return encoded;
  }
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Explicit hash keys that spread consecutive aggregates evenly over the hash key space (a golden-ratio
 * sequence), so evenly split shards each get their share without the producer knowing the shard map. An
 * aggregate routed by one member's partition key would land on shards at random: with a few dozen
 * aggregates a second per shard, that unevenness alone throttles the busiest shard long before the others
 * are full. Ordering per partition key across aggregates is not kept (the pipeline does not need it).
 */
export function spreadHashKey(index: number): string {
  const fraction = (index * GOLDEN) % 1;
  return ((BigInt(Math.floor(fraction * 2 ** 52)) << 76n) | BigInt(index & 0xffff)).toString();
}
