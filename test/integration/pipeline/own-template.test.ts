// A user's own template (issue 12), through the built binary as a user runs it: the classic homework's
// shape (its own parameter and output names, a Python 3.13 inline transform that keeps only user_id,
// item_id, category and price, no S3 prefix, unquoted policy versions). deploy, stream, verify (matching by
// content), status and teardown find everything by discovery; a stack with two streams asks which.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, categoryOf } from '../../../lambda/records.js';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { createEventSource } from '../../../src/pipeline/events.js';
import { parseJournal } from '../../../src/pipeline/journal.js';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';
import { cleanEnv, runCli } from './cli.js';

const python = missingTool('python3');
const SEED = join(import.meta.dirname, '../../fixtures/seed-pipeline.yaml');
const work = tempDir('own-template-');
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });
let lc: LocalCloudFixture;

beforeAll(async () => {
  lc = await startTestCloud({ firehosePollMs: 250 });
}, 120_000);
afterAll(async () => {
  await stopTestCloud(lc);
  rmSync(work, { recursive: true, force: true });
});

const cli = (args: string[], timeoutMs = 300_000) =>
  runCli([...args, '--endpoint-url', lc.cloud.endpoint, '--json'], { env, timeoutMs });

describe.skipIf(python)(skipTitle('the classic homework template, through the commands', python), () => {
  const stack = ['--stack-name', 'homework'];
  const bucket = 'homework-events-archive';

  it('deploys with --template, and says what it found in the stack', async () => {
    const deploy = await cli([
      'deploy',
      ...stack,
      '--template',
      SEED,
      '--param',
      `S3BucketName=${bucket}`,
      '--param',
      'BufferSeconds=0',
    ]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);
    // Its outputs are named its own way: nothing relies on them.
    expect(deploy.json.find((l) => l.type === 'deployed')).toMatchObject({
      status: 'CREATE_COMPLETE',
      outputs: { KinesisStreamArn: expect.stringContaining(':stream/ecommerce-events-stream') },
    });
    expect(deploy.json.find((l) => l.type === 'pipeline')).toMatchObject({
      streams: [{ name: 'ecommerce-events-stream', status: 'ACTIVE' }],
      deliveryStreams: [
        {
          name: 'ecommerce-events-firehose',
          status: 'ACTIVE',
          source: 'ecommerce-events-stream',
          bucket,
          // No Prefix: Firehose writes by hour at the bucket's root.
          destination: `s3://${bucket}/!{timestamp:yyyy/MM/dd/HH/}`,
          transform: {
            arn: expect.stringContaining(':function:ecommerce-events-transform'),
            logGroup: '/aws/lambda/ecommerce-events-transform',
          },
        },
      ],
      buckets: [bucket],
    });
    expect(deploy.json.some((l) => l.type === 'resources')).toBe(false);
  }, 300_000);

  it("streams into the stack's stream and journals each event as it was sent", async () => {
    const stream = await cli(['stream', ...stack, '--count', '300', '--rate', '500', '--seed', '5']);
    expect(stream.code, stream.stdout + stream.stderr).toBe(EXIT.ok);
    const streaming = stream.json.find((l) => l.type === 'streaming');
    expect(streaming).toMatchObject({ stream: 'ecommerce-events-stream' });
    const journal = parseJournal(readFileSync(String(streaming?.journal), 'utf8'));
    expect(journal.acknowledged.size).toBe(300);
    for (const ack of journal.acknowledged.values()) {
      expect(ack.event).toMatchObject({ event_id: ack.event_id, user_id: expect.any(String) });
    }
  }, 300_000);

  it('verifies by content: every event matched on the fields the transform kept, categories counted', async () => {
    const verify = await cli(['verify', ...stack, '--wait', '--timeout', '4m']);
    const report = verify.json.find((l) => l.type === 'report');
    expect(report, verify.stdout + verify.stderr).toMatchObject({
      bucket,
      acknowledged: 300,
      delivered: 300,
      missing: 0,
      processingFailed: 0,
      ok: true,
      matching: { by: 'content', fields: ['user_id', 'item_id', 'price'], changed: [] },
    });
    // The objects are at the bucket's root, as the template asked (no prefix).
    const listed = await lc.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.length).toBeGreaterThan(0);
    for (const o of listed.Contents ?? []) {
      expect(o.Key).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}\/ecommerce-events-firehose-/);
    }
    const matching = report?.matching as { exact: number; ambiguous: number; text: string };
    expect(matching.exact + matching.ambiguous).toBe(300);
    expect(matching.text).toMatch(/^matched by content on user_id\+item_id\+price/);
    // The transform categorizes as ours does: what was sent per category is what arrived.
    const source = createEventSource({ seed: 5, users: 1000 });
    const expected: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    for (let i = 0; i < 300; i++) {
      const category = categoryOf(source.next().item_id);
      expected[category] = (expected[category] ?? 0) + 1;
    }
    const categories = report?.categories as { sent: unknown; delivered: unknown };
    expect(categories.sent).toEqual(expected);
    expect(categories.delivered).toEqual(expected);
    expect(verify.code).toBe(EXIT.ok);

    // Said in words too: how the records were matched, and how exact that is.
    const text = await runCli(['verify', ...stack, '--endpoint-url', lc.cloud.endpoint], { env });
    expect(text.stdout).toMatch(
      /matched by content on user_id\+item_id\+price \(the transform drops event_id\)/,
    );
    expect(text.stdout).toMatch(/OK: all 300 acknowledged events are accounted for/);
  }, 360_000);

  it('shows the discovered pipeline in status', async () => {
    const status = await cli(['status', ...stack]);
    expect(
      status.json.find((l) => l.type === 'status'),
      status.stdout,
    ).toMatchObject({
      stream: { name: 'ecommerce-events-stream', status: 'ACTIVE' },
      deliveryStream: { name: 'ecommerce-events-firehose', status: 'ACTIVE' },
      objects: { bucket, failed: 0 },
      problems: [],
    });
    expect(status.code).toBe(EXIT.ok);
  }, 120_000);

  it('tears down: empties the bucket it found and deletes the stack', async () => {
    const teardown = await cli(['teardown', ...stack]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(EXIT.ok);
    expect(teardown.json.find((l) => l.type === 'emptied')).toMatchObject({ bucket });
    expect(teardown.json.find((l) => l.type === 'deleted')).toMatchObject({ bucket, stackName: 'homework' });
    const status = await cli(['status', ...stack]);
    expect(status.json.find((l) => l.type === 'status')).toMatchObject({ stack: null });
  }, 300_000);
});

