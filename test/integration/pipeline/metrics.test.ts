// What the wizard graphs, read through the SDK from the local cloud's CloudWatch: records in and throttles
// per shard (a hot shard stands out), once shard-level metrics are on.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { enableShardMetrics, readPipelineMetrics } from '../../../src/pipeline/metrics.js';
import { createActiveStream, waitForStatus } from '../../support/kinesis.js';
import { useLocalCloud } from '../../support/local-cloud.js';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('pipeline metrics', () => {
  const lc = useLocalCloud();

  it('reads records in and throttles per period, per shard once shard-level metrics are on', async () => {
    const { clients } = lc();
    await createActiveStream(clients.kinesis, { StreamName: 'graphed', ShardCount: 2 });
    const before = await readPipelineMetrics(clients, { streamName: 'graphed' }, { periods: 5 });
    expect(before).toMatchObject({ shardLevel: false, shards: [], periodSeconds: 60 });
    expect(before.stream.incoming).toEqual([0, 0, 0, 0, 0]);

    await enableShardMetrics(clients.kinesis, 'graphed');
    await waitForStatus(clients.kinesis, 'graphed');
    let taken = 0;
    let refused = 0;
    for (let call = 0; call < 8; call++) {
      const out = await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: 'graphed',
          Records: Array.from({ length: 500 }, (_, i) => ({
            Data: Buffer.from(`${call}-${i}`),
            PartitionKey: 'p',
            ExplicitHashKey: '1',
          })),
        }),
      );
      refused += out.FailedRecordCount ?? 0;
      taken += 500 - (out.FailedRecordCount ?? 0);
    }
    const after = await readPipelineMetrics(
      clients,
      { streamName: 'graphed', deliveryStreamName: 'none-such' },
      { periods: 5 },
    );
    expect(after.shardLevel).toBe(true);
    expect(after.shards.map((s) => s.shardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const [hot, cold] = after.shards;
    expect(sum(hot?.incoming ?? [])).toBe(taken);
    expect(sum(hot?.throttled ?? [])).toBe(refused);
    expect(refused).toBeGreaterThan(0);
    expect(sum(cold?.incoming ?? [])).toBe(0);
    expect(sum(after.stream.incoming)).toBe(taken);
    // The newest period is last, and each series has one value a period.
    expect(after.stream.incoming.at(-1)).toBeGreaterThan(0);
    expect(after.firehose).toEqual({
      recordsIn: [0, 0, 0, 0, 0],
      delivered: [0, 0, 0, 0, 0],
      freshness: [undefined, undefined, undefined, undefined, undefined],
    });
  });
});
