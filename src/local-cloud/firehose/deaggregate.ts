// KPL-aggregated Kinesis records carry many user records; Firehose splits them before the Lambda sees
// them. aws-kinesis-agg (awslabs' own implementation of the aggregation format) does the decoding.
import { createRequire } from 'node:module';

interface AggUserRecord {
  partitionKey: string;
  subSequenceNumber?: number;
  data: string;
}

interface AggModule {
  deaggregate(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    perRecord: (error: Error | null, record?: AggUserRecord) => void,
    afterRecord: (error?: Error) => void,
  ): void;
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AggModule;

export interface UserRecord {
  data: Buffer;
  partitionKey: string;
  /** Index within the aggregate; 0 for a record that was not aggregated. */
  subsequenceNumber: number;
}

/**
 * The user records in one Kinesis record: its parts if it is a KPL aggregate, else the record itself.
 * An aggregate that fails to decode (bad checksum, truncated) is passed on whole rather than dropped, so
 * its bytes reach the processor or the destination and stay visible.
 */
export function deaggregate(record: {
  data: Buffer;
  partitionKey: string;
  sequenceNumber: string;
}): UserRecord[] {
  const parts: UserRecord[] = [];
  let failed = false;
  agg.deaggregate(
    {
      data: record.data.toString('base64'),
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
    },
    true,
    (error, user) => {
      if (error || !user) {
        failed = true;
        return;
      }
      parts.push({
        data: Buffer.from(user.data, 'base64'),
        partitionKey: user.partitionKey ?? record.partitionKey,
        subsequenceNumber: user.subSequenceNumber ?? 0,
      });
    },
    (error) => {
      if (error) failed = true;
    },
  );
  if (failed) return [{ data: record.data, partitionKey: record.partitionKey, subsequenceNumber: 0 }];
  return parts;
}