describe('a stack with two streams', () => {
  const stack = ['--stack-name', 'two-streams'];
  beforeAll(async () => {
    const template = join(work, 'two-streams.yaml');
    writeFileSync(
      template,
      [
        'Resources:',
        '  Orders: { Type: AWS::Kinesis::Stream, Properties: { Name: two-orders, ShardCount: 1 } }',
        '  Clicks: { Type: AWS::Kinesis::Stream, Properties: { Name: two-clicks, ShardCount: 1 } }',
        '',
      ].join('\n'),
    );
    const deploy = await cli(['deploy', ...stack, '--template', template]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);
  }, 300_000);

  it('asks which to send to, naming both, and sends to the one named with --stream', async () => {
    const ambiguous = await cli(['stream', ...stack, '--count', '5']);
    expect(ambiguous.code).toBe(EXIT.usage);
    expect(ambiguous.json.find((e) => e.type === 'error')).toMatchObject({
      type: 'error',
      message:
        'stack "two-streams" has 2 Kinesis streams (two-orders, two-clicks): pass --stream with one of them',
    });
    const unknown = await cli(['stream', ...stack, '--count', '5', '--stream', 'two-views']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(String(unknown.json.find((e) => e.type === 'error')?.message)).toMatch(
      /has no stream "two-views"; its Kinesis streams: two-orders, two-clicks/,
    );
    const chosen = await cli(['stream', ...stack, '--count', '5', '--stream', 'two-clicks']);
    expect(chosen.code, chosen.stdout + chosen.stderr).toBe(EXIT.ok);
    expect(chosen.json.find((l) => l.type === 'streaming')).toMatchObject({ stream: 'two-clicks' });
  }, 300_000);
});

describe.skipIf(python)(skipTitle('a transform named by an alias ARN', python), () => {
  it('finds the function and its log group behind the alias, and delivers through it', async () => {
    // The homework template, its processor named by an alias of a published version.
    const aliased = readFileSync(SEED, 'utf8')
      .replace(
        '  FirehoseRole:\n',
        [
          '  TransformVersion:',
          '    Type: AWS::Lambda::Version',
          '    Properties: { FunctionName: !Ref TransformFunction }',
          '  TransformAlias:',
          '    Type: AWS::Lambda::Alias',
          '    Properties:',
          '      FunctionName: !Ref TransformFunction',
          '      FunctionVersion: !GetAtt TransformVersion.Version',
          '      Name: live',
          '  FirehoseRole:',
          '',
        ].join('\n'),
      )
      .replace('ParameterValue: !GetAtt TransformFunction.Arn', 'ParameterValue: !Ref TransformAlias')
      .replace(
        'Resource: !GetAtt TransformFunction.Arn',
        'Resource: [!GetAtt TransformFunction.Arn, !Ref TransformAlias]',
      );
    expect(aliased).toContain('ParameterValue: !Ref TransformAlias');
    const template = join(work, 'aliased.yaml');
    writeFileSync(template, aliased);
    const stack = ['--stack-name', 'aliased'];
    const deploy = await cli([
      'deploy',
      ...stack,
      '--template',
      template,
      '--param',
      'S3BucketName=aliased-archive',
      '--param',
      'KinesisStreamName=aliased-stream',
      '--param',
      'DataFirehoseName=aliased-firehose',
      '--param',
      'LambdaFunctionName=aliased-transform',
      '--param',
      'BufferSeconds=0',
    ]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);
    expect(deploy.json.find((l) => l.type === 'pipeline')).toMatchObject({
      deliveryStreams: [
        {
          name: 'aliased-firehose',
          transform: {
            arn: expect.stringMatching(/:function:aliased-transform:live$/),
            logGroup: '/aws/lambda/aliased-transform',
          },
        },
      ],
    });
    const stream = await cli(['stream', ...stack, '--count', '50', '--rate', '200']);
    expect(stream.code, stream.stdout + stream.stderr).toBe(EXIT.ok);
    const verify = await cli(['verify', ...stack, '--wait', '--timeout', '4m']);
    expect(
      verify.json.find((l) => l.type === 'report'),
      verify.stdout + verify.stderr,
    ).toMatchObject({
      acknowledged: 50,
      delivered: 50,
      ok: true,
    });
    const teardown = await cli(['teardown', ...stack]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(EXIT.ok);
  }, 360_000);
});
