// What Firehose tells CloudWatch about a delivery stream: its AWS/Firehose metrics as records flow, and
// its failures as AWS records them (error log stream, processing-failed records).
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { createPipeline, objectReader, putAll } from '../../support/delivery.js';
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
});
