// The local cloud's CloudWatch metrics through the SDK (AWS JSON 1.0), boto3 (Smithy RPC v2 CBOR) and the aws
// CLI v2 (query): what Kinesis publishes as records come in, and custom metrics from PutMetricData.
import { spawnSync } from 'node:child_process';
import {
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { EnableEnhancedMonitoringCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { createActiveStream, waitForStatus } from '../../support/kinesis.js';
import { startTestCloud, stopTestCloud, useLocalCloud } from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, noBoto3, outsideClientEnv } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const HOUR = 3_600_000;
/** The lowest hash key of the upper half: with two shards, what routes to the second one. */
const SECOND_HALF = (2n ** 127n).toString();

describe('local CloudWatch metrics', () => {
  const lc = useLocalCloud();
  const cw = () => lc().clients.cloudwatch;

  const sum = async (metric: string, dimensions: Array<{ Name: string; Value: string }>, stat = 'Sum') => {
    const out = await cw().send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - HOUR),
        EndTime: new Date(Date.now() + 60_000),
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: {
              Metric: { Namespace: 'AWS/Kinesis', MetricName: metric, Dimensions: dimensions },
              Period: 3600,
              Stat: stat,
            },
          },
        ],
      }),
    );
    return out.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0) ?? 0;
  };

  it("publishes Kinesis's stream-level and (once enabled) shard-level metrics, so a hot shard shows", async () => {
    const { kinesis } = lc().clients;
    await createActiveStream(kinesis, { StreamName: 'metered', ShardCount: 2 });
    await kinesis.send(
      new EnableEnhancedMonitoringCommand({
        StreamName: 'metered',
        ShardLevelMetrics: ['IncomingRecords', 'WriteProvisionedThroughputExceeded'],
      }),
    );
    await waitForStatus(kinesis, 'metered');
    // Ten calls of 500 to the first shard (over its 1,000 records a second), 50 to the second.
    let accepted = 0;
    let refused = 0;
    for (let call = 0; call < 10; call++) {
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: 'metered',
          Records: Array.from({ length: 500 }, (_, i) => ({
            Data: Buffer.from(`hot ${call} ${i}`),
            PartitionKey: 'k',
            ExplicitHashKey: '0',
          })),
        }),
      );
      refused += out.FailedRecordCount ?? 0;
      accepted += 500 - (out.FailedRecordCount ?? 0);
    }
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'metered',
        Records: Array.from({ length: 50 }, (_, i) => ({
          Data: Buffer.from(`cold ${i}`),
          PartitionKey: 'k',
          ExplicitHashKey: SECOND_HALF,
        })),
      }),
    );
    expect(refused).toBeGreaterThan(0);
    const stream = [{ Name: 'StreamName', Value: 'metered' }];
    const shard = (id: string) => [...stream, { Name: 'ShardId', Value: id }];
    expect(await sum('IncomingRecords', stream)).toBe(accepted + 50);
    expect(await sum('WriteProvisionedThroughputExceeded', stream)).toBe(refused);
    expect(await sum('PutRecords.ThrottledRecords', stream)).toBe(refused);
    expect(await sum('IncomingRecords', shard('shardId-000000000000'))).toBe(accepted);
    expect(await sum('IncomingRecords', shard('shardId-000000000001'))).toBe(50);
    expect(await sum('WriteProvisionedThroughputExceeded', shard('shardId-000000000000'))).toBe(refused);
    expect(await sum('WriteProvisionedThroughputExceeded', shard('shardId-000000000001'))).toBe(0);
    // Not enabled: no shard-level IncomingBytes.
    expect(await sum('IncomingBytes', shard('shardId-000000000000'))).toBe(0);
    expect(await sum('IncomingBytes', stream)).toBeGreaterThan(0);

    const listed = await cw().send(
      new ListMetricsCommand({ Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords' }),
    );
    expect(listed.Metrics?.map((m) => m.Dimensions?.map((d) => d.Value).join('/')).sort()).toEqual([
      'metered',
      'metered/shardId-000000000000',
      'metered/shardId-000000000001',
    ]);
  });

  it('answers custom metrics by period and statistic, newest first, leaving out periods without data', async () => {
    const at = (minutesAgo: number) =>
      new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000 + 5_000);
    await cw().send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          {
            MetricName: 'Orders',
            Dimensions: [{ Name: 'Region', Value: 'eu' }],
            Timestamp: at(5),
            Value: 4,
            Unit: 'Count',
          },
          {
            MetricName: 'Orders',
            Dimensions: [{ Name: 'Region', Value: 'eu' }],
            Timestamp: at(5),
            Values: [1, 3],
            Counts: [2, 1],
            Unit: 'Count',
          },
          {
            MetricName: 'Orders',
            Dimensions: [{ Name: 'Region', Value: 'eu' }],
            Timestamp: at(2),
            StatisticValues: { SampleCount: 4, Sum: 20, Minimum: 2, Maximum: 9 },
            Unit: 'Count',
          },
        ],
      }),
    );
    const query = (stat: string): GetMetricDataCommandInput['MetricDataQueries'] => [
      {
        Id: `q${stat.toLowerCase()}`,
        MetricStat: {
          Metric: { Namespace: 'Shop', MetricName: 'Orders', Dimensions: [{ Name: 'Region', Value: 'eu' }] },
          Period: 60,
          Stat: stat,
        },
      },
    ];
    const out = await cw().send(
      new GetMetricDataCommand({
        StartTime: at(10),
        EndTime: new Date(),
        MetricDataQueries: [
          ...(query('Sum') ?? []),
          ...(query('Maximum') ?? []),
          ...(query('SampleCount') ?? []),
        ],
      }),
    );
    const [sums, maxes, counts] = out.MetricDataResults ?? [];
    expect(sums?.Values).toEqual([20, 9]);
    expect(sums?.Timestamps?.map((t) => t.getTime())).toEqual([
      at(2).getTime() - 5_000,
      at(5).getTime() - 5_000,
    ]);
    expect(maxes?.Values).toEqual([9, 4]);
    expect(counts?.Values).toEqual([4, 4]);
    expect(sums).toMatchObject({ Id: 'qsum', Label: 'Orders', StatusCode: 'Complete' });

    const stats = await cw().send(
      new GetMetricStatisticsCommand({
        Namespace: 'Shop',
        MetricName: 'Orders',
        Dimensions: [{ Name: 'Region', Value: 'eu' }],
        StartTime: at(10),
        EndTime: new Date(),
        Period: 600,
        Statistics: ['Average', 'Sum'],
      }),
    );
    expect(stats.Datapoints).toEqual([expect.objectContaining({ Sum: 29, Average: 29 / 8, Unit: 'Count' })]);
  });

  it('refuses what CloudWatch refuses, and says what the local cloud does not keep', async () => {
    await expect(
      cw().send(
        new PutMetricDataCommand({ Namespace: 'AWS/Kinesis', MetricData: [{ MetricName: 'X', Value: 1 }] }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'The value AWS/Kinesis for parameter Namespace is invalid.',
    });
    await expect(
      cw().send(
        new GetMetricDataCommand({
          StartTime: new Date(),
          EndTime: new Date(Date.now() - 1000),
          MetricDataQueries: [
            {
              Id: 'a',
              MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'Orders' }, Period: 60, Stat: 'Sum' },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ message: 'The parameter StartTime must be less than the parameter EndTime.' });
    await expect(
      cw().send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - HOUR),
          EndTime: new Date(),
          MetricDataQueries: [
            {
              Id: 'a',
              MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'Orders' }, Period: 60, Stat: 'p99' },
            },
          ],
        }),
      ),
    ).rejects.toThrow(/p99 is not available in the local cloud/);
  });

  it.skipIf(noBoto3)(
    skipTitle('boto3 (Smithy RPC v2 CBOR): put_metric_data, get_metric_data, list_metrics, errors', noBoto3),
    () => {
      const script = `
import boto3, datetime, json, sys
cw = boto3.client('cloudwatch', endpoint_url=sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
cw.put_metric_data(Namespace='Boto', MetricData=[{'MetricName': 'Latency', 'Value': 120.5, 'Unit': 'Milliseconds', 'Dimensions': [{'Name': 'Api', 'Value': 'cart'}]}])
got = cw.get_metric_data(StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=1),
  MetricDataQueries=[{'Id': 'lat', 'MetricStat': {'Metric': {'Namespace': 'Boto', 'MetricName': 'Latency', 'Dimensions': [{'Name': 'Api', 'Value': 'cart'}]}, 'Period': 60, 'Stat': 'Maximum'}}])
cw.put_metric_data(Namespace='Boto', MetricData=[{'MetricName': 'Latency', 'Value': 80, 'Unit': 'Milliseconds', 'Dimensions': [{'Name': 'Api', 'Value': 'pay'}]}])
listed = cw.list_metrics(Namespace='Boto', Dimensions=[{'Name': 'Api'}])
try:
    cw.put_metric_data(Namespace='AWS/Lambda', MetricData=[{'MetricName': 'X', 'Value': 1}])
    error = None
except cw.exceptions.InvalidParameterValueException as e:
    error = e.response['Error']['Code']
r = got['MetricDataResults'][0]
print(json.dumps({'values': r['Values'], 'stamp': type(r['Timestamps'][0]).__name__, 'status': r['StatusCode'],
  'apis': sorted(d['Value'] for m in listed['Metrics'] for d in m['Dimensions'] if d['Name'] == 'Api'), 'error': error}))
`;
      const run = spawnSync('python3', ['-c', script, lc().cloud.endpoint], {
        env: outsideClientEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        values: [120.5],
        stamp: 'datetime',
        status: 'Complete',
        apis: ['cart', 'pay'],
        error: 'InvalidParameterValue',
      });
    },
    120_000,
  );

  it.skipIf(noAwsCliV2)(
    skipTitle(
      'aws CLI v2 (query protocol): put-metric-data, get-metric-statistics, list-metrics',
      noAwsCliV2,
    ),
    () => {
      const aws = (...args: string[]) => {
        const run = spawnSync(
          AWS_CLI_V2,
          ['--endpoint-url', lc().cloud.endpoint, '--output', 'json', 'cloudwatch', ...args],
          {
            env: outsideClientEnv(),
            encoding: 'utf8',
            timeout: 120_000,
          },
        );
        if (run.status !== 0) throw new Error(`aws cloudwatch ${args.join(' ')} failed: ${run.stderr}`);
        return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
      };
      aws(
        'put-metric-data',
        '--namespace',
        'Cli',
        '--metric-name',
        'Queue',
        '--value',
        '7',
        '--unit',
        'Count',
      );
      aws(
        'put-metric-data',
        '--namespace',
        'Cli',
        '--metric-name',
        'Queue',
        '--value',
        '3',
        '--unit',
        'Count',
      );
      // One hour-long period with both puts well inside it (a window ending at the start of the current
      // minute split them into two periods when the puts straddled a minute).
      const now = Date.now();
      const stats = aws(
        'get-metric-statistics',
        '--namespace',
        'Cli',
        '--metric-name',
        'Queue',
        '--start-time',
        new Date(now - HOUR / 2).toISOString(),
        '--end-time',
        new Date(now + HOUR / 2).toISOString(),
        '--period',
        '3600',
        '--statistics',
        'Sum',
        'Maximum',
        'SampleCount',
      ) as { Datapoints: Array<Record<string, unknown>> };
      expect(stats.Datapoints).toEqual([
        expect.objectContaining({ Sum: 10, Maximum: 7, SampleCount: 2, Unit: 'Count' }),
      ]);
      aws(
        'put-metric-data',
        '--namespace',
        'Cli',
        '--metric-name',
        'Depth',
        '--value',
        '1',
        '--dimensions',
        'Queue=orders',
      );
      const listed = aws('list-metrics', '--namespace', 'Cli') as { Metrics: unknown[] };
      expect(listed.Metrics).toEqual([
        { Namespace: 'Cli', MetricName: 'Depth', Dimensions: [{ Name: 'Queue', Value: 'orders' }] },
        { Namespace: 'Cli', MetricName: 'Queue', Dimensions: [] },
      ]);
    },
    180_000,
  );

  it('keeps metrics across a restart of the local cloud on the same data dir', async () => {
    const first = await startTestCloud();
    try {
      await first.clients.cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'Kept', MetricData: [{ MetricName: 'Runs', Value: 1 }] }),
      );
      await first.cloud.stop();
      const again = await startTestCloud({ dataDir: first.dataDir });
      try {
        const listed = await again.clients.cloudwatch.send(new ListMetricsCommand({ Namespace: 'Kept' }));
        expect(listed.Metrics).toEqual([{ Namespace: 'Kept', MetricName: 'Runs', Dimensions: [] }]);
      } finally {
        await stopTestCloud(again);
      }
    } finally {
      first.clients.destroy();
    }
  }, 120_000);
});
