// The reset switch: one unsigned POST empties every service of a running local cloud (and ends every
// fault), so a test run can reuse one local cloud. Everything made before is gone, in memory, on disk and
// in child processes, and the same names can be used again at once.
import {
  CreateStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import {
  AddTagsToStreamCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateAliasCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { childPids } from '../../../bench/support/proc.js';
import type { Clients } from '../../../src/config/clients.js';
import { settledStatus } from '../../support/cloudformation.js';
import { createPipeline, linesOf, objectReader, putAll } from '../../support/delivery.js';
import { injectFault, listFaults } from '../../support/faults.js';
import { allShards, createActiveStream, readShard } from '../../support/kinesis.js';
import { createInlineFunction, invokeJson } from '../../support/lambda.js';
import {
  type LocalCloudFixture,
  resetLocalCloud,
  startTestCloud,
  stopTestCloud,
  tempDir,
  useLocalCloud,
} from '../../support/local-cloud.js';
import { noBoto3, runOutsideClient } from '../../support/outside-clients.js';
import { alive } from '../../support/processes.js';
import { listAllKeys } from '../../support/s3.js';
import { skipTitle } from '../../support/tools.js';
import { waitFor } from '../../support/wait.js';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' }],
});
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const STREAM_STACK = JSON.stringify({
  Resources: {
    Events: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'stack-events', ShardCount: 1 } },
  },
});

/** Something in every service, under names the test uses again after the reset. */
async function fillEveryService(clients: Clients, endpoint: string, version: string) {
  const { kinesis, s3, iam, logs, lambda, cloudformation, cloudwatch } = clients;
  await createActiveStream(kinesis, { StreamName: 'reused', ShardCount: 1 });
  await kinesis.send(
    new PutRecordCommand({ StreamName: 'reused', Data: Buffer.from(version), PartitionKey: 'k' }),
  );
  await kinesis.send(new AddTagsToStreamCommand({ StreamName: 'reused', Tags: { version } }));
  await s3.send(new CreateBucketCommand({ Bucket: 'reused' }));
  await s3.send(new PutObjectCommand({ Bucket: 'reused', Key: `${version}.txt`, Body: version }));
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: 'reused',
      Tagging: { TagSet: [{ Key: 'version', Value: version }] },
    }),
  );
  await iam.send(new CreateRoleCommand({ RoleName: 'reused', AssumeRolePolicyDocument: TRUST }));
  await iam.send(new CreateUserCommand({ UserName: 'reused' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'reused' }));
  await iam.send(new CreatePolicyCommand({ PolicyName: 'reused', PolicyDocument: POLICY }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'reused' }));
  // A metric of one's own; the record put above published AWS/Kinesis metrics too.
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'Reused',
      MetricData: [{ MetricName: version, Value: 1, Unit: 'Count' }],
    }),
  );
  // Invoked, so a warm environment (a child process) holds this version's code.
  await createInlineFunction(
    lambda,
    'reused',
    `exports.handler = async () => { console.log('ran ${version}'); return '${version}'; };`,
  );
  expect((await invokeJson(lambda, 'reused')).payload).toBe(version);
  const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'reused' }));
  await lambda.send(
    new CreateAliasCommand({ FunctionName: 'reused', Name: 'live', FunctionVersion: published.Version }),
  );
  await kinesis.send(
    new RegisterStreamConsumerCommand({
      StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/reused',
      ConsumerName: 'reused',
    }),
  );
  await cloudformation.send(new CreateStackCommand({ StackName: 'reused', TemplateBody: STREAM_STACK }));
  await waitUntilStackCreateComplete(
    { client: cloudformation, maxWaitTime: 120, minDelay: 1 },
    { StackName: 'reused' },
  );
  await injectFault(endpoint, {
    service: 's3',
    errorCode: 'SlowDown',
    status: 503,
    rate: 0.01,
    durationMs: 600_000,
  });
}

/** What every service lists: all empty after a reset. */
async function everything(clients: Clients, endpoint: string) {
  const { kinesis, s3, iam, logs, lambda, cloudformation, firehose, cloudwatch } = clients;
  return {
    streams: (await kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [],
    buckets: ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name),
    roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName),
    users: ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName),
    policies: ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map(
      (p) => p.PolicyName,
    ),
    logGroups: ((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map(
      (g) => g.logGroupName,
    ),
    functions: ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName),
    stacks: ((await cloudformation.send(new ListStacksCommand({}))).StackSummaries ?? []).map(
      (s) => s.StackName,
    ),
    deliveryStreams: (await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames ?? [],
    metrics: ((await cloudwatch.send(new ListMetricsCommand({}))).Metrics ?? []).map(
      (m) => `${m.Namespace}/${m.MetricName}`,
    ),
    faults: await listFaults(endpoint),
  };
}

const EMPTY = {
  streams: [],
  buckets: [],
  roles: [],
  users: [],
  policies: [],
  logGroups: [],
  functions: [],
  stacks: [],
  deliveryStreams: [],
  metrics: [],
  faults: [],
};

