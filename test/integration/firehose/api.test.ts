import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  TagDeliveryStreamCommand,
  UntagDeliveryStreamCommand,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LocalCloudFixture,
  startTestCloud,
  stopTestCloud,
  useLocalCloud,
} from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, runOutsideClient } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';
import { waitFor } from '../../support/wait.js';

const ROLE = 'arn:aws:iam::000000000000:role/firehose';
const BUCKET = 'arn:aws:s3:::firehose-api-bucket';
const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/events';

async function status(firehose: FirehoseClient, name: string): Promise<string | undefined> {
  const described = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
  return described.DeliveryStreamDescription?.DeliveryStreamStatus;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}

describe('Firehose API', () => {
  const lc = useLocalCloud();
  const firehose = () => lc().clients.firehose;

  it('creates a delivery stream CREATING, then ACTIVE, described as AWS describes it', async () => {
    const created = await firehose().send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'api-direct',
        ExtendedS3DestinationConfiguration: { RoleARN: ROLE, BucketARN: BUCKET },
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    expect(created.DeliveryStreamARN).toBe(
      'arn:aws:firehose:us-east-1:000000000000:deliverystream/api-direct',
    );
    expect(await status(firehose(), 'api-direct')).toBe('CREATING');
    await waitFor('ACTIVE', async () => (await status(firehose(), 'api-direct')) === 'ACTIVE');
    const { DeliveryStreamDescription: d } = await firehose().send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'api-direct' }),
    );
    expect(d).toMatchObject({
      DeliveryStreamName: 'api-direct',
      DeliveryStreamARN: created.DeliveryStreamARN,
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      HasMoreDestinations: false,
      DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
    });
    expect(d?.CreateTimestamp).toBeInstanceOf(Date);
    expect(d?.Destinations).toHaveLength(1);
    const destination = d?.Destinations?.[0];
    expect(destination?.DestinationId).toBe('destinationId-000000000001');
    const defaults = {
      RoleARN: ROLE,
      BucketARN: BUCKET,
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
      CompressionFormat: 'UNCOMPRESSED',
      EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
      CloudWatchLoggingOptions: { Enabled: false },
    };
    expect(destination?.S3DestinationDescription).toEqual(defaults);
    expect(destination?.ExtendedS3DestinationDescription).toEqual({ ...defaults, S3BackupMode: 'Disabled' });
  });

  it('describes a Kinesis source and a Lambda processor as given', async () => {
    const processing = {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda' as const,
          Parameters: [
            {
              ParameterName: 'LambdaArn' as const,
              ParameterValue: 'arn:aws:lambda:us-east-1:000000000000:function:t',
            },
            { ParameterName: 'NumberOfRetries' as const, ParameterValue: '2' },
          ],
        },
      ],
    };
    await firehose().send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'api-kinesis',
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { KinesisStreamARN: STREAM, RoleARN: ROLE },
        ExtendedS3DestinationConfiguration: {
          RoleARN: ROLE,
          BucketARN: BUCKET,
          Prefix: 'events/!{timestamp:yyyy/MM/dd/HH}/',
          ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
          ProcessingConfiguration: processing,
        },
      }),
    );
    const { DeliveryStreamDescription: d } = await firehose().send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'api-kinesis' }),
    );
    expect(d?.DeliveryStreamType).toBe('KinesisStreamAsSource');
    expect(d?.Source?.KinesisStreamSourceDescription).toMatchObject({
      KinesisStreamARN: STREAM,
      RoleARN: ROLE,
    });
    expect(d?.Source?.KinesisStreamSourceDescription?.DeliveryStartTimestamp).toBeInstanceOf(Date);
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'events/!{timestamp:yyyy/MM/dd/HH}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      ProcessingConfiguration: processing,
    });
  });

  it('refuses PutRecord and PutRecordBatch when the source is a Kinesis stream', async () => {
    await waitFor('ACTIVE', async () => (await status(firehose(), 'api-kinesis')) === 'ACTIVE');
    const single = await errorOf(
      firehose().send(
        new PutRecordCommand({ DeliveryStreamName: 'api-kinesis', Record: { Data: Buffer.from('x') } }),
      ),
    );
    expect(single).toEqual({
      name: 'InvalidArgumentException',
      message: 'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
    });
    const batch = await errorOf(
      firehose().send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'api-kinesis',
          Records: [{ Data: Buffer.from('x') }],
        }),
      ),
    );
    expect(batch.name).toBe('InvalidArgumentException');
  });

  it('accepts PutRecord and PutRecordBatch on a DirectPut stream with a record id each', async () => {
    const one = await firehose().send(
      new PutRecordCommand({ DeliveryStreamName: 'api-direct', Record: { Data: Buffer.from('hello\n') } }),
    );
    expect(one.RecordId).toMatch(/^\S{20,}$/);
    const many = await firehose().send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'api-direct',
        Records: [{ Data: Buffer.from('a\n') }, { Data: Buffer.from('b\n') }],
      }),
    );
    expect(many.FailedPutCount).toBe(0);
    expect(many.RequestResponses?.map((r) => typeof r.RecordId)).toEqual(['string', 'string']);
  });

  it('checks configurations the way Firehose does', async () => {
    const create = (extra: Record<string, unknown>, name = 'api-invalid') =>
      errorOf(
        firehose().send(
          new CreateDeliveryStreamCommand({
            DeliveryStreamName: name,
            ExtendedS3DestinationConfiguration: { RoleARN: ROLE, BucketARN: BUCKET, ...extra },
          }),
        ),
      );
    expect(await create({ BufferingHints: { SizeInMBs: 129, IntervalInSeconds: 60 } })).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128",
    });
    expect((await create({ BufferingHints: { IntervalInSeconds: 901, SizeInMBs: 0 } })).message).toMatch(
      /^2 validation errors detected/,
    );
    expect(await create({ BufferingHints: { SizeInMBs: 5 } })).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('SizeInMBs and IntervalInSeconds go together'),
    });
    expect(await create({ Prefix: 'p/!{timestamp:yyyy}/' })).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining(
        'ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
      ),
    });
    expect(
      await create({ Prefix: 'p/!{timestamp:yyyy}/', ErrorOutputPrefix: 'e/!{timestamp:yyyy}/' }),
    ).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('!{firehose:error-output-type}'),
    });
    const lambda = (parameters: Array<{ ParameterName: string; ParameterValue: string }>) =>
      create({
        ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'Lambda', Parameters: parameters }] },
      });
    const arn = {
      ParameterName: 'LambdaArn',
      ParameterValue: 'arn:aws:lambda:us-east-1:000000000000:function:t',
    };
    expect((await lambda([])).message).toContain('LambdaArn parameter is required');
    expect(
      (await lambda([arn, { ParameterName: 'BufferSizeInMBs', ParameterValue: '4' }])).message,
    ).toContain('BufferSizeInMBs must be a number from 0.2 to 3');
    expect(
      (await lambda([arn, { ParameterName: 'NumberOfRetries', ParameterValue: 'many' }])).message,
    ).toContain('NumberOfRetries must be an integer from 0 to 300');
    expect((await lambda([arn, { ParameterName: 'Delimiter', ParameterValue: ',' }])).message).toContain(
      'does not take the parameter Delimiter',
    );
    expect(await create({ CompressionFormat: 'Snappy' })).toMatchObject({ name: 'InvalidArgumentException' });
    const noDestination = await errorOf(
      firehose().send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'none' })),
    );
    expect(noDestination.name).toBe('InvalidArgumentException');
    const badName = await create({}, 'no spaces allowed');
    expect(badName.name).toBe('ValidationException');
    const missingSource = await errorOf(
      firehose().send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'api-missing-source',
          DeliveryStreamType: 'KinesisStreamAsSource',
          ExtendedS3DestinationConfiguration: { RoleARN: ROLE, BucketARN: BUCKET },
        }),
      ),
    );
    expect(missingSource.message).toContain('KinesisStreamSourceConfiguration is required');
    const list = await firehose().send(new ListDeliveryStreamsCommand({}));
    expect(list.DeliveryStreamNames).not.toContain('api-invalid');
  });

  it('refuses a second stream with the same name', async () => {
    const again = await errorOf(
      firehose().send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'api-direct',
          S3DestinationConfiguration: { RoleARN: ROLE, BucketARN: BUCKET },
        }),
      ),
    );
    expect(again.name).toBe('ResourceInUseException');
  });

  it('updates the destination only at the current version, and counts versions', async () => {
    const stale = await errorOf(
      firehose().send(
        new UpdateDestinationCommand({
          DeliveryStreamName: 'api-direct',
          CurrentDeliveryStreamVersionId: '7',
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationUpdate: { Prefix: 'new/' },
        }),
      ),
    );
    expect(stale.name).toBe('ConcurrentModificationException');
    await firehose().send(
      new UpdateDestinationCommand({
        DeliveryStreamName: 'api-direct',
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationUpdate: {
          Prefix: 'new/',
          BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 60 },
        },
      }),
    );
    const { DeliveryStreamDescription: d } = await firehose().send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'api-direct' }),
    );
    expect(d?.VersionId).toBe('2');
    expect(d?.LastUpdateTimestamp).toBeInstanceOf(Date);
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'new/',
      BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 60 },
      BucketARN: BUCKET,
    });
  });

  it('lists streams in name order, by page and by type', async () => {
    const all = await firehose().send(new ListDeliveryStreamsCommand({}));
    expect(all.DeliveryStreamNames).toEqual(['api-direct', 'api-kinesis']);
    const first = await firehose().send(new ListDeliveryStreamsCommand({ Limit: 1 }));
    expect(first).toMatchObject({ DeliveryStreamNames: ['api-direct'], HasMoreDeliveryStreams: true });
    const next = await firehose().send(
      new ListDeliveryStreamsCommand({ Limit: 1, ExclusiveStartDeliveryStreamName: 'api-direct' }),
    );
    expect(next).toMatchObject({ DeliveryStreamNames: ['api-kinesis'], HasMoreDeliveryStreams: false });
    const sourced = await firehose().send(
      new ListDeliveryStreamsCommand({ DeliveryStreamType: 'KinesisStreamAsSource' }),
    );
    expect(sourced.DeliveryStreamNames).toEqual(['api-kinesis']);
  });

  it('tags and untags', async () => {
    await firehose().send(
      new TagDeliveryStreamCommand({
        DeliveryStreamName: 'api-direct',
        Tags: [{ Key: 'env', Value: 'local' }],
      }),
    );
    await firehose().send(
      new UntagDeliveryStreamCommand({ DeliveryStreamName: 'api-direct', TagKeys: ['team'] }),
    );
    const tags = await firehose().send(
      new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'api-direct' }),
    );
    expect(tags).toMatchObject({ Tags: [{ Key: 'env', Value: 'local' }], HasMoreTags: false });
  });

  it('deletes: DELETING, then gone', async () => {
    await firehose().send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'api-kinesis' }));
    expect(await status(firehose(), 'api-kinesis')).toBe('DELETING');
    const gone = await waitFor('the stream to be gone', async () => {
      const error = await errorOf(status(firehose(), 'api-kinesis')).catch(() => undefined);
      return error;
    });
    expect(gone).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Firehose api-kinesis under account 000000000000 not found.',
    });
  });
});

