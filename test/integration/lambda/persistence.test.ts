import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { createInlineFunction, eventually, invokeJson } from '../../support/lambda.js';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
});

describe('Lambda, Logs and IAM across a restart with the same data dir', () => {
  const dataDir = tempDir('lambda-restart-');
  let fixture: LocalCloudFixture | undefined;
  afterAll(async () => {
    await stopTestCloud(fixture);
  });

  it('keeps functions with their code (and their versions` code), log groups with their events, and roles with their policies', async () => {
    fixture = await startTestCloud({ dataDir });
    let { clients } = fixture;
    const created = await createInlineFunction(
      clients.lambda,
      'survivor',
      'let calls = 0;\nexports.handler = async (e) => { calls++; console.log("call", calls, e.tag); return { tag: e.tag, calls }; };',
      { Environment: { Variables: { KEPT: 'yes' } } },
    );
    await clients.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'survivor',
        StatementId: 'kept',
        Action: 'lambda:InvokeFunction',
        Principal: 'firehose.amazonaws.com',
      }),
    );
    expect((await invokeJson(clients.lambda, 'survivor', { tag: 'before' })).payload).toEqual({
      tag: 'before',
      calls: 1,
    });
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/kept/group' }));
    await clients.logs.send(new CreateLogStreamCommand({ logGroupName: '/kept/group', logStreamName: 's' }));
    await clients.logs.send(
      new PutLogEventsCommand({
        logGroupName: '/kept/group',
        logStreamName: 's',
        logEvents: [{ timestamp: Date.now(), message: 'written before the restart' }],
      }),
    );
    // The function's own log lines reach the Logs service before the restart.
    await eventually(async () => {
      const found = await clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: '/aws/lambda/survivor', filterPattern: 'before' }),
      );
      return found.events?.length ? true : undefined;
    });
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'kept-role',
        AssumeRolePolicyDocument: policy.replace('logs:*', 'sts:AssumeRole'),
      }),
    );
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: 'kept-role', PolicyName: 'inline', PolicyDocument: policy }),
    );
    const managed = await clients.iam.send(
      new CreatePolicyCommand({ PolicyName: 'kept-policy', PolicyDocument: policy }),
    );
    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: 'kept-role', PolicyArn: managed.Policy?.Arn }),
    );
    const roleId = (await clients.iam.send(new GetRoleCommand({ RoleName: 'kept-role' }))).Role?.RoleId;
    // A published version whose code $LATEST has since moved on from, and an alias to it.
    await createInlineFunction(clients.lambda, 'versioned', 'exports.handler = async () => "one";', {
      Publish: true,
    });
    await clients.lambda.send(
      new CreateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '1' }),
    );
    await clients.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'versioned',
        ZipFile: inlineCodeZip('nodejs24.x', 'exports.handler = async () => "two";'),
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: clients.lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 'versioned' },
    );

    await stopTestCloud(fixture, { keepData: true });
    fixture = await startTestCloud({ dataDir });
    clients = fixture.clients;

    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: 'survivor' }));
    expect(fn.Configuration).toMatchObject({
      State: 'Active',
      CodeSha256: created.CodeSha256,
      Environment: { Variables: { KEPT: 'yes' } },
    });
    // A fresh environment after the restart (module state starts over), running the same code.
    expect((await invokeJson(clients.lambda, 'survivor', { tag: 'after' })).payload).toEqual({
      tag: 'after',
      calls: 1,
    });
    expect(
      JSON.parse(
        (await clients.lambda.send(new GetPolicyCommand({ FunctionName: 'survivor' }))).Policy ?? '{}',
      ).Statement,
    ).toHaveLength(1);
    expect((await invokeJson(clients.lambda, 'versioned:live')).payload).toBe('one');
    expect((await invokeJson(clients.lambda, 'versioned')).payload).toBe('two');
    const kept = await clients.logs.send(
      new GetLogEventsCommand({ logGroupName: '/kept/group', logStreamName: 's', startFromHead: true }),
    );
    expect(kept.events?.map((e) => e.message)).toEqual(['written before the restart']);
    const calls = await eventually(async () => {
      const found = await clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: '/aws/lambda/survivor', filterPattern: 'call' }),
      );
      return (found.events?.length ?? 0) >= 2 ? found.events : undefined;
    });
    expect(calls.map((e) => e.message?.split('\t')[3])).toEqual(['call 1 before\n', 'call 1 after\n']);
    // The versioned function's log lines (and so its group) arrive a moment after its invocations.
    const groups = await eventually(async () => {
      const found = await clients.logs.send(new DescribeLogGroupsCommand({}));
      return found.logGroups?.some((g) => g.logGroupName === '/aws/lambda/versioned') ? found : undefined;
    });
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual([
      '/aws/lambda/survivor',
      '/aws/lambda/versioned',
      '/kept/group',
    ]);
    expect((await clients.iam.send(new GetRoleCommand({ RoleName: 'kept-role' }))).Role?.RoleId).toBe(roleId);
    expect(
      decodeURIComponent(
        (await clients.iam.send(new GetRolePolicyCommand({ RoleName: 'kept-role', PolicyName: 'inline' })))
          .PolicyDocument ?? '',
      ),
    ).toBe(policy);
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'kept-role' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([managed.Policy?.Arn]);
  }, 120_000);
});
