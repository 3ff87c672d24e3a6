// What Firehose tells CloudWatch about a delivery stream: its AWS/Firehose metrics as records flow, and
// its failures as AWS records them (error log stream, processing-failed records).
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { Clients } from '../../../src/config/clients.js';
import { createPipeline, linesOf, objectReader, putAll } from '../../support/delivery.js';
import { createInlineFunction } from '../../support/lambda.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

const LINES_HANDLER = `
exports.handler = async (event) => ({
  records: event.records.map((r) => ({
    recordId: r.recordId,
    result: Buffer.from(r.data, 'base64').toString('utf8').startsWith('drop') ? 'Dropped' : 'Ok',
    data: Buffer.concat([Buffer.from(r.data, 'base64'), Buffer.from('\\n')]).toString('base64'),
  })),
});
`;

describe('Firehose monitoring', { timeout: 120_000 }, () => {
  const lc = useLocalCloud({ firehosePollMs: 250 });

  /** Each metric of the delivery stream summed (or its maximum) over the last hour. */
  const metrics = async (stream: string, names: Array<[string, 'Sum' | 'Maximum' | 'Average']>) => {
    const out = await lc().clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 60_000),
        MetricDataQueries: names.map(([name, stat], i) => ({
          Id: `m${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Firehose',
              MetricName: name,
              Dimensions: [{ Name: 'DeliveryStreamName', Value: stream }],
            },
            Period: 3600,
            Stat: stat,
          },
        })),
      }),
    );
    return Object.fromEntries(
      names.map(([name], i) => [name, out.MetricDataResults?.[i]?.Values?.[0]]),
    ) as Record<string, number | undefined>;
  };

  it('publishes records in, the transform, and delivery to S3 with its freshness, under AWS/Firehose', async () => {
    const { clients } = lc();
    const fn = await createInlineFunction(clients.lambda, 'fh-metrics', LINES_HANDLER);
    const pipeline = await createPipeline(clients, { name: 'fh-metrics', lambdaArn: fn.FunctionArn ?? '' });
    await putAll(clients, pipeline.stream, [
      ...Array.from({ length: 40 }, (_, i) => ({ data: `record ${i}` })),
      ...Array.from({ length: 10 }, (_, i) => ({ data: `drop ${i}` })),
    ]);
    const read = objectReader(clients.s3, pipeline.bucket);
    await waitFor(
      '40 records delivered',
      async () =>
        (await read()).reduce((n, o) => n + o.body.toString().split('\n').filter(Boolean).length, 0) === 40,
    );
    const seen = await waitFor('the delivery metrics', async () => {
      const m = await metrics(pipeline.deliveryStream, [
        ['IncomingRecords', 'Sum'],
        ['DataReadFromKinesisStream.Records', 'Sum'],
        ['SucceedProcessing.Records', 'Sum'],
        ['ExecuteProcessing.Success', 'Average'],
        ['DeliveryToS3.Records', 'Sum'],
        ['DeliveryToS3.Success', 'Average'],
        ['DeliveryToS3.DataFreshness', 'Maximum'],
      ]);
      // Freshness is sampled once a second: wait for a sample too.
      return m['DeliveryToS3.Records'] === 40 && m['DeliveryToS3.DataFreshness'] !== undefined
        ? m
        : undefined;
    });
    expect(seen).toMatchObject({
      IncomingRecords: 50,
      'DataReadFromKinesisStream.Records': 50,
      // Dropped records were processed successfully too.
      'SucceedProcessing.Records': 50,
      'ExecuteProcessing.Success': 1,
      'DeliveryToS3.Success': 1,
    });
    expect(seen['DeliveryToS3.DataFreshness']).toBeGreaterThanOrEqual(0);
  });

  /** A log group and DestinationDelivery stream for the delivery stream's errors, as a template creates them. */
  async function errorLog(clients: Clients, name: string) {
    const group = `/aws/kinesisfirehose/${name}`;
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await clients.logs.send(
      new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'DestinationDelivery' }),
    );
    return {
      options: {
        CloudWatchLoggingOptions: {
          Enabled: true,
          LogGroupName: group,
          LogStreamName: 'DestinationDelivery',
        },
      },
      read: async () =>
        (
          (
            await clients.logs.send(
              new GetLogEventsCommand({ logGroupName: group, logStreamName: 'DestinationDelivery' }),
            )
          ).events ?? []
        ).map((e) => JSON.parse(e.message ?? '{}') as Record<string, unknown>),
    };
  }

  /** A role Firehose can be given, with these statements as its one inline policy. */
  async function role(clients: Clients, name: string, statements: unknown[]): Promise<string> {
    const created = await clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'delivery',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
    return created.Role?.Arn ?? '';
  }

  it('files a batch whose function does not exist as Lambda.ResourceNotFound, in processing-failed/ and the error log', async () => {
    const { clients } = lc();
    const log = await errorLog(clients, 'fh-nofunction');
    const missing = 'arn:aws:lambda:us-east-1:000000000000:function:fh-never-created';
    const pipeline = await createPipeline(clients, {
      name: 'fh-nofunction',
      lambdaArn: missing,
      retries: 0,
      destination: log.options,
    });
    await putAll(clients, pipeline.stream, [{ data: 'orphan' }]);
    const read = objectReader(clients.s3, pipeline.bucket);
    const [failed] = await waitFor('the record in processing-failed/', async () => {
      const lines = linesOf(await read('errors/')).concat(linesOf(await read('processing-failed/')));
      return lines.length > 0 ? lines.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
    });
    expect(failed).toMatchObject({
      errorCode: 'Lambda.ResourceNotFound',
      errorMessage: 'The specified Lambda function does not exist. Use a different function that does exist.',
      lambdaArn: missing,
    });
    const logged = await waitFor('the error in the log', async () =>
      (await log.read()).length > 0 ? log.read() : undefined,
    );
    expect(logged[0]).toEqual({
      deliveryStreamARN: pipeline.deliveryStreamArn,
      destination: 'arn:aws:s3:::fh-nofunction',
      deliveryStreamVersionId: 1,
      message: 'The specified Lambda function does not exist. Use a different function that does exist.',
      errorCode: 'Lambda.ResourceNotFound',
      processor: missing,
    });
  });

  it("evaluates the delivery role's policies: no lambda:InvokeFunction is Lambda.InvokeAccessDenied; no s3:PutObject is S3.AccessDenied, retried", async () => {
    const { clients } = lc();
    const fn = await createInlineFunction(clients.lambda, 'fh-denied-fn', LINES_HANDLER);
    const logs = {
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/kinesisfirehose/*',
    };
    const read = {
      Effect: 'Allow',
      Action: [
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:DescribeStream',
        'kinesis:ListShards',
      ],
      Resource: '*',
    };

    const noInvoke = await role(clients, 'fh-no-invoke', [
      read,
      logs,
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::fh-no-invoke/*' },
    ]);
    const invokeLog = await errorLog(clients, 'fh-no-invoke');
    const denied = await createPipeline(clients, {
      name: 'fh-no-invoke',
      lambdaArn: fn.FunctionArn ?? '',
      retries: 0,
      destination: { ...invokeLog.options, RoleARN: noInvoke },
    });
    await putAll(clients, denied.stream, [{ data: 'not invoked' }]);
    const failed = await waitFor('the record in processing-failed/', async () => {
      const lines = linesOf(await objectReader(clients.s3, denied.bucket)('processing-failed/'));
      return lines.length > 0 ? (JSON.parse(lines[0] as string) as Record<string, unknown>) : undefined;
    });
    expect(failed).toMatchObject({
      errorCode: 'Lambda.InvokeAccessDenied',
      errorMessage: 'Access was denied. Ensure that the access policy allows access to the Lambda function.',
    });
    expect((await invokeLog.read()).map((e) => e.errorCode)).toContain('Lambda.InvokeAccessDenied');

    // Invoking allowed, writing not: S3.AccessDenied is logged and retried, and nothing is lost: once the
    // role may write (here: a policy the test adds), the records arrive.
    const noPut = await role(clients, 'fh-no-put', [
      read,
      logs,
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn.FunctionArn },
    ]);
    const putLog = await errorLog(clients, 'fh-no-put');
    const blocked = await createPipeline(clients, {
      name: 'fh-no-put',
      lambdaArn: fn.FunctionArn ?? '',
      destination: { ...putLog.options, RoleARN: noPut },
    });
    await putAll(clients, blocked.stream, [{ data: 'held back' }]);
    const errors = await waitFor('two S3.AccessDenied errors logged (a retry)', async () => {
      const logged = (await putLog.read()).filter((e) => e.errorCode === 'S3.AccessDenied');
      return logged.length >= 2 ? logged : undefined;
    });
    expect(errors[0]?.message).toBe(
      'Access was denied. Ensure that the trust policy for the provided IAM role allows Firehose to assume the role, and the access policy allows access to the S3 bucket.',
    );
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'fh-no-put',
        PolicyName: 'write',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::fh-no-put/*' }],
        }),
      }),
    );
    const delivered = await waitFor('the held record delivered', async () => {
      const lines = linesOf(await objectReader(clients.s3, blocked.bucket)());
      return lines.length > 0 ? lines : undefined;
    });
    expect(delivered).toEqual(['held back']);
  });

  it('retries S3.NoSuchBucket, logs it, and delivers once the bucket is back', async () => {
    const { clients } = lc();
    const log = await errorLog(clients, 'fh-nobucket');
    const pipeline = await createPipeline(clients, { name: 'fh-nobucket', destination: log.options });
    await clients.s3.send(new DeleteBucketCommand({ Bucket: pipeline.bucket }));
    await putAll(clients, pipeline.stream, [{ data: 'waiting for a bucket' }]);
    const logged = await waitFor('S3.NoSuchBucket logged', async () => {
      const errors = (await log.read()).filter((e) => e.errorCode === 'S3.NoSuchBucket');
      return errors.length > 0 ? errors : undefined;
    });
    expect(logged[0]?.message).toBe(
      'The specified bucket does not exist. Create the bucket or use a different bucket that does exist.',
    );
    await clients.s3.send(new CreateBucketCommand({ Bucket: pipeline.bucket }));
    const delivered = await waitFor(
      'the record delivered',
      async () => {
        const lines = linesOf(await objectReader(clients.s3, pipeline.bucket)());
        return lines.length > 0 ? lines : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(delivered).toEqual(['waiting for a bucket']);
  });
});
