// The CloudFormation query API through the real SDK against a local cloud: shapes, errors, change sets,
// persistence. Templates here use AWS::CloudFormation::WaitConditionHandle, which needs no other service.
import {
  type CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  paginateDescribeStackEvents,
  UpdateStackCommand,
  ValidateTemplateCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { settledStatus } from '../../support/cloudformation.js';
import { startTestCloud, stopTestCloud, useLocalCloud } from '../../support/local-cloud.js';

const wait = { maxWaitTime: 120, minDelay: 1, maxDelay: 2 };
let cfn: () => CloudFormationClient;

const handles = (count: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Description: 'handles',
    Parameters: {
      Label: { Type: 'String', Default: 'one' },
      Secret: { Type: 'String', NoEcho: true, Default: 'hidden' },
    },
    Resources: Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `Handle${i}`,
        { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      ]),
    ),
    Outputs: {
      Label: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
        Value: { 'Fn::Sub': '${Label}-${AWS::StackName}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-label' } },
      },
    },
    ...extra,
  });

const ROLE_TEMPLATE = JSON.stringify({
  Resources: {
    R: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    },
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

describe('CloudFormation API', () => {
  const lc = useLocalCloud();
  cfn = () => lc().clients.cloudformation;

  it('validates templates, answering format errors and capabilities as AWS does', async () => {
    const ok = await cfn().send(new ValidateTemplateCommand({ TemplateBody: handles(1) }));
    expect(ok.Description).toBe('handles');
    expect(ok.Parameters?.map((p) => [p.ParameterKey, p.DefaultValue, p.NoEcho])).toEqual([
      ['Label', 'one', false],
      ['Secret', 'hidden', true],
    ]);
    const iam = await cfn().send(
      new ValidateTemplateCommand({
        TemplateBody: ROLE_TEMPLATE,
      }),
    );
    expect(iam.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(iam.CapabilitiesReason).toBe('The following resource(s) require capabilities: [AWS::IAM::Role]');
    expect(await failure(cfn().send(new ValidateTemplateCommand({ TemplateBody: 'Resources: {}' })))).toEqual(
      {
        name: 'ValidationError',
        message: 'Template format error: At least one Resources member must be defined.',
      },
    );
    const cycle = await failure(
      cfn().send(
        new ValidateTemplateCommand({
          TemplateBody: JSON.stringify({
            Resources: {
              A: { Type: 'AWS::CloudFormation::WaitConditionHandle', DependsOn: 'B' },
              B: { Type: 'AWS::CloudFormation::WaitConditionHandle', DependsOn: 'A' },
            },
          }),
        }),
      ),
    );
    expect(cycle).toEqual({
      name: 'ValidationError',
      message: 'Circular dependency between resources: [A, B]',
    });
  });

  it('creates a stack, describes it with masked NoEcho values, and lists its events newest first', async () => {
    const { StackId } = await cfn().send(
      new CreateStackCommand({
        StackName: 'api-basic',
        TemplateBody: handles(2),
        Parameters: [{ ParameterKey: 'Label', ParameterValue: 'two' }],
        Tags: [{ Key: 'team', Value: 'shop' }],
      }),
    );
    expect(StackId).toMatch(
      /^arn:aws:cloudformation:us-east-1:000000000000:stack\/api-basic\/[0-9a-f-]{36}$/,
    );
    await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: 'api-basic' });
    const [stack] = (await cfn().send(new DescribeStacksCommand({ StackName: 'api-basic' }))).Stacks ?? [];
    expect(stack).toMatchObject({
      StackName: 'api-basic',
      StackId,
      StackStatus: 'CREATE_COMPLETE',
      Description: 'handles',
      Tags: [{ Key: 'team', Value: 'shop' }],
      Outputs: [{ OutputKey: 'Label', OutputValue: 'two-api-basic', ExportName: 'api-basic-label' }],
    });
    expect(stack?.CreationTime).toBeInstanceOf(Date);
    expect(stack?.Parameters).toEqual([
      { ParameterKey: 'Label', ParameterValue: 'two' },
      { ParameterKey: 'Secret', ParameterValue: '****' },
    ]);
    const events =
      (await cfn().send(new DescribeStackEventsCommand({ StackName: 'api-basic' }))).StackEvents ?? [];
    expect(events[0]).toMatchObject({
      LogicalResourceId: 'api-basic',
      ResourceStatus: 'CREATE_COMPLETE',
      ResourceType: 'AWS::CloudFormation::Stack',
    });
    expect(events.at(-1)).toMatchObject({
      ResourceStatus: 'CREATE_IN_PROGRESS',
      ResourceStatusReason: 'User Initiated',
      PhysicalResourceId: StackId,
    });
    const times = events.map((e) => e.Timestamp?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const resources =
      (await cfn().send(new DescribeStackResourcesCommand({ StackName: 'api-basic' }))).StackResources ?? [];
    expect(resources.map((r) => [r.LogicalResourceId, r.ResourceStatus])).toEqual([
      ['Handle0', 'CREATE_COMPLETE'],
      ['Handle1', 'CREATE_COMPLETE'],
    ]);
    const one = await cfn().send(
      new DescribeStackResourceCommand({ StackName: 'api-basic', LogicalResourceId: 'Handle1' }),
    );
    expect(one.StackResourceDetail?.PhysicalResourceId).toBe(resources[1]?.PhysicalResourceId);
    const byPhysical = await cfn().send(
      new DescribeStackResourcesCommand({ PhysicalResourceId: resources[0]?.PhysicalResourceId }),
    );
    expect(byPhysical.StackResources?.map((r) => r.LogicalResourceId)).toEqual(['Handle0']);
    const summary = await cfn().send(new GetTemplateSummaryCommand({ StackName: 'api-basic' }));
    expect(summary.ResourceTypes).toEqual(['AWS::CloudFormation::WaitConditionHandle']);
    expect((await cfn().send(new GetTemplateCommand({ StackName: 'api-basic' }))).TemplateBody).toBe(
      handles(2),
    );
  });

  it("answers errors in AWS's words", async () => {
    expect(await failure(cfn().send(new DescribeStacksCommand({ StackName: 'nope' })))).toEqual({
      name: 'ValidationError',
      message: 'Stack with id nope does not exist',
    });
    await cfn().send(new CreateStackCommand({ StackName: 'api-dup', TemplateBody: handles(1) }));
    expect(
      await failure(cfn().send(new CreateStackCommand({ StackName: 'api-dup', TemplateBody: handles(1) }))),
    ).toEqual({
      name: 'AlreadyExistsException',
      message: 'Stack [api-dup] already exists',
    });
    const needs = JSON.stringify({
      Parameters: { Must: { Type: 'String' } },
      Resources: { H: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
    });
    expect(
      (await failure(cfn().send(new CreateStackCommand({ StackName: 'api-params', TemplateBody: needs }))))
        .message,
    ).toBe('Parameters: [Must] must have values');
    expect(
      await failure(
        cfn().send(new CreateStackCommand({ StackName: 'api-iam', TemplateBody: ROLE_TEMPLATE })),
      ),
    ).toEqual({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    });
    expect(
      (
        await failure(
          cfn().send(new CreateStackCommand({ StackName: 'api-yaml', TemplateBody: 'Resources: [' })),
        )
      ).message,
    ).toMatch(/^Template format error: YAML not well-formed at line 1/);
    const unknownType = JSON.stringify({ Resources: { X: { Type: 'AWS::Foo::Bar' } } });
    expect(
      (
        await failure(
          cfn().send(new CreateStackCommand({ StackName: 'api-type', TemplateBody: unknownType })),
        )
      ).message,
    ).toBe('Template format error: Unrecognized resource types: [AWS::Foo::Bar]');
    const badProperty = JSON.stringify({
      Resources: { S: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1, Colour: 'red' } } },
    });
    // ValidateTemplate checks syntax only: property values are for the stack operations' pre-deployment
    // validation to refuse (early-validation.test.ts).
    const checked = await cfn().send(new ValidateTemplateCommand({ TemplateBody: badProperty }));
    expect(checked.Parameters).toEqual([]);
    const summary = await cfn().send(new GetTemplateSummaryCommand({ TemplateBody: badProperty }));
    expect(summary.ResourceTypes).toEqual(['AWS::Kinesis::Stream']);
    await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: 'api-dup' });
    expect(
      (await failure(cfn().send(new UpdateStackCommand({ StackName: 'api-dup', TemplateBody: handles(1) }))))
        .message,
    ).toBe('No updates are to be performed.');
  });

  it('rolls back a stack with a type the local cloud does not provision, naming the type', async () => {
    const body = JSON.stringify({
      Resources: {
        Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
        Topic: { Type: 'AWS::SNS::Topic', DependsOn: 'Handle' },
      },
    });
    await cfn().send(new CreateStackCommand({ StackName: 'api-unsupported', TemplateBody: body }));
    expect(await settled('api-unsupported')).toBe('ROLLBACK_COMPLETE');
    const events =
      (await cfn().send(new DescribeStackEventsCommand({ StackName: 'api-unsupported' }))).StackEvents ?? [];
    const failed = events.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.LogicalResourceId).toBe('Topic');
    expect(failed?.ResourceStatusReason).toContain('AWS::SNS::Topic');
    const rollback = events.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS');
    expect(rollback?.ResourceStatusReason).toBe(
      'The following resource(s) failed to create: [Topic]. Rollback requested by user.',
    );
    const resources =
      (await cfn().send(new ListStackResourcesCommand({ StackName: 'api-unsupported' })))
        .StackResourceSummaries ?? [];
    expect(resources.every((r) => r.ResourceStatus === 'DELETE_COMPLETE')).toBe(true);
  });

  it('pages events with NextToken', async () => {
    await cfn().send(new CreateStackCommand({ StackName: 'api-many', TemplateBody: handles(40) }));
    await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: 'api-many' });
    const first = await cfn().send(new DescribeStackEventsCommand({ StackName: 'api-many' }));
    expect(first.NextToken).toBeDefined();
    const all = [];
    for await (const page of paginateDescribeStackEvents({ client: cfn() }, { StackName: 'api-many' }))
      all.push(...(page.StackEvents ?? []));
    expect(all).toHaveLength(2 + 40 * 3);
    expect(new Set(all.map((e) => e.EventId)).size).toBe(all.length);
  });

  it('hides a deleted stack by name but shows it by id, and lists it by status', async () => {
    const { StackId } = await cfn().send(
      new CreateStackCommand({ StackName: 'api-deleted', TemplateBody: handles(1) }),
    );
    await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: 'api-deleted' });
    await cfn().send(new DeleteStackCommand({ StackName: 'api-deleted' }));
    await waitUntilStackDeleteComplete({ client: cfn(), ...wait }, { StackName: StackId });
    expect((await failure(cfn().send(new DescribeStacksCommand({ StackName: 'api-deleted' })))).message).toBe(
      'Stack with id api-deleted does not exist',
    );
    const byId = await cfn().send(new DescribeStacksCommand({ StackName: StackId }));
    expect(byId.Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
    expect(byId.Stacks?.[0]?.DeletionTime).toBeInstanceOf(Date);
    const all = (await cfn().send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(all.some((s) => s.StackId === StackId)).toBe(false);
    const deleted = await cfn().send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(deleted.StackSummaries?.map((s) => s.StackId)).toContain(StackId);
    // Deleting what is gone succeeds quietly, as on AWS.
    await cfn().send(new DeleteStackCommand({ StackName: 'api-deleted' }));
  });

  it('creates through a change set, updates through another, and reports an empty one as AWS does', async () => {
    const created = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'api-cs',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: handles(1),
      }),
    );
    const review = await cfn().send(new DescribeStacksCommand({ StackName: 'api-cs' }));
    expect(review.Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    await waitUntilChangeSetCreateComplete({ client: cfn(), ...wait }, { ChangeSetName: created.Id });
    const described = await cfn().send(
      new DescribeChangeSetCommand({ ChangeSetName: 'first', StackName: 'api-cs' }),
    );
    expect(described).toMatchObject({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      StackId: created.StackId,
    });
    expect(
      described.Changes?.map((c) => [c.Type, c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId]),
    ).toEqual([['Resource', 'Add', 'Handle0']]);
    await cfn().send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    await waitUntilStackCreateComplete({ client: cfn(), ...wait }, { StackName: 'api-cs' });

    const update = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'api-cs',
        ChangeSetName: 'second',
        TemplateBody: handles(2),
        Parameters: [{ ParameterKey: 'Label', UsePreviousValue: true }],
      }),
    );
    await waitUntilChangeSetCreateComplete({ client: cfn(), ...wait }, { ChangeSetName: update.Id });
    const listed = await cfn().send(new ListChangeSetsCommand({ StackName: 'api-cs' }));
    expect(listed.Summaries?.map((s) => s.ChangeSetName)).toEqual(['second']);
    const changes = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: update.Id }));
    expect(
      changes.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId]),
    ).toEqual([['Add', 'Handle1']]);
    await cfn().send(new ExecuteChangeSetCommand({ ChangeSetName: 'second', StackName: 'api-cs' }));
    await waitUntilStackUpdateComplete({ client: cfn(), ...wait }, { StackName: 'api-cs' });
    expect((await cfn().send(new ListChangeSetsCommand({ StackName: 'api-cs' }))).Summaries).toEqual([]);

    const empty = await cfn().send(
      new CreateChangeSetCommand({ StackName: 'api-cs', ChangeSetName: 'third', TemplateBody: handles(2) }),
    );
    const none = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: empty.Id }));
    expect(none.Status).toBe('FAILED');
    expect(none.StatusReason).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    await cfn().send(new DeleteChangeSetCommand({ ChangeSetName: empty.Id }));
    expect((await failure(cfn().send(new DescribeChangeSetCommand({ ChangeSetName: empty.Id })))).name).toBe(
      'ChangeSetNotFoundException',
    );
  });

  it('keeps stacks across a restart of the local cloud', async () => {
    const first = await startTestCloud();
    try {
      await first.clients.cloudformation.send(
        new CreateStackCommand({ StackName: 'kept', TemplateBody: handles(2) }),
      );
      await waitUntilStackCreateComplete(
        { client: first.clients.cloudformation, ...wait },
        { StackName: 'kept' },
      );
      await stopTestCloud(first, { keepData: true });
      const second = await startTestCloud({ dataDir: first.dataDir });
      try {
        const [stack] =
          (await second.clients.cloudformation.send(new DescribeStacksCommand({ StackName: 'kept' })))
            .Stacks ?? [];
        expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
        expect(stack?.Outputs?.[0]?.OutputValue).toBe('one-kept');
        const events = await second.clients.cloudformation.send(
          new DescribeStackEventsCommand({ StackName: 'kept' }),
        );
        expect(events.StackEvents).toHaveLength(2 + 2 * 3);
      } finally {
        await stopTestCloud(second);
      }
    } catch (error) {
      await stopTestCloud(first).catch(() => undefined);
      throw error;
    }
  }, 120_000);
});
