// After a deploy, each resource described by its own service: what moto's server does (a delivery stream
// reported CREATE_COMPLETE, listed without a physical id, unknown to Firehose) comes out as missing, with
// what will therefore not work, most damaging first.
import { describe, expect, it } from 'vitest';
import type { PipelineDiscovery } from '../../../src/pipeline/discovery.js';
import { type CheckClients, checkResources, problemSummary } from '../../../src/pipeline/resource-check.js';

/** Clients whose every call answers (the resource exists), or fails with `error` for the named command. */
function clients(failing: Record<string, Error> = {}): CheckClients {
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      const error = failing[command.constructor.name];
      if (error) throw error;
      if (command.constructor.name === 'GetFunctionConfigurationCommand') return { State: 'Active' };
      if (command.constructor.name === 'DescribeLogGroupsCommand')
        return { logGroups: [{ logGroupName: '/aws/lambda/shape' }] };
      return {};
    },
  };
  return { s3: client, lambda: client, iam: client, logs: client } as unknown as CheckClients;
}

const named = (name: string, error: string) => Object.assign(new Error(error), { name });

function moto(): PipelineDiscovery {
  return {
    stack: { name: 'shop', id: 'arn:stack', status: 'CREATE_COMPLETE', outputs: {}, parameters: {} },
    resources: [
      { logicalId: 'Stream', type: 'AWS::Kinesis::Stream', status: 'CREATE_COMPLETE', physicalId: 'orders' },
      {
        logicalId: 'Bucket',
        type: 'AWS::S3::Bucket',
        status: 'CREATE_COMPLETE',
        physicalId: 'orders-archive',
      },
      { logicalId: 'Shape', type: 'AWS::Lambda::Function', status: 'CREATE_COMPLETE', physicalId: 'shape' },
      {
        logicalId: 'Logs',
        type: 'AWS::Logs::LogGroup',
        status: 'CREATE_COMPLETE',
        physicalId: '/aws/lambda/shape',
      },
      // What moto lists for a type it does not implement: no id, no type.
      { logicalId: '', type: '', status: 'CREATE_COMPLETE' },
    ],
    streams: [{ name: 'orders', logicalId: 'Stream', status: 'ACTIVE' }],
    deliveryStreams: [
      {
        name: 'orders-to-s3',
        logicalId: 'Delivery',
        status: 'MISSING',
        error: 'the stack lists no physical resource for it',
        timeZone: 'UTC',
        buffer: {},
      },
    ],
    buckets: ['orders-archive'],
    functions: ['shape'],
    unmade: [
      { logicalId: 'Policy', type: 'AWS::S3::BucketPolicy' },
      { logicalId: 'Delivery', type: 'AWS::KinesisFirehose::DeliveryStream' },
    ],
    notes: [],
  };
}

describe('checking every resource after a deploy', () => {
  it('finds what the endpoint reported made and never made, and says what will not work', async () => {
    const report = await checkResources(clients(), moto());
    expect(report.checks.filter((c) => c.state === 'ok').map((c) => c.logicalId)).toEqual([
      'Stream',
      'Bucket',
      'Shape',
      'Logs',
    ]);
    // The delivery stream first: it is what breaks the pipeline.
    expect(report.checks.filter((c) => c.state === 'missing').map((c) => c.logicalId)).toEqual([
      'Delivery',
      'Policy',
    ]);
    expect(report.problems[0]).toBe(
      'Delivery (AWS::KinesisFirehose::DeliveryStream) does not exist at this endpoint, although CloudFormation reports it made (the template declares it; the stack lists no physical resource for it): nothing will reach the bucket: no object will ever arrive, so verify can only report every event missing',
    );
    const delivery = report.checks.find((c) => c.logicalId === 'Delivery');
    expect(delivery && problemSummary(delivery)).toBe(
      'Delivery not made here: nothing will reach the bucket: no object will ever arrive, so verify can only report every event missing',
    );
  });

  it('tells a resource the service does not know from a service that cannot be asked', async () => {
    const found = moto();
    found.unmade = [];
    const report = await checkResources(
      clients({
        HeadBucketCommand: named('NotFound', 'UnknownError'),
        GetFunctionConfigurationCommand: named('UnknownOperationException', 'not implemented'),
      }),
      found,
    );
    expect(report.checks.find((c) => c.logicalId === 'Bucket')).toMatchObject({
      state: 'missing',
      consequence: 'Firehose has nowhere to write and verify nothing to read',
    });
    expect(report.checks.find((c) => c.logicalId === 'Shape')).toMatchObject({
      state: 'unavailable',
      detail: 'UnknownOperationException: not implemented',
    });
    expect(
      report.problems.some((p) =>
        p.startsWith('Shape (AWS::Lambda::Function shape) cannot be described here'),
      ),
    ).toBe(true);
  });
});
