import { readFileSync } from 'node:fs';
import {
  type CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { DescribeDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { shopEvent } from '../../support/firehose.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, runOutsideClient } from '../../support/outside-clients.js';
import { missingTool, skipTitle } from '../../support/tools.js';
import { waitFor } from '../../support/wait.js';

const PIPELINE = readFileSync('cfn/pipeline.yaml', 'utf8');
const PYTHON = readFileSync('test/fixtures/pipeline-python.yaml', 'utf8');

async function settled(cfn: CloudFormationClient, name: string): Promise<string | undefined> {
  return waitFor(
    `stack ${name} to settle`,
    async () => {
      const status = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]
        ?.StackStatus;
      return status?.endsWith('_IN_PROGRESS') ? undefined : status;
    },
    { timeoutMs: 240_000, intervalMs: 500 },
  );
}

async function outputs(cfn: CloudFormationClient, name: string): Promise<Record<string, string>> {
  const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks ?? [];
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

async function failures(cfn: CloudFormationClient, name: string): Promise<string> {
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
  return StackEvents.filter((e) => e.ResourceStatus?.endsWith('FAILED'))
    .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason}`)
    .join('\n');
}

async function keys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Contents.map((o) => o.Key ?? '');
}

/** Every transformed line delivered under events/. */
async function delivered(s3: S3Client, bucket: string): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const key of await keys(s3, bucket, 'events/')) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await object.Body?.transformToString('utf8')) ?? '';
    for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
  }
  return lines;
}

/** Runs the aws CLI v2 without blocking the event loop (its waiters poll every 30 seconds). */
function awsCli(endpoint: string, args: string[]) {
  return runOutsideClient(AWS_CLI_V2, ['--endpoint-url', endpoint, '--output', 'json', ...args]);
}

const FAST: Parameter[] = [{ ParameterKey: 'BufferIntervalSeconds', ParameterValue: '0' }];

describe('the pipeline template on the local CloudFormation', () => {
  const lc = useLocalCloud({ firehosePollMs: 200 });

  async function sendAndReceive(streamName: string, bucket: string) {
    const { kinesis, s3 } = lc().clients;
    const events = [
      shopEvent({ item_id: 120 }),
      shopEvent({ item_id: 777 }),
      shopEvent({ action: 'login', item_id: null, price: null }),
    ];
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [
          ...events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: e.user_id })),
          { Data: Buffer.from('not json'), PartitionKey: 'broken' },
        ],
      }),
    );
    expect(put.FailedRecordCount).toBe(0);
    const lines = await waitFor(
      'the transformed records in S3',
      async () => {
        const found = await delivered(s3, bucket);
        return found.length >= events.length ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(new Map(lines.map((l) => [l.event_id, l.category]))).toEqual(
      new Map([
        [events[0]?.event_id, 'Clothing'],
        [events[1]?.event_id, 'Books'],
        [events[2]?.event_id, 'Other'],
      ]),
    );
    await waitFor(
      'the malformed record under errors/',
      async () => (await keys(s3, bucket, 'errors/processing-failed/')).length > 0,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
  }

  it('deploys cfn/pipeline.yaml, delivers transformed records, and deletes only once the bucket is empty', async () => {
    const { cloudformation: cfn, s3, kinesis, firehose, lambda } = lc().clients;
    await cfn.send(
      new CreateStackCommand({
        StackName: 'pipeline',
        TemplateBody: PIPELINE,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [...FAST, { ParameterKey: 'ProcessorBufferIntervalSeconds', ParameterValue: '0' }],
      }),
    );
    expect(await settled(cfn, 'pipeline'), await failures(cfn, 'pipeline')).toBe('CREATE_COMPLETE');
    const out = await outputs(cfn, 'pipeline');
    expect(out).toMatchObject({
      StreamName: 'kinesis-tui-events',
      DeliveryStreamName: 'kinesis-tui-delivery',
      FunctionName: 'kinesis-tui-transform',
      StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/kinesis-tui-events',
    });
    expect(out.BucketName).toMatch(/^pipeline-deliverybucket-[a-z0-9]{13}$/);
    await s3.send(new HeadBucketCommand({ Bucket: out.BucketName }));
    const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: out.StreamName }));
    expect(stream.StreamDescriptionSummary?.EncryptionType).toBe('KMS');

    await sendAndReceive(out.StreamName as string, out.BucketName as string);

    const { StackId } =
      (await cfn.send(new DescribeStacksCommand({ StackName: 'pipeline' }))).Stacks?.[0] ?? {};
    await cfn.send(new DeleteStackCommand({ StackName: 'pipeline' }));
    expect(await settled(cfn, 'pipeline')).toBe('DELETE_FAILED');
    const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: 'pipeline' }))).Stacks ?? [];
    expect(stack?.StackStatusReason).toBe('The following resource(s) failed to delete: [DeliveryBucket]. ');
    expect(await failures(cfn, 'pipeline')).toMatch(
      /^DeliveryBucket DELETE_FAILED: The bucket you tried to delete is not empty \(Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty;/m,
    );
    // Everything but the bucket is gone already.
    await expect(
      firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: out.DeliveryStreamName })),
    ).rejects.toThrow();
    await expect(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: out.FunctionName })),
    ).rejects.toThrow();

    const objects = await keys(s3, out.BucketName as string);
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: out.BucketName,
        Delete: { Objects: objects.map((Key) => ({ Key })) },
      }),
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'pipeline' }));
    expect(await settled(cfn, StackId ?? '')).toBe('DELETE_COMPLETE');
    await expect(s3.send(new HeadBucketCommand({ Bucket: out.BucketName }))).rejects.toThrow();
    await expect(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: out.StreamName })),
    ).rejects.toThrow();
  }, 600_000);

  const noPython = missingTool('python3');
  it.skipIf(noPython)(
    skipTitle(
      'deploys the pipeline with an inline Python transform, which delivers the same records',
      noPython,
    ),
    async () => {
      const { cloudformation: cfn } = lc().clients;
      await cfn.send(
        new CreateStackCommand({
          StackName: 'pipeline-python',
          TemplateBody: PYTHON,
          Capabilities: ['CAPABILITY_IAM'],
          Parameters: FAST,
        }),
      );
      expect(await settled(cfn, 'pipeline-python'), await failures(cfn, 'pipeline-python')).toBe(
        'CREATE_COMPLETE',
      );
      const out = await outputs(cfn, 'pipeline-python');
      expect(out.StreamName).toMatch(/^pipeline-python-EventStream-[A-Z0-9]{13}$/);
      await sendAndReceive(out.StreamName as string, out.BucketName as string);
    },
    600_000,
  );

  it('rolls a broken template back and leaves nothing behind', async () => {
    const { cloudformation: cfn, s3, kinesis } = lc().clients;
    const broken = PIPELINE.replace('Runtime: nodejs24.x', 'Runtime: nodejs20.x');
    await cfn.send(
      new CreateStackCommand({
        StackName: 'pipeline-broken',
        TemplateBody: broken,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [
          { ParameterKey: 'StreamName', ParameterValue: 'broken-events' },
          { ParameterKey: 'BucketName', ParameterValue: 'broken-bucket' },
          { ParameterKey: 'FunctionName', ParameterValue: 'broken-transform' },
          { ParameterKey: 'DeliveryStreamName', ParameterValue: 'broken-delivery' },
        ],
      }),
    );
    expect(await settled(cfn, 'pipeline-broken')).toBe('ROLLBACK_COMPLETE');
    expect(await failures(cfn, 'pipeline-broken')).toContain(
      'TransformFunction CREATE_FAILED: The runtime parameter of nodejs20.x is no longer supported',
    );
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'broken-bucket' }))).rejects.toThrow();
    await expect(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'broken-events' })),
    ).rejects.toThrow();
  }, 300_000);

  it.skipIf(noAwsCliV2)(
    skipTitle(
      'aws CLI v2: deploy cfn/pipeline.yaml, put records that reach S3 transformed, delete-stack fails until the bucket is emptied',
      noAwsCliV2,
    ),
    async () => {
      const endpoint = lc().cloud.endpoint;
      const aws = (...args: string[]) => awsCli(endpoint, args);
      const deployed = await aws(
        'cloudformation',
        'deploy',
        '--template-file',
        'cfn/pipeline.yaml',
        '--stack-name',
        'cli-pipeline',
        '--capabilities',
        'CAPABILITY_IAM',
        '--parameter-overrides',
        'StreamName=cli-events',
        'DeliveryStreamName=cli-delivery',
        'FunctionName=cli-transform',
        'BufferIntervalSeconds=0',
        'ProcessorBufferIntervalSeconds=0',
      );
      expect(deployed.stdout, deployed.stderr).toContain('Successfully created/updated stack - cli-pipeline');
      const described = await aws('cloudformation', 'describe-stacks', '--stack-name', 'cli-pipeline');
      const out = Object.fromEntries(
        (
          JSON.parse(described.stdout).Stacks[0].Outputs as Array<{ OutputKey: string; OutputValue: string }>
        ).map((o) => [o.OutputKey, o.OutputValue]),
      );
      const event = shopEvent({ item_id: 333 });
      const put = await aws(
        'kinesis',
        'put-record',
        '--stream-name',
        'cli-events',
        '--partition-key',
        event.user_id,
        '--cli-binary-format',
        'raw-in-base64-out',
        '--data',
        JSON.stringify(event),
      );
      expect(put.status, put.stderr).toBe(0);
      const lines = await waitFor(
        'the record in S3',
        async () => {
          const found = await delivered(lc().clients.s3, out.BucketName as string);
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      expect(lines).toEqual([expect.objectContaining({ event_id: event.event_id, category: 'Instruments' })]);

      expect((await aws('cloudformation', 'delete-stack', '--stack-name', 'cli-pipeline')).status).toBe(0);
      const refused = await aws(
        'cloudformation',
        'wait',
        'stack-delete-complete',
        '--stack-name',
        'cli-pipeline',
      );
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('DELETE_FAILED');
      expect((await aws('s3', 'rm', `s3://${out.BucketName}`, '--recursive')).status).toBe(0);
      expect((await aws('cloudformation', 'delete-stack', '--stack-name', 'cli-pipeline')).status).toBe(0);
      const waited = await aws(
        'cloudformation',
        'wait',
        'stack-delete-complete',
        '--stack-name',
        'cli-pipeline',
      );
      expect(waited.stderr).toBe('');
      expect(waited.status).toBe(0);
    },
    600_000,
  );
});
