// Resource types provisioned through the other local services, checked through those services' own APIs,
// as a user would find them after a deploy.
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand as GetFunctionPolicyCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { physicalIds, settledStatus } from '../../support/cloudformation.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';

describe('CloudFormation resources through the local services', () => {
  const lc = useLocalCloud();
  const cfn = () => lc().clients.cloudformation;

  const settled = (name: string) => settledStatus(cfn(), name);
  const physicalIdsOf = (name: string) => physicalIds(cfn(), name);

  async function reasons(name: string): Promise<string[]> {
    const { StackEvents = [] } = await cfn().send(new DescribeStackEventsCommand({ StackName: name }));
    return StackEvents.filter((e) => e.ResourceStatusReason).map(
      (e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`,
    );
  }

  const assumeLambda = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  const logsPolicy = (resource: unknown) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: resource }],
  });

  const iamAndLogs = (retention: number) =>
    JSON.stringify({
      Resources: {
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: retention } },
        Stream: {
          Type: 'AWS::Logs::LogStream',
          Properties: { LogGroupName: { Ref: 'Group' }, LogStreamName: 'delivery' },
        },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: assumeLambda,
            Policies: [
              { PolicyName: 'inline', PolicyDocument: logsPolicy({ 'Fn::GetAtt': ['Group', 'Arn'] }) },
            ],
          },
        },
        Managed: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: logsPolicy('*'), Roles: [{ Ref: 'Role' }] },
        },
        Extra: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyName: 'extra', PolicyDocument: logsPolicy('*'), Roles: [{ Ref: 'Role' }] },
        },
      },
      Outputs: {
        RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } },
        GroupArn: { Value: { 'Fn::GetAtt': ['Group', 'Arn'] } },
        ManagedArn: { Value: { Ref: 'Managed' } },
      },
    });

  it('creates log groups, log streams, roles and policies, updates them in place, and deletes them', async () => {
    const { clients } = lc();
    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-iam',
        TemplateBody: iamAndLogs(7),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-iam'), (await reasons('res-iam')).join('\n')).toBe('CREATE_COMPLETE');
    const ids = await physicalIdsOf('res-iam');
    expect(ids.Group).toMatch(/^res-iam-Group-[A-Z0-9]{13}$/);
    expect(ids.Role).toMatch(/^res-iam-Role-[A-Z0-9]{13}$/);
    expect(ids.Managed).toMatch(/^arn:aws:iam::000000000000:policy\/res-iam-Managed-/);

    const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: ids.Group }));
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(7);
    const streams = await clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: ids.Group }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(['delivery']);
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: ids.Role }));
    const [stack] = (await cfn().send(new DescribeStacksCommand({ StackName: 'res-iam' }))).Stacks ?? [];
    expect(stack?.Outputs?.find((o) => o.OutputKey === 'RoleArn')?.OutputValue).toBe(role.Role?.Arn);
    expect(stack?.Outputs?.find((o) => o.OutputKey === 'GroupArn')?.OutputValue).toBe(
      `arn:aws:logs:us-east-1:000000000000:log-group:${ids.Group}:*`,
    );
    const inline = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: ids.Role }));
    expect(inline.PolicyNames).toEqual(['extra', 'inline']);
    const document = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: ids.Role, PolicyName: 'inline' }),
    );
    expect(decodeURIComponent(document.PolicyDocument ?? '')).toContain(`log-group:${ids.Group}`);
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ids.Role }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([ids.Managed]);

    await cfn().send(
      new UpdateStackCommand({
        StackName: 'res-iam',
        TemplateBody: iamAndLogs(14),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-iam')).toBe('UPDATE_COMPLETE');
    expect(await physicalIdsOf('res-iam')).toEqual(ids);
    const updated = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: ids.Group }));
    expect(updated.logGroups?.[0]?.retentionInDays).toBe(14);

    await cfn().send(new DeleteStackCommand({ StackName: 'res-iam' }));
    expect(await settled(stack?.StackId ?? '')).toBe('DELETE_COMPLETE');
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: ids.Role }))).rejects.toThrow();
    await expect(clients.iam.send(new GetPolicyCommand({ PolicyArn: ids.Managed }))).rejects.toThrow();
    const gone = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: ids.Group }));
    expect(gone.logGroups).toEqual([]);
  });

  const functionTemplate = (runtime: string, code: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeLambda } },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: runtime,
            Handler: 'index.handler',
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Timeout: '30',
            Code: { ZipFile: code },
            ...extra,
          },
        },
        Allow: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            FunctionName: { Ref: 'Fn' },
            Action: 'lambda:InvokeFunction',
            Principal: 'firehose.amazonaws.com',
          },
        },
      },
      Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    });

  async function invoke(name: string, payload: unknown): Promise<unknown> {
    const result = await lc().clients.lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'));
  }

  it('deploys a YAML role whose policy Version is written unquoted (2012-10-17), as AWS does', async () => {
    const { clients } = lc();
    const yaml = [
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Version: 2012-10-17',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: { Service: lambda.amazonaws.com }',
      '            Action: sts:AssumeRole',
      '      Policies:',
      '        - PolicyName: logs',
      '          PolicyDocument:',
      '            Version: 2012-10-17',
      '            Statement:',
      '              - Effect: Allow',
      '                Action: logs:PutLogEvents',
      "                Resource: '*'",
    ].join('\n');
    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-yaml-version',
        TemplateBody: yaml,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-yaml-version'), (await reasons('res-yaml-version')).join('\n')).toBe(
      'CREATE_COMPLETE',
    );
    const { Role: name = '' } = await physicalIdsOf('res-yaml-version');
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}')).Version).toBe(
      '2012-10-17',
    );
    const inline = await clients.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'logs' }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '{}')).Version).toBe('2012-10-17');
    await cfn().send(new DeleteStackCommand({ StackName: 'res-yaml-version' }));
  });

  it('packages inline Node.js code as index.js, converts "30" to a number, waits for Active, and grants the permission', async () => {
    const code =
      'exports.handler = async (event) => ({ doubled: event.n * 2, node: process.version.startsWith("v") });';
    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-node',
        TemplateBody: functionTemplate('nodejs22.x', code),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-node'), (await reasons('res-node')).join('\n')).toBe('CREATE_COMPLETE');
    const ids = await physicalIdsOf('res-node');
    const config = await lc().clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: ids.Fn }),
    );
    expect(config).toMatchObject({ State: 'Active', Timeout: 30, Handler: 'index.handler' });
    expect(await invoke(ids.Fn as string, { n: 21 })).toEqual({ doubled: 42, node: true });
    const policy = await lc().clients.lambda.send(new GetFunctionPolicyCommand({ FunctionName: ids.Fn }));
    expect(JSON.parse(policy.Policy ?? '{}').Statement[0]).toMatchObject({
      Sid: ids.Allow,
      Action: 'lambda:InvokeFunction',
    });

    const changed = 'exports.handler = async (event) => ({ tripled: event.n * 3 });';
    await cfn().send(
      new UpdateStackCommand({
        StackName: 'res-node',
        TemplateBody: functionTemplate('nodejs22.x', changed, { MemorySize: 256 }),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-node'), (await reasons('res-node')).join('\n')).toBe('UPDATE_COMPLETE');
    expect((await physicalIdsOf('res-node')).Fn).toBe(ids.Fn);
    expect(await invoke(ids.Fn as string, { n: 5 })).toEqual({ tripled: 15 });
    const stackId =
      (await cfn().send(new DescribeStacksCommand({ StackName: 'res-node' }))).Stacks?.[0]?.StackId ?? '';
    await cfn().send(new DeleteStackCommand({ StackName: 'res-node' }));
    expect(await settled(stackId)).toBe('DELETE_COMPLETE');
    await expect(
      lc().clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: ids.Fn })),
    ).rejects.toThrow(/Function not found/);
  });

  it("takes a function's code from the local S3 (S3Bucket, S3Key), and fails with what S3 answered for a missing key", async () => {
    const { s3 } = lc().clients;
    await s3.send(new CreateBucketCommand({ Bucket: 'res-code' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'res-code',
        Key: 'fn.zip',
        Body: inlineCodeZip('nodejs22.x', 'exports.handler = async (event) => ({ from: "s3", n: event.n });'),
      }),
    );
    const fromS3 = (key: string) =>
      functionTemplate('nodejs22.x', '', { Code: { S3Bucket: 'res-code', S3Key: key } });
    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-s3code',
        TemplateBody: fromS3('fn.zip'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-s3code'), (await reasons('res-s3code')).join('\n')).toBe('CREATE_COMPLETE');
    expect(await invoke((await physicalIdsOf('res-s3code')).Fn as string, { n: 7 })).toEqual({
      from: 's3',
      n: 7,
    });

    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-nocode',
        TemplateBody: fromS3('missing.zip'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-nocode')).toBe('ROLLBACK_COMPLETE');
    expect((await reasons('res-nocode')).find((r) => r.startsWith('Fn:'))).toMatch(
      /^Fn: Error occurred while GetObject\. S3 Error Code: NoSuchKey\..*\(Service: Lambda; Status Code: 400; Error Code: InvalidParameterValueException;/,
    );
  });

  const noPython = missingTool('python3');
  it.skipIf(noPython)(skipTitle('packages inline Python code as index.py', noPython), async () => {
    const code = 'def handler(event, context):\n    return {"greeting": "hello " + event["name"]}\n';
    await cfn().send(
      new CreateStackCommand({
        StackName: 'res-python',
        TemplateBody: functionTemplate('python3.12', code),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect(await settled('res-python'), (await reasons('res-python')).join('\n')).toBe('CREATE_COMPLETE');
    const ids = await physicalIdsOf('res-python');
    expect(await invoke(ids.Fn as string, { name: 'shop' })).toEqual({ greeting: 'hello shop' });
  });

  it("fails a resource with the service's reason and rolls back what was made", async () => {
    const template = JSON.stringify({
      Resources: {
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'res-taken' } },
        Again: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'res-taken' }, DependsOn: 'Group' },
      },
    });
    await cfn().send(new CreateStackCommand({ StackName: 'res-fail', TemplateBody: template }));
    expect(await settled('res-fail')).toBe('ROLLBACK_COMPLETE');
    const failed = (await reasons('res-fail')).find((r) => r.startsWith('Again:'));
    expect(failed).toMatch(
      /^Again: .*already exists.*\(Service: CloudWatchLogs; Status Code: 400; Error Code: ResourceAlreadyExistsException; Request ID: /,
    );
    const groups = await lc().clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: 'res-taken' }),
    );
    expect(groups.logGroups).toEqual([]);
  });
  it('checks evaluated properties against the resource specification before calling the service', async () => {
    // Pre-deployment validation passes it (an attribute of another resource could be anything); once the
    // log group exists, its ARN makes ShardCount a word. (Values known earlier: early-validation.test.ts.)
    const template = JSON.stringify({
      Resources: {
        Group: { Type: 'AWS::Logs::LogGroup' },
        Events: {
          Type: 'AWS::Kinesis::Stream',
          Properties: { Name: 'res-checked', ShardCount: { 'Fn::GetAtt': ['Group', 'Arn'] } },
        },
      },
    });
    await cfn().send(new CreateStackCommand({ StackName: 'res-checked', TemplateBody: template }));
    expect(await settled('res-checked')).toBe('ROLLBACK_COMPLETE');
    expect(await reasons('res-checked')).toContain(
      'Events: Properties validation failed for resource Events with message: Value of property ShardCount must be of type Integer (at ShardCount)',
    );
    await expect(
      lc().clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'res-checked' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates Kinesis streams as the template says (mode, shards, retention, encryption) and updates them', async () => {
    const streams = (shards: number) =>
      JSON.stringify({
        Resources: {
          Provisioned: {
            Type: 'AWS::Kinesis::Stream',
            Properties: {
              ShardCount: String(shards),
              RetentionPeriodHours: 48,
              StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
              Tags: [{ Key: 'team', Value: 'shop' }],
            },
          },
          OnDemand: {
            Type: 'AWS::Kinesis::Stream',
            Properties: { Name: 'res-on-demand', StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
          },
        },
        Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Provisioned', 'Arn'] } } },
      });
    await cfn().send(new CreateStackCommand({ StackName: 'res-kinesis', TemplateBody: streams(1) }));
    expect(await settled('res-kinesis'), (await reasons('res-kinesis')).join('\n')).toBe('CREATE_COMPLETE');
    const ids = await physicalIdsOf('res-kinesis');
    expect(ids.Provisioned).toMatch(/^res-kinesis-Provisioned-[A-Z0-9]{13}$/);
    const kinesis = lc().clients.kinesis;
    const provisioned = (
      await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: ids.Provisioned }))
    ).StreamDescriptionSummary;
    expect(provisioned).toMatchObject({
      StreamStatus: 'ACTIVE',
      OpenShardCount: 1,
      RetentionPeriodHours: 48,
      EncryptionType: 'KMS',
      KeyId: 'alias/aws/kinesis',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    const [stack] = (await cfn().send(new DescribeStacksCommand({ StackName: 'res-kinesis' }))).Stacks ?? [];
    expect(stack?.Outputs?.[0]?.OutputValue).toBe(provisioned?.StreamARN);
    const onDemand = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'res-on-demand' })))
      .StreamDescriptionSummary;
    expect(onDemand?.StreamModeDetails?.StreamMode).toBe('ON_DEMAND');

    await cfn().send(new UpdateStackCommand({ StackName: 'res-kinesis', TemplateBody: streams(2) }));
    expect(await settled('res-kinesis'), (await reasons('res-kinesis')).join('\n')).toBe('UPDATE_COMPLETE');
    expect((await physicalIdsOf('res-kinesis')).Provisioned).toBe(ids.Provisioned);
    const resharded = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: ids.Provisioned })))
      .StreamDescriptionSummary;
    expect(resharded?.OpenShardCount).toBe(2);

    await cfn().send(new DeleteStackCommand({ StackName: 'res-kinesis' }));
    expect(await settled(stack?.StackId ?? '')).toBe('DELETE_COMPLETE');
    await expect(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'res-on-demand' })),
    ).rejects.toThrow(/not found/);
  });
});
