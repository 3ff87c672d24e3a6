// A WizardEngine over in-memory stand-ins, for screens whose AWS services the local cloud does not have
// yet. The producer is the engine's real Producer; only Kinesis's PutRecords is faked.
import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { createEventSource } from '../../src/pipeline/events.js';
import { Producer } from '../../src/pipeline/producer.js';
import type { StackSummary, WizardEngine } from '../../src/ui/engine.js';
import { loadTemplateSummary } from '../../src/ui/engine-target.js';

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
  closed: number;
  producers: Producer[];
}

export function fakeEngine(options: { stack?: StackSummary; seed?: number } = {}): FakeEngine {
  const kinesis = new FakeKinesis();
  const engine: FakeEngine = {
    kinesis,
    closed: 0,
    producers: [],
    target: {
      kind: 'local',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:45678',
      identity: { account: '000000000000', arn: 'arn:aws:iam::000000000000:root' },
      description: 'local cloud at http://127.0.0.1:45678, us-east-1',
    },
    stackName: 'kinesis-tui',
    template: loadTemplateSummary(),
    unavailable: {},
    async describeStack() {
      return options.stack;
    },
    async openStream(stack, { rate }) {
      const producer = new Producer({
        kinesis,
        stream: { name: stack.outputs.StreamName ?? '' },
        source: createEventSource({ seed: options.seed ?? 7, users: 50 }),
        rate,
        backoff: { baseMs: 1, maxMs: 5 },
      });
      engine.producers.push(producer);
      return { producer, streamName: stack.outputs.StreamName ?? '', journalPath: '(memory)', close() {} };
    },
    async close() {
      engine.closed++;
    },
  };
  return engine;
}
