// CloudFormation's pre-deployment validation through the real SDK against a local cloud: a change set
// that fails it is FAILED with the checks named, DescribeEvents tells each problem with its path into the
// template, CreateStack and UpdateStack stop before provisioning anything, and a bucket a change set would
// delete while it holds objects is a warning that does not stop the change set.
import {
  type CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeChangeSetCommand,
  DescribeEventsCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type OperationEvent,
  UpdateStackCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { settledStatus } from '../../support/cloudformation.js';
import { useLocalCloud } from '../../support/local-cloud.js';

const wait = { maxWaitTime: 120, minDelay: 1, maxDelay: 2 };
let cfn: () => CloudFormationClient;

const PROPERTY_REASON =
  'The following hook(s)/validation failed: [AWS::EarlyValidation::PropertyValidation]. To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information.';

/** A stream whose shard count comes from a parameter; `extra` adds properties as written. */
const streamTemplate = (extra: Record<string, unknown> = {}, resources: Record<string, unknown> = {}) =>
  JSON.stringify({
    Parameters: { Shards: { Type: 'String', Default: '1' } },
    Resources: {
      Stream: {
        Type: 'AWS::Kinesis::Stream',
        Properties: { ShardCount: { Ref: 'Shards' }, ...extra },
      },
      ...resources,
    },
  });

const settled = (name: string) => settledStatus(cfn(), name);

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CloudFormationServiceException);
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}

const brief = (e: OperationEvent) => ({
  EventType: e.EventType,
  LogicalResourceId: e.LogicalResourceId,
  ResourceType: e.ResourceType,
  ValidationName: e.ValidationName,
  ValidationFailureMode: e.ValidationFailureMode,
  ValidationStatus: e.ValidationStatus,
  ValidationPath: e.ValidationPath,
  ValidationStatusReason: e.ValidationStatusReason,
});

async function deployed(name: string, body: string) {
  await cfn().send(new CreateStackCommand({ StackName: name, TemplateBody: body }));
  await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: name });
}

