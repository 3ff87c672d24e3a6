import { createRequire } from 'node:module';
import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { Aggregate, DEFAULT_AGGREGATE_BYTES, spreadHashKey } from '../../../src/pipeline/aggregation.js';
import { createEventSource } from '../../../src/pipeline/events.js';
import { Producer } from '../../../src/pipeline/producer.js';

// The reader side is the same library Firehose's de-aggregation uses: what we write, it must read back.
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    checksums: boolean,
    done: (error: Error | null, records?: Array<{ data: string; partitionKey: string }>) => void,
  ): void;
};

function userRecords(data: Uint8Array, partitionKey: string) {
  let out: Array<{ data: string; partitionKey: string }> = [];
  agg.deaggregateSync(
    { data: Buffer.from(data).toString('base64'), partitionKey, sequenceNumber: '1' },
    true,
    (error, records) => {
      if (error) throw error;
      out = records ?? [];
    },
  );
  return out.map((r) => ({
    text: Buffer.from(r.data, 'base64').toString('utf8'),
    partitionKey: r.partitionKey,
  }));
}

type Input = { Data: Uint8Array; PartitionKey: string; ExplicitHashKey?: string };

describe('KPL aggregation', () => {
  it('packs user records up to the size, and the KPL reader gets each back with its partition key', () => {
    const aggregate = new Aggregate<number>(2_000, 0);
    let added = 0;
    while (aggregate.add(added, Buffer.from(`{"n":${added},"pad":"${'x'.repeat(60)}"}`), `user-${added % 7}`))
      added++;
    expect(added).toBeGreaterThan(10);
    const record = aggregate.build();
    expect(record.data.byteLength).toBeLessThanOrEqual(2_000);
    const back = userRecords(record.data, record.partitionKey);
    expect(back).toHaveLength(added);
    expect(back[3]).toEqual({ text: `{"n":3,"pad":"${'x'.repeat(60)}"}`, partitionKey: 'user-3' });
    expect(aggregate.members).toEqual(Array.from({ length: added }, (_, i) => i));
  });

  it('spreads explicit hash keys evenly over four evenly split shards', () => {
    const shardOf = (key: string) => Number((BigInt(key) * 4n) >> 128n);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++)
      counts[shardOf(spreadHashKey(i))] = (counts[shardOf(spreadHashKey(i))] ?? 0) + 1;
    for (const count of counts) expect(Math.abs(count - 100)).toBeLessThanOrEqual(3);
  });

  it('the producer with --aggregate sends every event once, many to a record, each record within its size', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let seq = 0;
    const kinesis = {
      async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
        const records = (command.input.Records ?? []) as Input[];
        for (const r of records) {
          expect(r.ExplicitHashKey).toMatch(/^\d+$/);
          sizes.push(r.Data.byteLength + Buffer.byteLength(r.PartitionKey));
          for (const u of userRecords(r.Data, r.PartitionKey)) {
            const text = u.text;
            seen.push(text.startsWith('{') ? (JSON.parse(text) as { event_id: string }).event_id : text);
          }
        }
        await new Promise((r) => setTimeout(r, 2));
        return {
          Records: records.map(() => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(++seq) })),
          FailedRecordCount: 0,
          $metadata: {},
        };
      },
    };
    const producer = new Producer({
      kinesis,
      stream: { name: 'events' },
      source: createEventSource({ seed: 5, users: 100 }),
      rate: Number.POSITIVE_INFINITY,
      count: 5_000,
      aggregate: true,
    });
    const malformed = producer.sendMalformed();
    const summary = await producer.run();
    expect(summary).toMatchObject({ sent: 5_001, acknowledged: 5_001, failed: 0 });
    expect(new Set(seen).size).toBe(5_001);
    expect(seen).toHaveLength(5_001);
    expect(seen).toContain(`malformed record ${malformed} (not JSON, sent on purpose)`);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(DEFAULT_AGGREGATE_BYTES);
    // How full aggregates get depends on the pace (a part-filled one leaves after 20 ms): well above one.
    expect(summary.eventsPerRecord).toBeGreaterThan(5);
  });
});
