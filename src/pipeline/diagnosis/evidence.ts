// Gathering what the diagnosis reads, through the SDK as on AWS: the transform's and Firehose's logs, the
// delivery stream and the transform as configured, whether the bucket exists, a few CloudWatch figures,
// and what verify found. Whatever the target cannot answer (an endpoint without CloudWatch) is left out.
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Clients } from '../../config/clients.js';
import type { PipelineChoice, PipelineDiscovery } from '../discovery.js';
import type { Journal } from '../journal.js';
import { LogTail, logSources } from '../logs.js';
import type { VerifyReport } from '../verify.js';
import { type Cause, type Evidence, failedRecordCodes, findCauses } from './causes.js';
import { firehoseFailure, lambdaFailure } from './failures.js';

export type DiagnosisClients = Pick<Clients, 'logs' | 'firehose' | 'lambda' | 's3' | 'cloudwatch'>;

/** The pipeline to diagnose: the stack's, as discovered, and the stream and delivery stream verify reads. */
export interface DiagnosedPipeline {
  discovery: Pick<PipelineDiscovery, 'deliveryStreams' | 'functions'>;
  choice: PipelineChoice;
}

/** The transform the delivery stream invokes; without one described, the stack's only function. */
function transformOf(pipeline: DiagnosedPipeline): { name: string; invoke: string } | undefined {
  const t = pipeline.choice.deliveryStream?.transform;
  if (t) return { name: t.name, invoke: t.arn };
  const only = pipeline.discovery.functions.length === 1 ? pipeline.discovery.functions[0] : undefined;
  return only ? { name: only, invoke: only } : undefined;
}

const optional = <T>(promise: Promise<T>) => promise.catch(() => undefined);

async function deliveryStreamOf(clients: DiagnosisClients, name: string) {
  const out = await optional(
    clients.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name })),
  );
  const d = out?.DeliveryStreamDescription;
  if (!d) return undefined;
  const s3 = d.Destinations?.[0]?.ExtendedS3DestinationDescription;
  const params = s3?.ProcessingConfiguration?.Processors?.[0]?.Parameters ?? [];
  const param = (n: string) => params.find((p) => p.ParameterName === n)?.ParameterValue;
  const processorSeconds = s3?.ProcessingConfiguration?.Enabled
    ? Number(param('BufferIntervalInSeconds') ?? 60)
    : 0;
  return {
    name,
    status: d.DeliveryStreamStatus ?? 'UNKNOWN',
    ...(d.FailureDescription
      ? { failure: `${d.FailureDescription.Type}: ${d.FailureDescription.Details}` }
      : {}),
    ...(s3?.RoleARN ? { roleArn: s3.RoleARN } : {}),
    ...(s3?.BucketARN ? { bucket: s3.BucketARN.split(':').slice(5).join(':') } : {}),
    bufferSeconds: (s3?.BufferingHints?.IntervalInSeconds ?? 300) + processorSeconds,
    ...(param('LambdaArn') ? { lambdaArn: param('LambdaArn') } : {}),
  };
}

/** Sums (and the latest freshness) over the window, from GetMetricData; undefined without CloudWatch. */
async function metricsOf(
  clients: DiagnosisClients,
  names: { stream?: string; deliveryStream?: string },
  since: number,
  now: number,
) {
  const queries: Array<{
    id: string;
    namespace: string;
    metric: string;
    dims: Record<string, string>;
    stat: string;
  }> = [];
  if (names.stream)
    queries.push({
      id: 'throttled',
      namespace: 'AWS/Kinesis',
      metric: 'WriteProvisionedThroughputExceeded',
      dims: { StreamName: names.stream },
      stat: 'Sum',
    });
  if (names.deliveryStream) {
    const dims = { DeliveryStreamName: names.deliveryStream };
    queries.push(
      {
        id: 'read',
        namespace: 'AWS/Firehose',
        metric: 'DataReadFromKinesisStream.Records',
        dims,
        stat: 'Sum',
      },
      { id: 'delivered', namespace: 'AWS/Firehose', metric: 'DeliveryToS3.Records', dims, stat: 'Sum' },
      {
        id: 'freshness',
        namespace: 'AWS/Firehose',
        metric: 'DeliveryToS3.DataFreshness',
        dims,
        stat: 'Maximum',
      },
    );
  }
  if (queries.length === 0) return undefined;
  const out = await optional(
    clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Math.min(since, now - 60_000)),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: queries.map((q) => ({
          Id: q.id,
          MetricStat: {
            Metric: {
              Namespace: q.namespace,
              MetricName: q.metric,
              Dimensions: Object.entries(q.dims).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: q.stat,
          },
        })),
      }),
    ),
  );
  if (!out) return undefined;
  const values = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values;
  const total = (id: string) => values(id)?.reduce((a, b) => a + b, 0);
  const latest = values('freshness')?.[0];
  return {
    ...(total('throttled') !== undefined ? { writeThrottled: total('throttled') } : {}),
    ...(total('read') !== undefined ? { firehoseRead: total('read') } : {}),
    ...(total('delivered') !== undefined ? { firehoseDelivered: total('delivered') } : {}),
    ...(latest !== undefined ? { freshnessSeconds: latest } : {}),
  };
}

