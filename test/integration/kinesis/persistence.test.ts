import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetResourcePolicyCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListTagsForStreamCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
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

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/kept-provisioned';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'kinesis:PutRecord', Resource: ARN },
  ],
});

describe('Kinesis across a restart', () => {
  it('keeps streams, their records, modes, encryption, tags, retention, ARNs, consumers and policies', async () => {
    const dataDir = tempDir('kinesis-restart-');
    const first = await startTestCloud({ dataDir });
    let before: Record<string, unknown>;
    let consumerArn: string | undefined;
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
      // An enhanced fan-out consumer and a resource policy, kept by the edge.
      const { Consumer } = await kinesis.send(
        new RegisterStreamConsumerCommand({ StreamARN: ARN, ConsumerName: 'kept-reader' }),
      );
      consumerArn = Consumer?.ConsumerARN;
      await kinesis.send(new PutResourcePolicyCommand({ ResourceARN: ARN, Policy: POLICY }));
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
      const consumers = (await kinesis.send(new ListStreamConsumersCommand({ StreamARN: ARN }))).Consumers;
      expect(consumers?.map((c) => [c.ConsumerARN, c.ConsumerStatus])).toEqual([[consumerArn, 'ACTIVE']]);
      expect((await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: ARN }))).Policy).toBe(POLICY);
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
