// KPL aggregation for tests, with aws-kinesis-agg: the format the KPL and the producer's --aggregate write.
import { createRequire } from 'node:module';

// Its bundled typings import the v2 SDK, which is not installed: loaded untyped, with the part used here.
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer };
  };
};

/** One aggregated Kinesis record holding these user records (under 1 MB in all). */
export function aggregateRecords(records: ReadonlyArray<{ partitionKey: string; data: string | Buffer }>): {
  partitionKey: string;
  data: Buffer;
} {
  const aggregator = new agg.RecordAggregator();
  for (const r of records)
    aggregator.addUserRecord({ partitionKey: r.partitionKey, data: Buffer.from(r.data) });
  return aggregator.build();
}
