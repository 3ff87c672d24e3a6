import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListTagsForStreamCommand,
  PutRecordsCommand,
  StartStreamEncryptionCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { createActiveStream, readStream, text, waitForStatus } from '../../support/kinesis.js';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';

async function snapshot(fixture: LocalCloudFixture, names: string[]) {
  const kinesis = fixture.clients.kinesis;
  const streams: Record<string, unknown> = {};
  for (const name of names) {
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    const tags = (await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }))).Tags;
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards;
    const records = [...(await readStream(kinesis, name))].map(([shard, rs]) => [
      shard,
      rs.map((r) => [r.SequenceNumber, r.PartitionKey, text(r.Data), r.EncryptionType]),
    ]);
    streams[name] = { summary, tags, shards, records };
  }
  return streams;
}

describe('Kinesis across a restart', () => {
  it('keeps streams, their records, modes, encryption, tags, retention and ARNs', async () => {
    const dataDir = tempDir('kinesis-restart-');
    const first = await startTestCloud({ dataDir });
    let before: Record<string, unknown>;
    try {
      const kinesis = first.clients.kinesis;
      await createActiveStream(kinesis, {
        StreamName: 'kept-provisioned',
        ShardCount: 2,
        Tags: { app: 'kinesis-tui' },
      });
      await createActiveStream(kinesis, {
        StreamName: 'kept-on-demand',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      });
      await kinesis.send(
        new StartStreamEncryptionCommand({
          StreamName: 'kept-on-demand',
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      );
      await kinesis.send(
        new IncreaseStreamRetentionPeriodCommand({
          StreamName: 'kept-provisioned',
          RetentionPeriodHours: 400,
        }),
      );
      await waitForStatus(kinesis, 'kept-on-demand');
      for (const name of ['kept-provisioned', 'kept-on-demand']) {
        const output = await kinesis.send(
          new PutRecordsCommand({
            StreamName: name,
            Records: Array.from({ length: 50 }, (_, i) => ({
              PartitionKey: `user-${i}`,
              Data: Buffer.from(`${name} ${i}`),
            })),
          }),
        );
        expect(output.FailedRecordCount).toBe(0);
      }
      // A creation still under way when the local cloud stops is finished by the next start.
      await kinesis.send(new CreateStreamCommand({ StreamName: 'kept-creating', ShardCount: 3 }));
      before = await snapshot(first, ['kept-provisioned', 'kept-on-demand']);
    } finally {
      await stopTestCloud(first, { keepData: true });
    }

    const second = await startTestCloud({ dataDir });
    try {
      const after = await snapshot(second, ['kept-provisioned', 'kept-on-demand']);
      expect(after).toEqual(before);
      expect(after['kept-on-demand']).toMatchObject({
        summary: {
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/kept-on-demand',
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
          OpenShardCount: 4,
        },
      });
      expect(after['kept-provisioned']).toMatchObject({
        summary: { RetentionPeriodHours: 400, StreamModeDetails: { StreamMode: 'PROVISIONED' } },
        tags: [{ Key: 'app', Value: 'kinesis-tui' }],
      });
      const kinesis = second.clients.kinesis;
      await waitForStatus(kinesis, 'kept-creating');
      expect(
        (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'kept-creating' })))
          .StreamDescriptionSummary?.OpenShardCount,
      ).toBe(3);
      // Writing goes on after the records already there.
      const more = await kinesis.send(
        new PutRecordsCommand({
          StreamName: 'kept-provisioned',
          Records: [{ PartitionKey: 'user-0', Data: Buffer.from('after') }],
        }),
      );
      expect(more.FailedRecordCount).toBe(0);
      const records = [...(await readStream(kinesis, 'kept-provisioned')).values()].flat();
      expect(records.map((r) => text(r.Data))).toContain('after');
      expect(records).toHaveLength(51);
    } finally {
      await stopTestCloud(second);
    }
  }, 120_000);
});