const errorName = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: Error) => error.name,
  );

describe('the reset switch', () => {
  const lc = useLocalCloud({ firehosePollMs: 250 });

  it('empties every service and ends every fault, and the same names work again at once', async () => {
    const { clients, cloud } = lc();
    await fillEveryService(clients, cloud.endpoint, 'v1');
    // A stack operation still running when the reset comes: abandoned, and nothing it made stays.
    await clients.cloudformation.send(
      new CreateStackCommand({
        StackName: 'caught',
        TemplateBody: STREAM_STACK.replace('stack-events', 'caught-events'),
      }),
    );
    const before = await everything(clients, cloud.endpoint);
    expect(before).toMatchObject({
      streams: expect.arrayContaining(['reused', 'stack-events']),
      buckets: ['reused'],
      roles: ['reused'],
      users: ['reused'],
      policies: ['reused'],
      logGroups: expect.arrayContaining(['reused']),
      functions: ['reused'],
      stacks: expect.arrayContaining(['reused', 'caught']),
      metrics: expect.arrayContaining(['Reused/v1', 'AWS/Kinesis/IncomingRecords']),
      faults: [expect.objectContaining({ service: 's3' })],
    });
    const children = childPids(cloud.pid);
    expect(
      children.length,
      'kinesalite, the S3 backend and a warm Lambda environment',
    ).toBeGreaterThanOrEqual(3);

    const answer = await resetLocalCloud(cloud.endpoint);
    expect(answer).toMatchObject({
      reset: ['sts', 'kinesis', 'logs', 'monitoring', 'lambda', 'iam', 's3', 'firehose', 'cloudformation'],
      faultsCleared: 1,
    });
    // Answered only once done: everything is gone the moment it answers.
    expect(await everything(clients, cloud.endpoint)).toEqual(EMPTY);
    expect(await errorName(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'reused' })))).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await errorName(clients.cloudformation.send(new DescribeStacksCommand({ StackName: 'reused' }))),
    ).toBe('ValidationError');
    // The old children (warm environments, the backends with the old data) are gone; new backends serve.
    await waitFor('the processes from before the reset to end', () => children.every((pid) => !alive(pid)));
    expect(childPids(cloud.pid)).toHaveLength(2);

    // The same names, again: nothing of v1 shows through (no records, objects, tags or warm code).
    await fillEveryService(clients, cloud.endpoint, 'v2');
    const shard = (await allShards(clients.kinesis, 'reused'))[0]?.ShardId ?? '';
    const records = await readShard(clients.kinesis, 'reused', shard);
    expect(records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'))).toEqual(['v2']);
    expect((await clients.kinesis.send(new ListTagsForStreamCommand({ StreamName: 'reused' }))).Tags).toEqual(
      [{ Key: 'version', Value: 'v2' }],
    );
    expect(await listAllKeys(clients.s3, 'reused')).toEqual(['v2.txt']);
    expect((await clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'reused' }))).TagSet).toEqual([
      { Key: 'version', Value: 'v2' },
    ]);
    expect(await settledStatus(clients.cloudformation, 'reused')).toBe('CREATE_COMPLETE');
    expect((await everything(clients, cloud.endpoint)).metrics).not.toContain('Reused/v1');
    expect((await resetLocalCloud(cloud.endpoint)).faultsCleared).toBe(1);
  }, 300_000);

  it('a delivery stream made again under its old name delivers only the new records', async () => {
    const { clients, cloud } = lc();
    const first = await createPipeline(clients, { name: 'delivered' });
    await putAll(clients, first.stream, [{ data: 'before the reset\n' }]);
    const read = objectReader(clients.s3, 'delivered');
    await waitFor('the first record in S3', async () => linesOf(await read()).length === 1);

    await resetLocalCloud(cloud.endpoint);
    expect(await everything(clients, cloud.endpoint)).toEqual(EMPTY);

    // Same stream, bucket and delivery stream names: no checkpoint, spool or buffer of the old one stays.
    await createPipeline(clients, { name: 'delivered' });
    await putAll(clients, 'delivered', [{ data: 'after the reset\n' }]);
    const again = objectReader(clients.s3, 'delivered');
    await waitFor('the new record in S3', async () => linesOf(await again()).length >= 1);
    expect(linesOf(await again())).toEqual(['after the reset']);
    await resetLocalCloud(cloud.endpoint);
  }, 300_000);

  it('holds a request that reaches a service while it starts over, then answers it', async () => {
    const { clients, cloud } = lc();
    await fillEveryService(clients, cloud.endpoint, 'v1');
    const resetting = resetLocalCloud(cloud.endpoint);
    let done = false;
    void resetting.finally(() => {
      done = true;
    });
    // Calls to every service all through the reset: each is answered from before or after it, none
    // fails on a service caught half started (an S3 backend restarting, a Lambda store not there yet).
    const failures: string[] = [];
    let calls = 0;
    while (!done) {
      const answers = await Promise.allSettled([
        clients.s3.send(new ListBucketsCommand({})),
        clients.kinesis.send(new ListStreamsCommand({})),
        clients.lambda.send(new ListFunctionsCommand({})),
        clients.firehose.send(new ListDeliveryStreamsCommand({})),
        clients.cloudformation.send(new ListStacksCommand({})),
        clients.logs.send(new DescribeLogGroupsCommand({})),
        clients.iam.send(new ListRolesCommand({})),
        clients.cloudwatch.send(new ListMetricsCommand({})),
      ]);
      calls += answers.length;
      for (const a of answers) if (a.status === 'rejected') failures.push(String(a.reason));
    }
    await resetting;
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(8);
    expect(await everything(clients, cloud.endpoint)).toEqual(EMPTY);
  }, 300_000);

  it('takes only a JSON POST', async () => {
    const { cloud } = lc();
    const get = await fetch(`${cloud.endpoint}/_local-cloud/reset`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // A web page can send a form to 127.0.0.1 without asking; it cannot send JSON without a preflight.
    const form = await fetch(`${cloud.endpoint}/_local-cloud/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { message: string }).message).toMatch(/Content-Type: application\/json/);
  });

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: things made, the local cloud reset, all gone, made again under the same names',
      noBoto3,
    ),
    async () => {
      const { cloud } = lc();
      const script = `
import io, json, sys, urllib.request, zipfile
import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint)
kinesis, s3, iam = boto3.client('kinesis', **kw), boto3.client('s3', **kw), boto3.client('iam', **kw)
logs, lam = boto3.client('logs', **kw), boto3.client('lambda', **kw)
cloudwatch = boto3.client('cloudwatch', **kw)
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
code = io.BytesIO()
with zipfile.ZipFile(code, 'w') as z:
    z.writestr('index.py', 'def handler(event, context):\\n    return "ok"\\n')

def make():
    kinesis.create_stream(StreamName='boto-reset', ShardCount=1)
    kinesis.get_waiter('stream_exists').wait(StreamName='boto-reset', WaiterConfig={'Delay': 1})
    s3.create_bucket(Bucket='boto-reset')
    s3.put_object(Bucket='boto-reset', Key='a.txt', Body=b'a')
    role = iam.create_role(RoleName='boto-reset', AssumeRolePolicyDocument=trust)['Role']
    logs.create_log_group(logGroupName='boto-reset')
    lam.create_function(FunctionName='boto-reset', Runtime='python3.13', Role=role['Arn'],
                        Handler='index.handler', Code={'ZipFile': code.getvalue()})
    lam.get_waiter('function_active_v2').wait(FunctionName='boto-reset', WaiterConfig={'Delay': 1})
    cloudwatch.put_metric_data(Namespace='BotoReset', MetricData=[{'MetricName': 'made', 'Value': 1}])

def listed():
    return {
        'streams': kinesis.list_streams()['StreamNames'],
        'buckets': [b['Name'] for b in s3.list_buckets()['Buckets']],
        'roles': [r['RoleName'] for r in iam.list_roles()['Roles']],
        'logGroups': [g['logGroupName'] for g in logs.describe_log_groups()['logGroups']],
        'functions': [f['FunctionName'] for f in lam.list_functions()['Functions']],
        'metrics': [m['MetricName'] for m in cloudwatch.list_metrics(Namespace='BotoReset')['Metrics']],
    }

make()
before = listed()
request = urllib.request.Request(endpoint + '/_local-cloud/reset', data=b'{}', method='POST',
                                 headers={'Content-Type': 'application/json'})
with urllib.request.urlopen(request) as answer:
    status = answer.status
after = listed()
make()
print(json.dumps({'before': before, 'status': status, 'after': after, 'again': listed()}))
`;
      const run = await runOutsideClient('python3', ['-c', script, cloud.endpoint]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const one = {
        streams: ['boto-reset'],
        buckets: ['boto-reset'],
        roles: ['boto-reset'],
        logGroups: ['boto-reset'],
        functions: ['boto-reset'],
        metrics: ['made'],
      };
      expect(JSON.parse(run.stdout)).toEqual({
        before: one,
        status: 200,
        after: { streams: [], buckets: [], roles: [], logGroups: [], functions: [], metrics: [] },
        again: one,
      });
      await resetLocalCloud(cloud.endpoint);
    },
    180_000,
  );
});

describe('the reset switch and the data dir', () => {
  let fixture: LocalCloudFixture | undefined;
  const dataDir = tempDir('reset-data-');
  afterAll(() => stopTestCloud(fixture));

  it('leaves nothing on disk that a restart would bring back', async () => {
    fixture = await startTestCloud({ dataDir });
    await fillEveryService(fixture.clients, fixture.cloud.endpoint, 'v1');
    await resetLocalCloud(fixture.cloud.endpoint);
    await stopTestCloud(fixture, { keepData: true });
    fixture = await startTestCloud({ dataDir });
    expect(await everything(fixture.clients, fixture.cloud.endpoint)).toEqual(EMPTY);
  }, 300_000);
});