/** What can be found out, from `since` (epoch ms: the journal's first run) to now. */
export async function gatherEvidence(
  clients: DiagnosisClients,
  pipeline: DiagnosedPipeline,
  report: VerifyReport,
  journal: Pick<Journal, 'failed'>,
  since: number,
  now = Date.now(),
): Promise<Evidence> {
  const chosen = pipeline.choice.deliveryStream;
  const fn = transformOf(pipeline);
  const sources = logSources(pipeline.discovery, chosen ? [chosen] : []);
  const names = {
    ...(pipeline.choice.stream ? { stream: pipeline.choice.stream.name } : {}),
    ...(chosen ? { deliveryStream: chosen.name } : {}),
  };
  const [deliveryStream, config, bucketExists, metrics] = await Promise.all([
    chosen ? deliveryStreamOf(clients, chosen.name) : undefined,
    fn
      ? optional(clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.invoke })))
      : undefined,
    report.bucket
      ? clients.s3.send(new HeadBucketCommand({ Bucket: report.bucket })).then(
          () => true,
          (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
            error.name === 'NotFound' ||
            error.name === 'NoSuchBucket' ||
            error.$metadata?.httpStatusCode === 404
              ? false
              : undefined,
        )
      : undefined,
    metricsOf(clients, names, since, now),
  ]);
  // Only what was logged since the function last changed: errors a fix already cured are history.
  const changed = config?.LastModified
    ? Date.parse(config.LastModified.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    : Number.NaN;
  const from = Number.isNaN(changed) ? since : Math.max(since, changed);
  const lines = sources.length
    ? ((await optional(new LogTail(clients.logs, sources, { since: from }).poll()))?.lines ?? [])
    : [];
  const lambda = lines
    .filter((l) => l.kind === 'transform')
    .flatMap((l) => {
      const failure = lambdaFailure(l.message);
      return failure ? [{ ...failure, line: l.message.split('\n')[0] ?? '' }] : [];
    });
  const firehose = [
    ...lines
      .filter((l) => l.kind === 'firehose')
      .flatMap((l) => {
        const failure = firehoseFailure(l.message);
        return failure ? [{ ...failure, from: 'log' as const }] : [];
      }),
    ...failedRecordCodes(report.reconciliation.failureCodes),
  ];
  const r = report.reconciliation;
  const givenUp = new Map<string, number>();
  for (const failure of journal.failed.values())
    givenUp.set(failure.reason, (givenUp.get(failure.reason) ?? 0) + 1);
  // Not there at all (an endpoint that reported it made but did not, or has no Firehose): nothing can
  // arrive, whatever the buffers say.
  const unreachable = !chosen
    ? { why: 'no delivery stream reads the stream' }
    : !deliveryStream && (chosen.status === 'MISSING' || chosen.status === 'UNKNOWN')
      ? { name: chosen.name, why: chosen.error ?? chosen.status }
      : undefined;
  return {
    lambda,
    firehose,
    failedPrefix: report.failedPrefix,
    ...(unreachable ? { unreachable } : {}),
    ...(fn
      ? {
          transform: {
            name: fn.name,
            ...(config?.FunctionArn ? { arn: config.FunctionArn } : {}),
            ...(config?.Handler ? { handler: config.Handler } : {}),
            ...(config?.Runtime ? { runtime: config.Runtime } : {}),
          },
        }
      : {}),
    ...(deliveryStream ? { deliveryStream } : {}),
    ...(bucketExists !== undefined ? { bucketExists } : {}),
    delivery: {
      acknowledged: r.acknowledged,
      missing: r.missing,
      ...(r.oldestMissingAt !== undefined ? { oldestMissingAt: r.oldestMissingAt } : {}),
      unexpectedFailed: r.processingFailed - r.expectedFailures,
      givenUp,
    },
    ...(metrics ? { metrics } : {}),
    now,
  };
}

/** The causes found, most specific first, with the evidence that was gathered. */
export async function diagnosePipeline(
  clients: DiagnosisClients,
  pipeline: DiagnosedPipeline,
  report: VerifyReport,
  journal: Pick<Journal, 'failed'>,
  since: number,
): Promise<{ causes: Cause[]; evidence: Evidence }> {
  const evidence = await gatherEvidence(clients, pipeline, report, journal, since);
  return { causes: findCauses(evidence), evidence };
}
