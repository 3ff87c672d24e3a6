// Clients nobody here wrote, against the local CloudFormation: the aws CLI v2 (`deploy` works through
// change sets, `wait` through DescribeStacks) and boto3 with its waiters.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import {
  AWS_CLI_V2,
  noAwsCliV2,
  noBoto3,
  noBotoDescribeEvents,
  noCliDescribeEvents,
  runOutsideClient,
} from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const run = runOutsideClient;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: interop stack
Parameters:
  Retention:
    Type: Number
    Default: 7
    AllowedValues: [1, 3, 5, 7, 14]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !Ref Retention
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: 'sts:AssumeRole'
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: 'logs:PutLogEvents'
                Resource: !GetAtt Group.Arn
Outputs:
  GroupName:
    Value: !Ref Group
`;

describe('CloudFormation with outside clients', () => {
  const lc = useLocalCloud();

  const aws = (...args: string[]) =>
    run(AWS_CLI_V2, ['--endpoint-url', lc().cloud.endpoint, '--output', 'json', ...args]);

  async function retention(stack: string): Promise<number | undefined> {
    const out = await aws('cloudformation', 'describe-stacks', '--stack-name', stack);
    const outputs = JSON.parse(out.stdout).Stacks[0].Outputs as Array<{
      OutputKey: string;
      OutputValue: string;
    }>;
    const group = outputs.find((o) => o.OutputKey === 'GroupName')?.OutputValue;
    const groups = await lc().clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    return groups.logGroups?.[0]?.retentionInDays;
  }

  it.skipIf(noAwsCliV2)(
    skipTitle(
      'aws CLI v2: deploy creates and updates through change sets, then delete-stack and wait',
      noAwsCliV2,
    ),
    async () => {
      const file = join(tempDir('cli-cfn-'), 'template.yaml');
      writeFileSync(file, TEMPLATE);
      // The CLI names each change set after the current second, and a failed (empty) change set stays on
      // the stack as it does on AWS: two deploys within one second collide on the name. Start each deploy
      // in a second after the previous one finished, as a person typing them would.
      let lastSecond = 0;
      const deploy = async (...extra: string[]) => {
        while (Math.floor(Date.now() / 1000) <= lastSecond) await new Promise((r) => setTimeout(r, 50));
        const result = await aws(
          'cloudformation',
          'deploy',
          '--template-file',
          file,
          '--stack-name',
          'cli-stack',
          '--capabilities',
          'CAPABILITY_IAM',
          ...extra,
        );
        lastSecond = Math.floor(Date.now() / 1000);
        return result;
      };

      const created = await deploy();
      expect(created.stderr).toBe('');
      expect(created.stdout).toContain('Successfully created/updated stack - cli-stack');
      expect(created.status).toBe(0);
      expect(await retention('cli-stack')).toBe(7);

      // The CLI recognizes the empty change set by its status reason, as it does on AWS.
      const unchanged = await deploy();
      expect(unchanged.stdout + unchanged.stderr).toContain(
        'No changes to deploy. Stack cli-stack is up to date',
      );
      const quiet = await deploy('--no-fail-on-empty-changeset');
      expect(quiet.status).toBe(0);

      const updated = await deploy('--parameter-overrides', 'Retention=14');
      expect(updated.stdout + updated.stderr).toContain('Successfully created/updated stack - cli-stack');
      expect(await retention('cli-stack')).toBe(14);

      const refused = await deploy('--parameter-overrides', 'Retention=2');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("Parameter 'Retention' must be one of AllowedValues");

      expect((await aws('cloudformation', 'delete-stack', '--stack-name', 'cli-stack')).status).toBe(0);
      const waited = await aws(
        'cloudformation',
        'wait',
        'stack-delete-complete',
        '--stack-name',
        'cli-stack',
      );
      expect(waited.stderr).toBe('');
      expect(waited.status).toBe(0);
      const gone = await aws('cloudformation', 'describe-stacks', '--stack-name', 'cli-stack');
      expect(gone.stderr).toContain('Stack with id cli-stack does not exist');
    },
    300_000,
  );

  it.skipIf(noBoto3)(
    skipTitle('boto3: create_stack, waiters, events and resources, delete_stack', noBoto3),
    async () => {
      const script = `
import json, sys, boto3
cfn = boto3.client('cloudformation', endpoint_url=sys.argv[1])
template = sys.stdin.read()
cfn.create_stack(StackName='boto-stack', TemplateBody=template, Capabilities=['CAPABILITY_IAM'],
                 Parameters=[{'ParameterKey': 'Retention', 'ParameterValue': '3'}])
