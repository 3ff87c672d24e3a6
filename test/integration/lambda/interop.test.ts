// Clients nobody here wrote, against the local Lambda, Logs and IAM: the aws CLI v2 and boto3.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { eventually } from '../../support/lambda.js';
import { TEST_REGION, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, noBoto3, outsideClientEnv } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

describe('Lambda, Logs and IAM with outside clients', () => {
  const lc = useLocalCloud();

  const aws = (...args: string[]) => {
    const run = spawnSync(AWS_CLI_V2, ['--endpoint-url', lc().cloud.endpoint, '--output', 'json', ...args], {
      env: outsideClientEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`aws ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
  };

  it.skipIf(noAwsCliV2)(
    skipTitle('aws CLI v2: create-role, create-function, invoke, logs filter-log-events', noAwsCliV2),
    async () => {
      const role = aws(
        'iam',
        'create-role',
        '--role-name',
        'cli-role',
        '--assume-role-policy-document',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      ) as { Role: { Arn: string; RoleId: string; AssumeRolePolicyDocument: unknown } };
      expect(role.Role.Arn).toBe('arn:aws:iam::000000000000:role/cli-role');
      expect(role.Role.RoleId).toMatch(/^AROA/);
      // The CLI decodes the URL-encoded document back into JSON, as it does against AWS.
      expect(role.Role.AssumeRolePolicyDocument).toMatchObject({ Version: '2012-10-17' });
      const dir = tempDir('cli-lambda-');
      const zip = join(dir, 'function.zip');
      writeFileSync(
        zip,
        inlineCodeZip(
          'nodejs24.x',
          'exports.handler = async (e) => { console.log("cli says", e.word); return { upper: e.word.toUpperCase() }; };',
        ),
      );
      const created = aws(
        'lambda',
        'create-function',
        '--function-name',
        'cli-fn',
        '--runtime',
        'nodejs24.x',
        '--handler',
        'index.handler',
        '--role',
        role.Role.Arn,
        '--zip-file',
        `fileb://${zip}`,
      );
      expect(created).toMatchObject({ FunctionName: 'cli-fn', State: 'Pending' });
      aws('lambda', 'wait', 'function-active-v2', '--function-name', 'cli-fn');
      const outFile = join(dir, 'out.json');
      const invoked = aws(
        'lambda',
        'invoke',
        '--function-name',
        'cli-fn',
        '--cli-binary-format',
        'raw-in-base64-out',
        '--payload',
        '{"word":"kinesis"}',
        '--log-type',
        'Tail',
        outFile,
      ) as { StatusCode: number; LogResult: string; FunctionError?: string };
      expect(invoked.StatusCode).toBe(200);
      expect(invoked.FunctionError).toBeUndefined();
      expect(JSON.parse(readFileSync(outFile, 'utf8'))).toEqual({ upper: 'KINESIS' });
      expect(Buffer.from(invoked.LogResult, 'base64').toString()).toContain('cli says kinesis');
      const found = await eventually(async () => {
        const result = aws(
          'logs',
          'filter-log-events',
          '--log-group-name',
          '/aws/lambda/cli-fn',
          '--filter-pattern',
          '"cli says"',
        ) as { events: Array<{ message: string }> };
        return result.events.length > 0 ? result.events : undefined;
      });
      expect(found[0]?.message).toContain('\tINFO\tcli says kinesis');
    },
    180_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: a Python function from an inline zip, invoked, its logs filtered, a role created',
      noBoto3,
    ),
    () => {
      const script = `
import io, json, sys, time, zipfile
import boto3

kw = dict(endpoint_url=sys.argv[1], region_name='${TEST_REGION}')
iam = boto3.client('iam', **kw)
lam = boto3.client('lambda', **kw)
logs = boto3.client('logs', **kw)

role = iam.create_role(RoleName='boto-role', AssumeRolePolicyDocument=json.dumps(
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'},
                                               'Action': 'sts:AssumeRole'}]}))['Role']
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('index.py', 'def handler(event, context):\\n    print("boto3 event", event["n"])\\n    return {"double": event["n"] * 2}\\n')
lam.create_function(FunctionName='boto-fn', Runtime='python3.13', Role=role['Arn'], Handler='index.handler',
                    Code={'ZipFile': buf.getvalue()})
lam.get_waiter('function_active_v2').wait(FunctionName='boto-fn')
out = lam.invoke(FunctionName='boto-fn', Payload=json.dumps({'n': 21}))
payload = json.loads(out['Payload'].read())
events = []
# The log group appears when the first lines are shipped, a moment after the invocation returns (as on AWS).
for _ in range(300):
    try:
        events = logs.filter_log_events(logGroupName='/aws/lambda/boto-fn', filterPattern='"boto3 event"')['events']
    except logs.exceptions.ResourceNotFoundException:
        events = []
    if events:
        break
    time.sleep(0.2)
print(json.dumps({'roleArn': role['Arn'], 'status': out['StatusCode'], 'payload': payload,
                  'log': [e['message'] for e in events],
                  'names': [f['FunctionName'] for f in lam.list_functions()['Functions']]}))
`;
      const run = spawnSync('python3', ['-c', script, lc().cloud.endpoint], {
        env: outsideClientEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        roleArn: 'arn:aws:iam::000000000000:role/boto-role',
        status: 200,
        payload: { double: 42 },
        log: ['boto3 event 21\n'],
      });
      expect(result.names).toContain('boto-fn');
    },
    180_000,
  );
});