describe('CloudFormation pre-deployment validation', () => {
  const lc = useLocalCloud();
  cfn = () => lc().clients.cloudformation;

  it('fails a change set whose properties the schema refuses, and DescribeEvents tells each with its path', async () => {
    await deployed('ev-props', streamTemplate());
    const created = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ev-props',
        ChangeSetName: 'bad-props',
        TemplateBody: streamTemplate({ Colour: 'red' }),
        Parameters: [{ ParameterKey: 'Shards', ParameterValue: 'many' }],
      }),
    );
    const described = await cfn().send(
      new DescribeChangeSetCommand({ StackName: 'ev-props', ChangeSetName: 'bad-props' }),
    );
    expect(described.Status).toBe('FAILED');
    expect(described.ExecutionStatus).toBe('UNAVAILABLE');
    expect(described.StatusReason).toBe(PROPERTY_REASON);
    // The SDK's waiter stops on FAILED with the reason.
    await expect(
      waitUntilChangeSetCreateComplete(
        { client: cfn(), ...wait },
        { StackName: 'ev-props', ChangeSetName: 'bad-props' },
      ),
    ).rejects.toThrow();
    expect(
      await failure(
        cfn().send(new ExecuteChangeSetCommand({ StackName: 'ev-props', ChangeSetName: 'bad-props' })),
      ),
    ).toMatchObject({ name: 'InvalidChangeSetStatusException' });

    const expected = [
      {
        EventType: 'VALIDATION_ERROR',
        LogicalResourceId: 'Stream',
        ResourceType: 'AWS::Kinesis::Stream',
        ValidationName: 'PROPERTY_VALIDATION',
        ValidationFailureMode: 'FAIL',
        ValidationStatus: 'FAILED',
        ValidationPath: '/Resources/Stream/Properties/ShardCount',
        ValidationStatusReason: 'Value of property ShardCount must be of type Integer',
      },
      {
        EventType: 'VALIDATION_ERROR',
        LogicalResourceId: 'Stream',
        ResourceType: 'AWS::Kinesis::Stream',
        ValidationName: 'PROPERTY_VALIDATION',
        ValidationFailureMode: 'FAIL',
        ValidationStatus: 'FAILED',
        ValidationPath: '/Resources/Stream/Properties/Colour',
        ValidationStatusReason: 'Encountered unsupported property Colour',
      },
    ];
    const byName = await cfn().send(
      new DescribeEventsCommand({
        StackName: 'ev-props',
        ChangeSetName: 'bad-props',
        Filters: { FailedEvents: true },
      }),
    );
    expect(byName.OperationEvents?.map(brief)).toEqual(expect.arrayContaining(expected));
    expect(byName.OperationEvents).toHaveLength(2);
    const event = byName.OperationEvents?.[0];
    expect(event?.OperationType).toBe('CREATE_CHANGESET');
    expect(event?.OperationStatus).toBe('FAILED');
    expect(event?.StackId).toBe(created.StackId);
    expect(event?.Timestamp).toBeInstanceOf(Date);
    const byArn = await cfn().send(new DescribeEventsCommand({ ChangeSetName: created.Id }));
    expect(byArn.OperationEvents?.map(brief)).toEqual(byName.OperationEvents?.map(brief));
    const byOperation = await cfn().send(new DescribeEventsCommand({ OperationId: event?.OperationId }));
    expect(byOperation.OperationEvents).toHaveLength(2);

    // The legacy events API does not carry them, and the stack is as it was.
    const legacy = await cfn().send(new DescribeStackEventsCommand({ StackName: 'ev-props' }));
    expect(JSON.stringify(legacy.StackEvents)).not.toContain('Colour');
    expect(await settled('ev-props')).toBe('CREATE_COMPLETE');
  });

  it('answers DescribeEvents with the errors AWS gives for what does not exist', async () => {
    expect(await failure(cfn().send(new DescribeEventsCommand({})))).toEqual({
      name: 'ValidationError',
      message: 'One of ChangeSetName, OperationId or StackName must be specified.',
    });
    expect(await failure(cfn().send(new DescribeEventsCommand({ StackName: 'ev-never' })))).toEqual({
      name: 'ValidationError',
      message: 'Stack with id ev-never does not exist',
    });
    expect(
      (await failure(cfn().send(new DescribeEventsCommand({ ChangeSetName: 'cs-never' })))).message,
    ).toBe('StackName must be specified if ChangeSetName is not specified as an ARN.');
  });

  it('fails a change set that names a resource another stack already has (name conflict)', async () => {
    await deployed('ev-owner', streamTemplate({ Name: 'ev-taken' }));
    await deployed('ev-other', streamTemplate());
    await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ev-other',
        ChangeSetName: 'steal',
        TemplateBody: streamTemplate(
          {},
          { Second: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1, Name: 'ev-taken' } } },
        ),
      }),
    );
    const described = await cfn().send(
      new DescribeChangeSetCommand({ StackName: 'ev-other', ChangeSetName: 'steal' }),
    );
    expect(described.Status).toBe('FAILED');
    expect(described.StatusReason).toBe(
      'The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]. To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information.',
    );
    const events = await cfn().send(
      new DescribeEventsCommand({ StackName: 'ev-other', ChangeSetName: 'steal' }),
    );
    expect(
      events.OperationEvents?.map((e) => ({ ...brief(e), PhysicalResourceId: e.PhysicalResourceId })),
    ).toEqual([
      {
        EventType: 'VALIDATION_ERROR',
        LogicalResourceId: 'Second',
        ResourceType: 'AWS::Kinesis::Stream',
        ValidationName: 'NAME_CONFLICT_VALIDATION',
        ValidationFailureMode: 'FAIL',
        ValidationStatus: 'FAILED',
        ValidationPath: '/Resources/Second/Properties/Name',
        ValidationStatusReason:
          "Resource of type 'AWS::Kinesis::Stream' with identifier 'ev-taken' already exists.",
        PhysicalResourceId: 'ev-taken',
      },
    ]);
    // Its own name is no conflict: the owner's update keeps it.
    const own = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ev-owner',
        ChangeSetName: 'keep-name',
        TemplateBody: streamTemplate({ Name: 'ev-taken', RetentionPeriodHours: 48 }),
      }),
    );
    await waitUntilChangeSetCreateComplete({ client: cfn(), ...wait }, { ChangeSetName: own.Id });
  });

  it('stops CreateStack before anything is made: the stack fails, rolls back, and the operation has the events', async () => {
    const created = await cfn().send(
      new CreateStackCommand({
        StackName: 'ev-create',
        TemplateBody: streamTemplate({ Name: 'ev-create-stream' }),
        Parameters: [{ ParameterKey: 'Shards', ParameterValue: 'lots' }],
      }),
    );
    expect(created.OperationId).toMatch(/\S/);
    expect(await settled('ev-create')).toBe('ROLLBACK_COMPLETE');
    // The stack's own events say why, and where to look; the details are not among them.
    const legacy = await cfn().send(new DescribeStackEventsCommand({ StackName: 'ev-create' }));
    expect(
      legacy.StackEvents?.map((e) => `${e.ResourceStatus} ${e.ResourceStatusReason ?? ''}`.trim()).reverse(),
    ).toEqual([
      'CREATE_IN_PROGRESS User Initiated',
      "ROLLBACK_IN_PROGRESS Validation failure detected. See the operation's FAILED event for details. Rollback requested by user.",
      'ROLLBACK_COMPLETE',
    ]);
    const events = await cfn().send(
      new DescribeEventsCommand({ OperationId: created.OperationId, Filters: { FailedEvents: true } }),
    );
    expect(events.OperationEvents?.map(brief)).toEqual([
      expect.objectContaining({
        ValidationName: 'PROPERTY_VALIDATION',
        ValidationPath: '/Resources/Stream/Properties/ShardCount',
      }),
    ]);
    expect(events.OperationEvents?.[0]?.OperationType).toBe('CREATE_STACK');
    await expect(
      lc().clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'ev-create-stream' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('stops UpdateStack before anything is touched: the update rolls back to the template it had', async () => {
    await deployed('ev-update', streamTemplate());
    const updated = await cfn().send(
      new UpdateStackCommand({ StackName: 'ev-update', TemplateBody: streamTemplate({ Colour: 'red' }) }),
    );
    expect(await settled('ev-update')).toBe('UPDATE_ROLLBACK_COMPLETE');
    const template = await cfn().send(new GetTemplateCommand({ StackName: 'ev-update' }));
    expect(template.TemplateBody).not.toContain('Colour');
    const events = await cfn().send(
      new DescribeEventsCommand({ StackName: 'ev-update', Filters: { FailedEvents: true } }),
    );
    expect(events.OperationEvents?.map((e) => [e.OperationId, e.OperationType, e.ValidationPath])).toEqual([
      [updated.OperationId, 'UPDATE_STACK', '/Resources/Stream/Properties/Colour'],
    ]);
  });

  it('warns (without failing the change set) when it would delete a bucket that holds objects', async () => {
    const withBucket = JSON.stringify({
      Resources: {
        Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
        Bucket: { Type: 'AWS::S3::Bucket' },
      },
      Outputs: { Bucket: { Value: { Ref: 'Bucket' } } },
    });
    await deployed('ev-bucket', withBucket);
    const stack = (await cfn().send(new DescribeStacksCommand({ StackName: 'ev-bucket' }))).Stacks?.[0];
    const bucket = stack?.Outputs?.[0]?.OutputValue ?? '';
    await lc().clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.json', Body: '{}' }));
    const created = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ev-bucket',
        ChangeSetName: 'drop-bucket',
        TemplateBody: JSON.stringify({
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        }),
      }),
    );
    await waitUntilChangeSetCreateComplete({ client: cfn(), ...wait }, { ChangeSetName: created.Id });
    const events = await cfn().send(
      new DescribeEventsCommand({ ChangeSetName: created.Id, Filters: { FailedEvents: true } }),
    );
    expect(events.OperationEvents?.map(brief)).toEqual([
      {
        EventType: 'VALIDATION_ERROR',
        LogicalResourceId: 'Bucket',
        ResourceType: 'AWS::S3::Bucket',
        ValidationName: 'BUCKET_EMPTINESS_VALIDATION',
        ValidationFailureMode: 'WARN',
        ValidationStatus: 'FAILED',
        ValidationPath: '/Resources/Bucket',
        ValidationStatusReason: `The bucket '${bucket}' is not empty. You must either delete all objects and versions or use the deletion policy to retain it, otherwise the delete operation will fail.`,
      },
    ]);
    expect(events.OperationEvents?.[0]?.OperationStatus).toBe('SUCCEEDED');
  });

  it("answers DescribeEvents with each operation's stack and resource events too, FailedEvents keeping the failures", async () => {
    const created = await cfn().send(
      new CreateStackCommand({
        StackName: 'ev-progress',
        TemplateBody: JSON.stringify({
          Resources: {
            Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
            Network: {
              Type: 'AWS::EC2::VPC',
              Properties: { CidrBlock: '10.0.0.0/16' },
              DependsOn: 'Handle',
            },
          },
        }),
      }),
    );
    expect(await settled('ev-progress')).toBe('ROLLBACK_COMPLETE');
    const all = await cfn().send(new DescribeEventsCommand({ OperationId: created.OperationId }));
    const types = all.OperationEvents?.map(
      (e) => `${e.EventType} ${e.LogicalResourceId} ${e.ResourceStatus}`,
    );
    expect(types?.at(-1)).toBe('STACK_EVENT ev-progress CREATE_IN_PROGRESS');
    expect(types?.[0]).toBe('STACK_EVENT ev-progress ROLLBACK_COMPLETE');
    expect(types).toContain('PROGRESS_EVENT Handle CREATE_COMPLETE');
    expect(new Set(all.OperationEvents?.map((e) => [e.OperationType, e.OperationStatus].join(' ')))).toEqual(
      new Set(['CREATE_STACK FAILED']),
    );
    const failed = await cfn().send(
      new DescribeEventsCommand({ StackName: 'ev-progress', Filters: { FailedEvents: true } }),
    );
    expect(failed.OperationEvents?.map((e) => [e.EventType, e.LogicalResourceId, e.ResourceStatus])).toEqual([
      ['PROVISIONING_ERROR', 'Network', 'CREATE_FAILED'],
    ]);
    expect(failed.OperationEvents?.[0]?.ResourceStatusReason).toContain('AWS::EC2::VPC');
    // The legacy events carry the operation's id.
    const legacy = await cfn().send(new DescribeStackEventsCommand({ StackName: 'ev-progress' }));
    expect(new Set(legacy.StackEvents?.map((e) => e.OperationId))).toEqual(new Set([created.OperationId]));
  });

  it('pages DescribeEvents with NextToken', async () => {
    const many = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`Unknown${i}`, 'x']));
    await deployed('ev-many', streamTemplate());
    const created = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ev-many',
        ChangeSetName: 'many',
        TemplateBody: streamTemplate(many),
      }),
    );
    const first = await cfn().send(new DescribeEventsCommand({ ChangeSetName: created.Id }));
    expect(first.OperationEvents).toHaveLength(100);
    expect(first.NextToken).toBeTruthy();
    const second = await cfn().send(
      new DescribeEventsCommand({ ChangeSetName: created.Id, NextToken: first.NextToken }),
    );
    expect(second.OperationEvents).toHaveLength(30);
    expect(second.NextToken).toBeUndefined();
    const paths = new Set(
      [...(first.OperationEvents ?? []), ...(second.OperationEvents ?? [])].map((e) => e.ValidationPath),
    );
    expect(paths.size).toBe(130);
  });
});
