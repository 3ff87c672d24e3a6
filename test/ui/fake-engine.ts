// A WizardEngine over in-memory stand-ins, for screens whose AWS services the local cloud does not have
// yet. The producer is the engine's real Producer; only Kinesis's PutRecords is faked.
import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { templateChoices } from '../../src/pipeline/event-template/bundled.js';
import { createTemplateSource, loadEventTemplate } from '../../src/pipeline/event-template/template.js';
import { createEventSource } from '../../src/pipeline/events.js';
import type { LogLine } from '../../src/pipeline/logs.js';
import type { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { Producer } from '../../src/pipeline/producer.js';
import { changeSetRefused, type StackEventLine, StackFailure } from '../../src/pipeline/stack.js';
import type { ValidationFailure } from '../../src/pipeline/validation-events.js';
import type {
  DeployRequest,
  PipelinePick,
  StackSummary,
  TeardownRequest,
  TemplateSummary,
  WizardEngine,
} from '../../src/ui/engine.js';
import { loadTemplateSummary } from '../../src/ui/engine-target.js';
import { FakeBucket } from './fake-bucket.js';

/** PutRecords that acknowledges everything over two shards, and throttles when `throttle` says. */
export class FakeKinesis {
  calls = 0;
  records = 0;
  private sequence = 0;
  throttle: (n: number) => boolean = () => false;

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    const records = command.input.Records ?? [];
    let failed = 0;
    const out = records.map((record) => {
      const n = ++this.sequence;
      if (this.throttle(n)) {
        failed++;
        return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
      }
      this.records++;
      const shard = record.PartitionKey && record.PartitionKey.charCodeAt(record.PartitionKey.length - 1) % 2;
      return {
        ShardId: `shardId-00000000000${shard ? 1 : 0}`,
        SequenceNumber: `4963${String(n).padStart(52, '0')}`,
      };
    });
    return { FailedRecordCount: failed, Records: out, $metadata: {} };
  }
}

export const DEPLOYED: StackSummary = {
  name: 'kinesis-tui',
  status: 'CREATE_COMPLETE',
  outputs: {
    StreamName: 'kinesis-tui-events',
    BucketName: 'kinesis-tui-bucket',
    DeliveryStreamName: 'kinesis-tui-delivery',
  },
};

export interface FakeEngine extends WizardEngine {
  kinesis: FakeKinesis;
  /** The stream each openStream sent to. */
  streamedTo: string[];
  /** The pick each openVerification was given. */
  verified: PipelinePick[];
  closed: number;
  producers: Producer[];
  deploys: DeployRequest[];
  teardowns: TeardownRequest[];
  bucket: FakeBucket;
  /** What the stack looks like now (deploy changes it). */
  stack: StackSummary | undefined;
  /** Log lines the Logs view's next poll gets (taken as they are read). */
  logLines: LogLine[];
  /** What the metrics panels read; `shardMetrics` once shard-level metrics are turned on. */
  metrics: PipelineMetrics;
  shardMetrics: PipelineMetrics['shards'];
}

const PERIODS = 15;
const series = (scale: number) =>
  Array.from({ length: PERIODS }, (_, i) => Math.round(scale * Math.max(0, i - 3)));

/** Figures with a hot second shard, as the fake's metrics. */
export const FAKE_METRICS: PipelineMetrics = {
  periodSeconds: 60,
  from: 0,
  stream: { incoming: series(300), throttled: series(10) },
  shardLevel: false,
  shards: [],
  firehose: { recordsIn: series(300), delivered: series(280), freshness: series(1).map((v) => v + 40) },
};

export const FAKE_SHARD_METRICS: PipelineMetrics['shards'] = [
  { shardId: 'shardId-000000000000', incoming: series(40), throttled: series(0) },
  { shardId: 'shardId-000000000001', incoming: series(260), throttled: series(10) },
];

function event(logicalId: string, type: string, status: string, reason?: string): StackEventLine {
  return {
    id: `${logicalId}-${status}-${Math.random()}`,
    time: new Date(),
    logicalId,
    type,
    status,
    ...(reason ? { reason } : {}),
  };
}

/**
 * A deploy as CloudFormation runs one: each resource IN_PROGRESS then COMPLETE, or, with `failOn`, that
 * resource failing and the stack rolling back. Steps wait for `gate` when given, so tests can look mid-way.
 */
