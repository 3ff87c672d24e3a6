// What `kinesis-tui deploy` tells the user when CloudFormation's pre-deployment validation stops a deploy:
// each problem's resource, path into the template and reason, and what to do (read with DescribeEvents),
// through the built binary and through the engine against a local cloud; and, on an endpoint without
// DescribeEvents, the change set's own reason.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { createClients } from '../../../src/config/clients.js';
import { deployStack, StackFailure } from '../../../src/pipeline/stack.js';
import { loadTemplate } from '../../../src/pipeline/template.js';
import { TEST_CREDENTIALS, TEST_REGION, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { cleanEnv, runCli } from '../pipeline/cli.js';

const work = tempDir('deploy-validation-');
const template = join(work, 'stream.yaml');
writeFileSync(
  template,
  [
    'Parameters:',
    '  Shards: { Type: String, Default: "1" }',
    'Resources:',
    '  Stream:',
    '    Type: AWS::Kinesis::Stream',
    '    Properties: { ShardCount: !Ref Shards }',
    'Outputs:',
    '  StreamName: { Value: !Ref Stream }',
    '',
  ].join('\n'),
);
const PATH = '/Resources/Stream/Properties/ShardCount';
const REASON = 'Value of property ShardCount must be of type Integer';

let lc: ReturnType<typeof useLocalCloud>;

const deploy = (stack: string, ...args: string[]) =>
  runCli(
    ['deploy', '--endpoint-url', lc().cloud.endpoint, '--stack-name', stack, '--template', template, ...args],
    { env: cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') }), timeoutMs: 300_000 },
  );

async function refusal(run: Promise<unknown>): Promise<StackFailure> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(StackFailure);
    return error as StackFailure;
  }
  throw new Error('expected the deploy to fail');
}

describe('deploy when pre-deployment validation refuses the template', () => {
  lc = useLocalCloud();

  it('names the resource, the property path and the reason, in text and in --json', async () => {
    const first = await deploy('dv-cli', '--param', 'Shards=1');
    expect(first.code, first.stdout + first.stderr).toBe(EXIT.ok);

    const text = await deploy('dv-cli', '--param', 'Shards=many');
    expect(text.code).toBe(EXIT.target);
    const said = text.stdout + text.stderr;
    expect(said).toContain(`Stream VALIDATION_FAILED: ${REASON} (at ${PATH})`);
    expect(said).toMatch(/failed CloudFormation's pre-deployment validation, so nothing was changed/);
    expect(said).toContain(
      'Fix the property at that path in the template (or the --param value that sets it)',
    );

    const json = await deploy('dv-cli', '--param', 'Shards=many', '--json');
    expect(json.code).toBe(EXIT.target);
    const failures = json.json.find((line) => line.type === 'failures');
    expect(failures?.failures).toEqual([
      { logicalId: 'Stream', status: 'VALIDATION_FAILED', reason: `${REASON} (at ${PATH})`, path: PATH },
    ]);
    // The stack was not touched: the next good deploy finds nothing to change.
    const again = await deploy('dv-cli', '--param', 'Shards=1');
    expect(again.code, again.stdout + again.stderr).toBe(EXIT.ok);
    expect(again.stdout).toContain('unchanged');
  }, 120_000);

  it('tells why a create failed validation, and that the rolled-back stack must be replaced', async () => {
    const failure = await refusal(
      deployStack(lc().clients.cloudformation, {
        stackName: 'dv-create',
        template: loadTemplate(template),
        parameters: () => [{ ParameterKey: 'Shards', ParameterValue: 'lots' }],
        pollMs: 200,
      }),
    );
    expect(failure.status).toBe('ROLLBACK_COMPLETE');
    expect(failure.message).toContain(`Stream (AWS::Kinesis::Stream) at ${PATH}: ${REASON}`);
    expect(failure.message).toContain('deploy --replace');
    expect(failure.failures.map((f) => f.path)).toEqual([PATH]);
  }, 120_000);

  it('warns, before executing an update, that it deletes a bucket that still holds objects', async () => {
    const withBucket = join(work, 'with-bucket.yaml');
    writeFileSync(
      withBucket,
      'Resources:\n  Handle: { Type: AWS::CloudFormation::WaitConditionHandle }\n  Bucket: { Type: AWS::S3::Bucket }\n' +
        'Outputs:\n  BucketName: { Value: !Ref Bucket }\n',
    );
    const without = join(work, 'without-bucket.yaml');
    writeFileSync(without, 'Resources:\n  Handle: { Type: AWS::CloudFormation::WaitConditionHandle }\n');
    const cf = lc().clients.cloudformation;
    const first = await deployStack(cf, {
      stackName: 'dv-bucket',
      template: loadTemplate(withBucket),
      parameters: () => [],
      pollMs: 200,
    });
    const bucket = first.stack.outputs.BucketName ?? '';
    await lc().clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.json', Body: '{}' }));
    const phases: string[] = [];
    await deployStack(cf, {
      stackName: 'dv-bucket',
      template: loadTemplate(without),
      parameters: () => [],
      pollMs: 200,
      onUpdate: (update) => {
        if (update.type === 'phase') phases.push(update.message);
      },
    }).catch(() => undefined);
    expect(phases).toContain(
      `warning from CloudFormation's pre-deployment validation: Bucket (AWS::S3::Bucket) at /Resources/Bucket: The bucket '${bucket}' is not empty. You must either delete all objects and versions or use the deletion policy to retain it, otherwise the delete operation will fail`,
    );
  }, 120_000);

  it('falls back to the change set reason on an endpoint without DescribeEvents', async () => {
    // An older AWS-compatible endpoint: DescribeEvents reaches the server as an operation it lacks.
    const older = createClients({
      region: TEST_REGION,
      endpoint: lc().cloud.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    try {
      const cf: CloudFormationClient = older.cloudformation;
      cf.middlewareStack.add(
        (next, context) => async (args) => {
          const request = args.request as { body?: unknown };
          if (context.commandName === 'DescribeEventsCommand' && typeof request.body === 'string')
            // Same length: Content-Length is already set.
            request.body = request.body.replace('Action=DescribeEvents', 'Action=DescribeEventX');
          return next(args);
        },
        { step: 'build', name: 'olderEndpoint' },
      );
      const options = {
        stackName: 'dv-older',
        template: loadTemplate(template),
        pollMs: 200,
      };
      await deployStack(cf, {
        ...options,
        parameters: () => [{ ParameterKey: 'Shards', ParameterValue: '1' }],
      });
      const failure = await refusal(
        deployStack(cf, { ...options, parameters: () => [{ ParameterKey: 'Shards', ParameterValue: 'x' }] }),
      );
      expect(failure.message).toContain(
        'The following hook(s)/validation failed: [AWS::EarlyValidation::PropertyValidation]',
      );
      expect(failure.message).toContain('(no details: this endpoint has no DescribeEvents)');
    } finally {
      older.destroy();
    }
  }, 120_000);
});