fast = {'Delay': 1, 'MaxAttempts': 120}
cfn.get_waiter('stack_create_complete').wait(StackName='boto-stack', WaiterConfig=fast)
stack = cfn.describe_stacks(StackName='boto-stack')['Stacks'][0]
events = cfn.describe_stack_events(StackName='boto-stack')['StackEvents']
resources = cfn.list_stack_resources(StackName='boto-stack')['StackResourceSummaries']
cfn.delete_stack(StackName='boto-stack')
cfn.get_waiter('stack_delete_complete').wait(StackName=stack['StackId'], WaiterConfig=fast)
try:
    cfn.describe_stacks(StackName='boto-stack')
    missing = None
except cfn.exceptions.ClientError as error:
    missing = error.response['Error']
print(json.dumps({
    'status': stack['StackStatus'],
    'parameters': stack['Parameters'],
    'first_event': [events[-1]['ResourceStatus'], events[-1]['ResourceStatusReason']],
    'last_event': events[0]['ResourceStatus'],
    'resources': sorted((r['LogicalResourceId'], r['ResourceStatus']) for r in resources),
    'missing': missing,
}))
`;
      const result = await run('python3', ['-c', script, lc().cloud.endpoint], TEMPLATE);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        status: 'CREATE_COMPLETE',
        parameters: [{ ParameterKey: 'Retention', ParameterValue: '3' }],
        first_event: ['CREATE_IN_PROGRESS', 'User Initiated'],
        last_event: 'CREATE_COMPLETE',
        resources: [
          ['Group', 'CREATE_COMPLETE'],
          ['Role', 'CREATE_COMPLETE'],
        ],
        missing: {
          Type: 'Sender',
          Code: 'ValidationError',
          Message: 'Stack with id boto-stack does not exist',
        },
      });
    },
    120_000,
  );
  /** A stack, and a change set on it whose property the schema refuses: what describe-events is for. */
  async function refusedChangeSet(stack: string): Promise<string> {
    const cfn = lc().clients.cloudformation;
    const body = (extra: string) =>
      `Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties: { ShardCount: 1${extra} }\n`;
    await cfn.send(new CreateStackCommand({ StackName: stack, TemplateBody: body('') }));
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
      { StackName: stack },
    );
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: stack,
        ChangeSetName: 'refused',
        TemplateBody: body(', Colour: red'),
      }),
    );
    return created.Id ?? '';
  }

  const REFUSED_EVENT = {
    EventType: 'VALIDATION_ERROR',
    LogicalResourceId: 'Stream',
    ValidationName: 'PROPERTY_VALIDATION',
    ValidationStatus: 'FAILED',
    ValidationFailureMode: 'FAIL',
    ValidationPath: '/Resources/Stream/Properties/Colour',
    ValidationStatusReason: 'Encountered unsupported property Colour',
  };

  it.skipIf(noBotoDescribeEvents)(
    skipTitle(
      'boto3: a change set failed by pre-deployment validation, read with describe_events',
      noBotoDescribeEvents,
    ),
    async () => {
      const arn = await refusedChangeSet('boto-refused');
      const script = `
import json, sys, boto3
cfn = boto3.client('cloudformation', endpoint_url=sys.argv[1])
change_set = cfn.describe_change_set(StackName='boto-refused', ChangeSetName='refused')
by_name = cfn.describe_events(StackName='boto-refused', ChangeSetName='refused', Filters={'FailedEvents': True})
paged = [e for page in cfn.get_paginator('describe_events').paginate(ChangeSetName=sys.argv[2]) for e in page['OperationEvents']]
keys = ['EventType', 'LogicalResourceId', 'ValidationName', 'ValidationStatus', 'ValidationFailureMode',
        'ValidationPath', 'ValidationStatusReason']
print(json.dumps({
    'status': [change_set['Status'], change_set['ExecutionStatus'], change_set['StatusReason']],
    'events': [{k: e.get(k) for k in keys} for e in by_name['OperationEvents']],
    'paged': len(paged),
    'timestamp': type(by_name['OperationEvents'][0]['Timestamp']).__name__,
}))
`;
      const result = await run('python3', ['-c', script, lc().cloud.endpoint, arn]);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        status: [
          'FAILED',
          'UNAVAILABLE',
          'The following hook(s)/validation failed: [AWS::EarlyValidation::PropertyValidation]. To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information.',
        ],
        events: [REFUSED_EVENT],
        paged: 1,
        timestamp: 'datetime',
      });
    },
    180_000,
  );

  it.skipIf(noCliDescribeEvents)(
    skipTitle('aws CLI v2: describe-events --change-set-name', noCliDescribeEvents),
    async () => {
      await refusedChangeSet('cli-refused');
      const out = await aws(
        'cloudformation',
        'describe-events',
        '--stack-name',
        'cli-refused',
        '--change-set-name',
        'refused',
        '--filters',
        'FailedEvents=true',
      );
      expect(out.stderr).toBe('');
      const events = JSON.parse(out.stdout).OperationEvents as Array<Record<string, unknown>>;
      expect(events.map((e) => Object.fromEntries(Object.keys(REFUSED_EVENT).map((k) => [k, e[k]])))).toEqual(
        [REFUSED_EVENT],
      );
    },
    180_000,
  );
});