describe('Firehose persistence', () => {
  let fixture: LocalCloudFixture | undefined;
  afterAll(async () => {
    await stopTestCloud(fixture);
  });

  it('keeps delivery streams, their version and tags across a restart with the same data dir', async () => {
    fixture = await startTestCloud();
    const { dataDir } = fixture;
    await fixture.clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'kept',
        ExtendedS3DestinationConfiguration: { RoleARN: ROLE, BucketARN: BUCKET },
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    await stopTestCloud(fixture, { keepData: true });
    fixture = await startTestCloud({ dataDir });
    const firehose = fixture.clients.firehose;
    // Stopped while CREATING, it finishes becoming ACTIVE after the restart.
    await waitFor('ACTIVE after restart', async () => (await status(firehose, 'kept')) === 'ACTIVE');
    const tags = await firehose.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'kept' }));
    expect(tags.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  }, 120_000);
});

describe('Firehose with the aws CLI v2', () => {
  const lc = useLocalCloud();
  const aws = (args: string[]) =>
    runOutsideClient(AWS_CLI_V2, [...args, '--endpoint-url', lc().cloud.endpoint, '--output', 'json']);

  it.skipIf(noAwsCliV2)(
    skipTitle('creates, describes, lists and refuses writes to a stream-sourced delivery stream', noAwsCliV2),
    async () => {
      const created = await aws([
        'firehose',
        'create-delivery-stream',
        '--delivery-stream-name',
        'cli-stream',
        '--delivery-stream-type',
        'KinesisStreamAsSource',
        '--kinesis-stream-source-configuration',
        JSON.stringify({ KinesisStreamARN: STREAM, RoleARN: ROLE }),
        '--extended-s3-destination-configuration',
        JSON.stringify({
          RoleARN: ROLE,
          BucketARN: BUCKET,
          // Debian's CLI v2 carries a model from before zero buffering (its IntervalInSeconds minimum is 60).
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        }),
      ]);
      expect(created.status, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toEqual({
        DeliveryStreamARN: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/cli-stream',
      });
      const described = await waitFor('ACTIVE through the CLI', async () => {
        const out = await aws([
          'firehose',
          'describe-delivery-stream',
          '--delivery-stream-name',
          'cli-stream',
        ]);
        const d = JSON.parse(out.stdout || '{}').DeliveryStreamDescription;
        return d?.DeliveryStreamStatus === 'ACTIVE' ? d : undefined;
      });
      expect(described.Destinations[0].ExtendedS3DestinationDescription.BufferingHints).toEqual({
        SizeInMBs: 1,
        IntervalInSeconds: 60,
      });
      const listed = await aws(['firehose', 'list-delivery-streams']);
      expect(JSON.parse(listed.stdout).DeliveryStreamNames).toContain('cli-stream');
      const refused = await aws([
        'firehose',
        'put-record',
        '--delivery-stream-name',
        'cli-stream',
        '--record',
        JSON.stringify({ Data: Buffer.from('x').toString('base64') }),
      ]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('InvalidArgumentException');
      expect(refused.stderr).toContain(
        'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
      );
    },
  );
});
