import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  SubscribeToShardCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { baseClientOptions } from '../../../src/config/clients.js';
import { createActiveStream, readShard, text, waitForStatus } from '../../support/kinesis.js';
import { TEST_CREDENTIALS, TEST_REGION, useLocalCloud } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

async function rejection(promise: Promise<unknown>): Promise<KinesisServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KinesisServiceException);
  return error as KinesisServiceException;
}

describe('Kinesis streams', () => {
  const lc = useLocalCloud();
  const kinesis = () => lc().clients.kinesis;
  const summary = async (name: string) =>
    (await kinesis().send(new DescribeStreamSummaryCommand({ StreamARN: arnOf(name) })))
      .StreamDescriptionSummary;

  it('creates ON_DEMAND streams with 4 shards and reports the mode everywhere', async () => {
    await kinesis().send(
      new CreateStreamCommand({ StreamName: 'on-demand', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await waitForStatus(kinesis(), 'on-demand');
    expect(await summary('on-demand')).toMatchObject({
      StreamName: 'on-demand',
      StreamARN: arnOf('on-demand'),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      OpenShardCount: 4,
      EncryptionType: 'NONE',
      RetentionPeriodHours: 24,
      ConsumerCount: 0,
    });
    const described = (await kinesis().send(new DescribeStreamCommand({ StreamName: 'on-demand' })))
      .StreamDescription;
    expect(described?.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect(described?.Shards).toHaveLength(4);
    expect(described?.HasMoreShards).toBe(false);
    const listed = await kinesis().send(new ListStreamsCommand({}));
    expect(listed.StreamSummaries?.find((s) => s.StreamName === 'on-demand')).toMatchObject({
      StreamARN: arnOf('on-demand'),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    expect(listed.StreamSummaries?.[0]?.StreamCreationTimestamp).toBeInstanceOf(Date);

    const withCount = await rejection(
      kinesis().send(
        new CreateStreamCommand({
          StreamName: 'od2',
          ShardCount: 2,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      ),
    );
    expect(withCount.name).toBe('InvalidArgumentException');
    expect(withCount.message).toBe('ShardCount is not expected when StreamMode=ON_DEMAND');
    const badMode = await rejection(
      kinesis().send(
        new CreateStreamCommand({
          StreamName: 'od3',
          StreamModeDetails: { StreamMode: 'SOMETIMES' as 'ON_DEMAND' },
        }),
      ),
    );
    expect(badMode.name).toBe('ValidationException');
    expect(badMode.message).toContain('Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]');
  });

  it('switches capacity mode by StreamARN', async () => {
    await createActiveStream(kinesis(), { StreamName: 'mode-switch', ShardCount: 2 });
    await kinesis().send(
      new UpdateStreamModeCommand({
        StreamARN: arnOf('mode-switch'),
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      }),
    );
    await waitForStatus(kinesis(), 'mode-switch');
    expect((await summary('mode-switch'))?.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    const scaling = await rejection(
      kinesis().send(
        new UpdateShardCountCommand({
          StreamName: 'mode-switch',
          TargetShardCount: 3,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    );
    expect(scaling.name).toBe('InvalidArgumentException');
    expect(scaling.message).toMatch(/ON_DEMAND: UpdateShardCount works on PROVISIONED streams only/);
  });

  it('reports KMS encryption after StartStreamEncryption, on the stream and on every record', async () => {
    await createActiveStream(kinesis(), { StreamName: 'encrypted', ShardCount: 1 });
    await kinesis().send(
      new StartStreamEncryptionCommand({
        StreamARN: arnOf('encrypted'),
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    );
    await waitForStatus(kinesis(), 'encrypted');
    expect(await summary('encrypted')).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    const described = (await kinesis().send(new DescribeStreamCommand({ StreamName: 'encrypted' })))
      .StreamDescription;
    expect(described).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    const put = await kinesis().send(
      new PutRecordsCommand({
        StreamName: 'encrypted',
        Records: [{ PartitionKey: 'k', Data: Buffer.from('secret') }],
      }),
    );
    expect(put.EncryptionType).toBe('KMS');
    expect(put.FailedRecordCount).toBe(0);
    const one = await kinesis().send(
      new PutRecordCommand({ StreamName: 'encrypted', PartitionKey: 'k', Data: Buffer.from('two') }),
    );
    expect(one.EncryptionType).toBe('KMS');
    const records = await readShard(kinesis(), 'encrypted', 'shardId-000000000000');
    expect(records.map((r) => [text(r.Data), r.EncryptionType])).toEqual([
      ['secret', 'KMS'],
      ['two', 'KMS'],
    ]);

    const badKey = await rejection(
      kinesis().send(
        new StartStreamEncryptionCommand({ StreamName: 'encrypted', EncryptionType: 'KMS', KeyId: 'my key' }),
      ),
    );
    expect(badKey.name).toBe('KMSNotFoundException');
    await kinesis().send(
      new StopStreamEncryptionCommand({
        StreamName: 'encrypted',
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    );
    await waitForStatus(kinesis(), 'encrypted');
    expect((await summary('encrypted'))?.EncryptionType).toBe('NONE');
    expect((await summary('encrypted'))?.KeyId).toBeUndefined();
  });

  it('keeps tags given at creation, by stream name and by ARN', async () => {
    await createActiveStream(kinesis(), {
      StreamName: 'tagged',
      ShardCount: 1,
      Tags: { team: 'data', 'aws-tui:owner': 'kinesis tui' },
    });
    const tags = async () =>
      (await kinesis().send(new ListTagsForStreamCommand({ StreamARN: arnOf('tagged') }))).Tags;
    expect(await tags()).toEqual([
      { Key: 'aws-tui:owner', Value: 'kinesis tui' },
      { Key: 'team', Value: 'data' },
    ]);
    await kinesis().send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { env: 'local' } }));
    await kinesis().send(new RemoveTagsFromStreamCommand({ StreamName: 'tagged', TagKeys: ['team'] }));
    await kinesis().send(new TagResourceCommand({ ResourceARN: arnOf('tagged'), Tags: { cost: '0' } }));
    await kinesis().send(new UntagResourceCommand({ ResourceARN: arnOf('tagged'), TagKeys: ['env'] }));
    const byArn = await kinesis().send(new ListTagsForResourceCommand({ ResourceARN: arnOf('tagged') }));
    expect(byArn.Tags).toEqual([
      { Key: 'aws-tui:owner', Value: 'kinesis tui' },
      { Key: 'cost', Value: '0' },
    ]);
    const page = await kinesis().send(new ListTagsForStreamCommand({ StreamName: 'tagged', Limit: 1 }));
    expect(page).toMatchObject({ Tags: [{ Key: 'aws-tui:owner' }], HasMoreTags: true });
    const invalid = await rejection(
      kinesis().send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { 'bad#key': 'x' } })),
    );
    expect(invalid.name).toBe('InvalidArgumentException');
    expect(invalid.message).toMatch(/invalid characters/);
  });

  it('scales uniformly with UpdateShardCount, and readers follow the reshard through ChildShards', async () => {
    await createActiveStream(kinesis(), { StreamName: 'scaled', ShardCount: 2 });
    await kinesis().send(
      new PutRecordsCommand({
        StreamName: 'scaled',
        Records: Array.from({ length: 20 }, (_, i) => ({
          PartitionKey: `before-${i}`,
          Data: Buffer.from(`before-${i}`),
        })),
      }),
    );
    const scaled = await kinesis().send(
      new UpdateShardCountCommand({
        StreamARN: arnOf('scaled'),
        TargetShardCount: 4,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    expect(scaled).toMatchObject({
      StreamName: 'scaled',
      StreamARN: arnOf('scaled'),
      CurrentShardCount: 2,
      TargetShardCount: 4,
    });
    await waitForStatus(kinesis(), 'scaled');
    expect((await summary('scaled'))?.OpenShardCount).toBe(4);
    const open = await kinesis().send(
      new ListShardsCommand({ StreamName: 'scaled', ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(open.Shards?.map((s) => s.HashKeyRange?.StartingHashKey)).toEqual([
      '0',
      '85070591730234615865843651857942052864',
      '170141183460469231731687303715884105728',
      '255211775190703847597530955573826158592',
    ]);
    // The first shards are closed: reading one to its end says where its records continue.
    const parent = 'shardId-000000000000';
    let iterator = (
      await kinesis().send(
        new GetShardIteratorCommand({
          StreamName: 'scaled',
          ShardId: parent,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const records: string[] = [];
    const end = await waitFor('the end of the closed shard', async () => {
      const page = await kinesis().send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []).map((r) => text(r.Data)));
      if (!page.NextShardIterator) return page;
      iterator = page.NextShardIterator;
      return undefined;
    });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.startsWith('before-'))).toBe(true);
    const children = end.ChildShards ?? [];
    expect(children.length).toBe(2);
    for (const child of children) expect(child.ParentShards).toContain(parent);

    const tooFar = await rejection(
      kinesis().send(
        new UpdateShardCountCommand({
          StreamName: 'scaled',
          TargetShardCount: 9,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    );
    expect(tooFar.name).toBe('LimitExceededException');
    expect(tooFar.message).toMatch(/at most double \(8\)/);
    await kinesis().send(
      new UpdateShardCountCommand({
        StreamName: 'scaled',
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await waitForStatus(kinesis(), 'scaled');
    const three = await kinesis().send(
      new ListShardsCommand({ StreamName: 'scaled', ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(three.Shards?.map((s) => s.HashKeyRange?.StartingHashKey)).toEqual([
      '0',
      '113427455640312821154458202477256070485',
      '226854911280625642308916404954512140970',
    ]);
  });

  it('pages ListShards with NextToken and refuses a token with a stream name', async () => {
    await createActiveStream(kinesis(), { StreamName: 'paged', ShardCount: 5 });
    const first = await kinesis().send(new ListShardsCommand({ StreamARN: arnOf('paged'), MaxResults: 2 }));
    expect(first.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(first.NextToken).toBeTruthy();
    const ids: string[] = [];
    let token = first.NextToken;
    while (token) {
      const page = await kinesis().send(new ListShardsCommand({ NextToken: token, MaxResults: 2 }));
      ids.push(...(page.Shards ?? []).map((s) => s.ShardId as string));
      token = page.NextToken;
    }
    expect(ids).toEqual(['shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004']);
    const both = await rejection(
      kinesis().send(new ListShardsCommand({ StreamName: 'paged', NextToken: first.NextToken })),
    );
    expect(both.name).toBe('InvalidArgumentException');
    expect(
      (
        await kinesis().send(
          new ListShardsCommand({ StreamName: 'paged', ExclusiveStartShardId: 'shardId-000000000003' }),
        )
      ).Shards?.map((s) => s.ShardId),
    ).toEqual(['shardId-000000000004']);
  });

  it('pages ListStreams', async () => {
    await createActiveStream(kinesis(), { StreamName: 'zz-list-a', ShardCount: 1 });
    await createActiveStream(kinesis(), { StreamName: 'zz-list-b', ShardCount: 1 });
    const first = await kinesis().send(
      new ListStreamsCommand({ ExclusiveStartStreamName: 'zz-list', Limit: 1 }),
    );
    expect(first.StreamNames).toEqual(['zz-list-a']);
    expect(first.HasMoreStreams).toBe(true);
    const next = await kinesis().send(new ListStreamsCommand({ NextToken: first.NextToken, Limit: 1 }));
    expect(next.StreamNames).toEqual(['zz-list-b']);
    expect(next.StreamSummaries?.[0]?.StreamARN).toBe(arnOf('zz-list-b'));
  });

  it('keeps retention beyond 168 hours, up to AWS maximum', async () => {
    await createActiveStream(kinesis(), { StreamName: 'retained', ShardCount: 1 });
    await kinesis().send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 720 }),
    );
    expect((await summary('retained'))?.RetentionPeriodHours).toBe(720);
    await kinesis().send(
      new DecreaseStreamRetentionPeriodCommand({ StreamARN: arnOf('retained'), RetentionPeriodHours: 48 }),
    );
    expect((await summary('retained'))?.RetentionPeriodHours).toBe(48);
    const tooLong = await rejection(
      kinesis().send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 9000 }),
      ),
    );
    expect(tooLong.name).toBe('InvalidArgumentException');
    expect(tooLong.message).toMatch(/Maximum allowed retention period is 8760 hours/);
    const shorter = await rejection(
      kinesis().send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 24 }),
      ),
    );
    expect(shorter.message).toMatch(/can not be shorter than existing retention period \(48 hours\)/);
  });

  it('describes the account limits', async () => {
    await createActiveStream(kinesis(), { StreamName: 'limits-a', ShardCount: 3 });
    const limits = await kinesis().send(new DescribeLimitsCommand({}));
    expect(limits.ShardLimit).toBe(500);
    expect(limits.OnDemandStreamCountLimit).toBe(50);
    expect(limits.OpenShardCount).toBeGreaterThanOrEqual(3);
    const streams = await kinesis().send(new ListStreamsCommand({ Limit: 100 }));
    const onDemand = streams.StreamSummaries?.filter(
      (s) => s.StreamModeDetails?.StreamMode === 'ON_DEMAND',
    ).length;
    expect(limits.OnDemandStreamCount).toBe(onDemand);
  });

  it('gives AT_TIMESTAMP iterators, also past the newest record', async () => {
    await createActiveStream(kinesis(), { StreamName: 'timed', ShardCount: 1 });
    await kinesis().send(
      new PutRecordCommand({ StreamName: 'timed', PartitionKey: 'k', Data: Buffer.from('old') }),
    );
    const records = await readShard(kinesis(), 'timed', 'shardId-000000000000');
    const oldAt = records[0]?.ApproximateArrivalTimestamp as Date;
    const at = async (timestamp: Date) =>
      (
        await kinesis().send(
          new GetShardIteratorCommand({
            StreamName: 'timed',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_TIMESTAMP',
            Timestamp: timestamp,
          }),
        )
      ).ShardIterator;
    const fromStart = await kinesis().send(
      new GetRecordsCommand({ ShardIterator: await at(new Date(oldAt.getTime() - 60_000)) }),
    );
    expect(fromStart.Records?.map((r) => text(r.Data))).toEqual(['old']);
    const afterAll = await at(new Date(oldAt.getTime() + 1));
    await kinesis().send(
      new PutRecordCommand({ StreamName: 'timed', PartitionKey: 'k', Data: Buffer.from('new') }),
    );
    const later = await kinesis().send(new GetRecordsCommand({ ShardIterator: afterAll }));
    expect(later.Records?.map((r) => text(r.Data))).toEqual(['new']);
  });

  it('limits GetRecords to 5 calls a second per shard', async () => {
    await createActiveStream(kinesis(), { StreamName: 'read-limit', ShardCount: 1 });
    const once = new KinesisClient({
      ...baseClientOptions({
        region: TEST_REGION,
        endpoint: lc().cloud.endpoint,
        credentials: TEST_CREDENTIALS,
      }),
      maxAttempts: 1,
    });
    try {
      const iterator = (
        await once.send(
          new GetShardIteratorCommand({
            StreamName: 'read-limit',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'LATEST',
          }),
        )
      ).ShardIterator;
      const calls = await Promise.allSettled(
        Array.from({ length: 20 }, () => once.send(new GetRecordsCommand({ ShardIterator: iterator }))),
      );
      const refused = calls
        .filter((c) => c.status === 'rejected')
        .map((c) => (c as PromiseRejectedResult).reason);
      expect(calls.filter((c) => c.status === 'fulfilled').length).toBeGreaterThanOrEqual(5);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        message: 'Rate exceeded for Shard - 000000000000/read-limit/shardId-000000000000',
      });
    } finally {
      once.destroy();
    }
  });

  it('serves enhanced fan-out to the SDK over HTTP/1.1: a consumer, and SubscribeToShard`s events', async () => {
    await createActiveStream(kinesis(), { StreamName: 'fan-out', ShardCount: 1 });
    const { Consumer } = await kinesis().send(
      new RegisterStreamConsumerCommand({ StreamARN: arnOf('fan-out'), ConsumerName: 'sdk' }),
    );
    const consumerArn = Consumer?.ConsumerARN as string;
    await waitFor('the consumer to be ACTIVE', async () => {
      const { ConsumerDescription } = await kinesis().send(
        new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
      );
      return ConsumerDescription?.ConsumerStatus === 'ACTIVE';
    });
    const put = await kinesis().send(
      new PutRecordCommand({ StreamName: 'fan-out', Data: Buffer.from('pushed'), PartitionKey: 'p' }),
    );
    const { EventStream } = await kinesis().send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: put.ShardId,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    );
    for await (const event of EventStream ?? []) {
      const records = event.SubscribeToShardEvent?.Records ?? [];
      expect(records.map((r) => text(r.Data))).toEqual(['pushed']);
      expect(event.SubscribeToShardEvent?.ContinuationSequenceNumber).toBe(put.SequenceNumber);
      break;
    }
  });

  it('keeps streams of different regions apart, as AWS does', async () => {
    const west = new KinesisClient({
      ...baseClientOptions({
        region: 'eu-west-1',
        endpoint: lc().cloud.endpoint,
        credentials: TEST_CREDENTIALS,
      }),
    });
    try {
      await createActiveStream(west, { StreamName: 'regional', ShardCount: 1 });
      const s = (await west.send(new DescribeStreamSummaryCommand({ StreamName: 'regional' })))
        .StreamDescriptionSummary;
      expect(s?.StreamARN).toBe('arn:aws:kinesis:eu-west-1:000000000000:stream/regional');
      const east = await rejection(
        kinesis().send(new DescribeStreamSummaryCommand({ StreamName: 'regional' })),
      );
      expect(east.name).toBe('ResourceNotFoundException');
    } finally {
      west.destroy();
    }
  });
});