async function fakeDeploy(
  engine: FakeEngine,
  request: DeployRequest,
  failOn?: string,
  gate?: () => Promise<void>,
  options: { deployed?: StackSummary } = {},
) {
  const resources = engine.template.resources;
  const total = resources.length;
  request.onUpdate({ type: 'phase', message: `creating stack ${engine.stackName}` });
  request.onUpdate({
    type: 'event',
    event: event(engine.stackName, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS'),
    done: 0,
    total,
  });
  let done = 0;
  for (const r of resources) {
    request.onUpdate({ type: 'event', event: event(r.id, r.type, 'CREATE_IN_PROGRESS'), done, total });
    await gate?.();
    if (r.id === failOn) {
      const failure = event(
        r.id,
        r.type,
        'CREATE_FAILED',
        'Resource handler returned message: "Invalid request provided"',
      );
      request.onUpdate({ type: 'event', event: failure, done: ++done, total });
      engine.stack = { name: engine.stackName, status: 'ROLLBACK_COMPLETE', outputs: {} };
      throw new StackFailure(
        `stack "${engine.stackName}" was not created (ROLLBACK_COMPLETE): ${r.id} CREATE_FAILED`,
        'ROLLBACK_COMPLETE',
        [failure],
      );
    }
    request.onUpdate({ type: 'event', event: event(r.id, r.type, 'CREATE_COMPLETE'), done: ++done, total });
  }
  // The stack's own event last, as CloudFormation's: complete, before its outputs have been read.
  request.onUpdate({
    type: 'event',
    event: event(engine.stackName, 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE'),
    done,
    total,
  });
  const deployed = options.deployed ?? DEPLOYED;
  engine.stack = { ...deployed, parameters: request.values };
  return {
    action: 'created' as const,
    stack: {
      name: engine.stackName,
      id: 'arn:stack',
      status: 'CREATE_COMPLETE',
      outputs: deployed.outputs,
      parameters: request.values,
    },
    changes: [],
    failures: [],
  };
}

/**
 * An update as the engine runs one: a change set (EventStream modified when a parameter changed, replaced
 * when the stream's name did), the confirmation asked with it, then the update's events.
 */
async function fakeUpdate(engine: FakeEngine, request: DeployRequest, current: StackSummary) {
  request.onUpdate({ type: 'phase', message: `creating change set ${engine.stackName}-1` });
  const previous = current.parameters ?? {};
  const changed = Object.keys(request.values).filter((k) => previous[k] !== request.values[k]);
  const stack = (parameters: Record<string, string>) => ({
    name: engine.stackName,
    id: 'arn:stack',
    status: engine.stack?.status ?? 'CREATE_COMPLETE',
    outputs: DEPLOYED.outputs,
    parameters,
  });
  if (changed.length === 0)
    return { action: 'unchanged' as const, stack: stack(previous), changes: [], failures: [] };
  const changes = [
    {
      action: 'Modify',
      logicalId: 'EventStream',
      type: 'AWS::Kinesis::Stream',
      replacement: changed.includes('StreamName') ? 'True' : 'False',
    },
  ];
  request.onUpdate({ type: 'changes', changes });
  if (request.confirm && !(await request.confirm({ changes, warnings: [] }))) {
    return { action: 'cancelled' as const, stack: stack(previous), changes, failures: [] };
  }
  const parameters = { ...previous, ...request.values };
  request.onUpdate({
    type: 'event',
    event: event('EventStream', 'AWS::Kinesis::Stream', 'UPDATE_IN_PROGRESS'),
    done: 0,
    total: 1,
  });
  request.onUpdate({
    type: 'event',
    event: event('EventStream', 'AWS::Kinesis::Stream', 'UPDATE_COMPLETE'),
    done: 1,
    total: 1,
  });
  engine.stack = { ...DEPLOYED, status: 'UPDATE_COMPLETE', parameters };
  return {
    action: 'updated' as const,
    stack: { ...stack(parameters), status: 'UPDATE_COMPLETE' },
    changes,
    failures: [],
  };
}

/** A delete as CloudFormation runs one, after emptying (and maybe exporting) the bucket. */
/**
 * A teardown as the pipeline runs one. With `refill`, Firehose writes once more after the bucket was emptied:
 * the bucket's delete fails, the bucket is emptied again and a second delete (counted from 0 again, as
 * CloudFormation's events are) removes the rest.
 */
async function fakeTeardown(
  engine: FakeEngine,
  request: TeardownRequest,
  gate?: () => Promise<void>,
  refill?: boolean,
) {
  const resources = [...engine.template.resources].reverse();
  const total = resources.length;
  const objects = engine.bucket.objects.length;
  const exportDir = request.export ? `${engine.exportRoot}/kinesis-tui-1` : undefined;
  // The bucket discovery found in the stack (ours when the stack says nothing).
  const bucket = engine.stack?.pipeline?.buckets[0] ?? 'kinesis-tui-bucket';
  if (exportDir) {
    request.onUpdate({ type: 'phase', message: `exporting s3://${bucket} to ${exportDir}` });
    request.onUpdate({ type: 'exported', objects, bytes: 1234, dir: exportDir });
  }
  request.onUpdate({ type: 'phase', message: `emptying s3://${bucket}` });
  engine.bucket.objects.length = 0;
  request.onUpdate({ type: 'emptied', bucket: bucket, deleted: objects });
  request.onUpdate({ type: 'phase', message: `deleting stack ${engine.stackName} (${total} resources)` });
  let done = 0;
  let refilled = !refill;
  for (const r of resources) {
    request.onUpdate({ type: 'event', event: event(r.id, r.type, 'DELETE_IN_PROGRESS'), done, total });
    await gate?.();
    if (r.type === 'AWS::S3::Bucket' && !refilled) {
      refilled = true;
      const reason = 'The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409)';
      request.onUpdate({ type: 'event', event: event(r.id, r.type, 'DELETE_FAILED', reason), done, total });
      request.onUpdate({ type: 'refilled', bucket: 'kinesis-tui-bucket' });
      request.onUpdate({ type: 'emptied', bucket: 'kinesis-tui-bucket', deleted: 1 });
      done = 0;
      request.onUpdate({ type: 'event', event: event(r.id, r.type, 'DELETE_IN_PROGRESS'), done, total });
    }
    request.onUpdate({ type: 'event', event: event(r.id, r.type, 'DELETE_COMPLETE'), done: ++done, total });
  }
  engine.stack = undefined;
  return {
    bucket: bucket,
    buckets: [bucket],
    exported: exportDir ? objects : 0,
    deletedObjects: objects,
    deletedResources: resources.map((r) => r.id),
    ...(exportDir && objects ? { exportDir } : {}),
    journalArchived: '/state/journals/kinesis-tui.ndjson.2026-11-26T18-00-00-000Z',
    remaining: [
      ...(exportDir && objects ? [`the exported objects in ${exportDir}`] : []),
      "the producer's journal, kept as /state/journals/kinesis-tui.ndjson.2026-11-26T18-00-00-000Z",
    ],
  };
}

export function fakeEngine(
  options: {
    stack?: StackSummary;
    seed?: number;
    failOn?: string;
    /** Updates fail pre-deployment validation with these failures (as DescribeEvents told them). */
    refuse?: ValidationFailure[];
    gate?: () => Promise<void>;
    /** Teardown: Firehose writes to the bucket after it was emptied (see fakeTeardown). */
    refill?: boolean;
    kind?: 'local' | 'aws' | 'endpoint';
    /** A template of the user's own (`--template`) instead of ours. */
    template?: TemplateSummary;
    /** The stack as deployed, when a deploy succeeds (ours by default). */
    deployed?: StackSummary;
  } = {},
): FakeEngine {
  const kinesis = new FakeKinesis();
  const engine: FakeEngine = {
    kinesis,
    streamedTo: [],
    verified: [],
    closed: 0,
    producers: [],
    deploys: [],
    teardowns: [],
    bucket: new FakeBucket(),
    stack: options.stack,
    logLines: [],
    metrics: FAKE_METRICS,
    shardMetrics: FAKE_SHARD_METRICS,
    exportRoot: '/state/exports',
    target: {
      kind: options.kind ?? 'local',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:45678',
      identity: { account: '000000000000', arn: 'arn:aws:iam::000000000000:root' },
      description: 'local cloud at http://127.0.0.1:45678, us-east-1',
    },
    stackName: 'kinesis-tui',
    template: options.template ?? loadTemplateSummary(),
    async describeStack() {
      return engine.stack;
    },
    deploy(request) {
      engine.deploys.push(request);
      if (options.refuse && engine.stack) {
        // An update whose change set CloudFormation's pre-deployment validation failed: nothing changes.
        request.onUpdate({ type: 'phase', message: 'creating change set kinesis-tui-1' });
        return Promise.reject(changeSetRefused(engine.stackName, engine.stack.status, options.refuse));
      }
      if (engine.stack && !request.replace && !/ROLLBACK_COMPLETE/.test(engine.stack.status)) {
        return fakeUpdate(engine, request, engine.stack);
      }
      return fakeDeploy(engine, request, options.failOn, options.gate, {
        ...(options.deployed ? { deployed: options.deployed } : {}),
      });
    },
    async openStream(stack, { rate, events, stream }) {
      const name = stream ?? stack.pipeline?.streams[0] ?? stack.outputs.StreamName ?? '';
      engine.streamedTo.push(name);
      const producer = new Producer({
        kinesis,
        stream: { name },
        source: events
          ? createTemplateSource(loadEventTemplate(events.path), { seed: options.seed ?? 7 })
          : createEventSource({ seed: options.seed ?? 7, users: 50 }),
        rate,
        backoff: { baseMs: 1, maxMs: 5 },
        // A short time budget: an event the fake stream keeps refusing is given up within the test.
        recordTtlMs: 200,
      });
      engine.producers.push(producer);
      return { producer, streamName: name, journalPath: '(memory)', close() {} };
    },
    openVerification(_stack, pick) {
      engine.verified.push(pick ?? {});
      return engine.bucket;
    },
    eventTemplates: (paths) => templateChoices(paths),
    async openLogs() {
      return {
        sources: [
          { kind: 'transform', group: '/aws/lambda/kinesis-tui-transform' },
          {
            kind: 'firehose',
            group: '/aws/kinesisfirehose/kinesis-tui-delivery',
            stream: 'DestinationDelivery',
          },
        ],
        poll: async () => ({ lines: engine.logLines.splice(0), missingGroups: [] }),
      };
    },
    openMetrics() {
      return {
        read: async () => engine.metrics,
        enableShardMetrics: async () => {
          engine.metrics = { ...engine.metrics, shardLevel: true, shards: engine.shardMetrics };
        },
      };
    },
    teardown(request) {
      engine.teardowns.push(request);
      return fakeTeardown(engine, request, options.gate, options.refill);
    },
    async close() {
      engine.closed++;
    },
  };
  return engine;
}
