// Bad input through the built binary: each gets a message saying what to do, and its exit code.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { tempDir } from '../../support/local-cloud.js';
import { cleanEnv, runCli } from './cli.js';

const work = tempDir('pipeline-input-');
const dataDir = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bad input to the pipeline commands', () => {
  const home = join(work, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'config'), '[profile work]\nregion = eu-west-1\n');
  const notYaml = join(work, 'not-yaml.yaml');
  writeFileSync(notYaml, 'Resources: [unclosed\n  : :\n');

  const cases: Array<{
    title: string;
    args: string[];
    env?: Record<string, string>;
    code: number;
    message: RegExp;
  }> = [
    {
      title: 'an unknown template parameter',
      args: ['deploy', '--param', 'Shards=2'],
      code: EXIT.usage,
      message: /\[Shards\] do not exist in the template/,
    },
    {
      title: 'a parameter out of range',
      args: ['deploy', '--param', 'ShardCount=500'],
      code: EXIT.usage,
      message: /ShardCount failed to satisfy constraint/,
    },
    {
      title: 'a malformed --param',
      args: ['deploy', '--param', 'ShardCount'],
      code: EXIT.usage,
      message: /not Key=Value/,
    },
    {
      title: 'an invalid stack name',
      args: ['status', '--stack-name', 'my_stack'],
      code: EXIT.usage,
      message: /not a valid stack name/,
    },
    {
      title: 'a template that is not YAML',
      args: ['deploy', '--template', notYaml],
      code: EXIT.usage,
      message: /not a readable template/,
    },
    {
      title: 'a missing template',
      args: ['deploy', '--template', join(work, 'nope.yaml')],
      code: EXIT.usage,
      message: /cannot read the template.*ENOENT/,
    },
    {
      title: '--aws with --endpoint-url',
      args: ['status', '--aws', '--endpoint-url', 'http://127.0.0.1:9'],
      code: EXIT.usage,
      message: /two different targets/,
    },
    {
      title: 'a rate of zero',
      args: ['stream', '--rate', '0'],
      code: EXIT.usage,
      message: /--rate takes events a second above 0/,
    },
    {
      title: 'a duration that is not one',
      args: ['stream', '--duration', 'soon'],
      code: EXIT.usage,
      message: /not a duration/,
    },
    {
      title: 'an endpoint that refuses connections',
      args: ['status', '--endpoint-url', 'http://127.0.0.1:9'],
      code: EXIT.target,
      message: /cannot reach the endpoint http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    },
    {
      title: 'an unknown profile',
      args: ['status', '--aws', '--profile', 'nosuch'],
      env: { HOME: home },
      code: EXIT.target,
      message: /profile "nosuch" is not in .*\(profiles there: work\)/,
    },
    {
      title: 'no region',
      args: ['status', '--aws'],
      env: { HOME: home },
      code: EXIT.target,
      message: /no AWS region: pass --region/,
    },
    {
      title: 'no credentials',
      args: ['status', '--aws', '--region', 'eu-west-1'],
      env: { HOME: home },
      code: EXIT.target,
      message: /no AWS credentials found/,
    },
    {
      title: 'a data dir that cannot be made',
      args: ['status', '--data-dir', join(notYaml, 'data')],
      code: EXIT.target,
      message:
        /cannot use .*not-yaml\.yaml\/data as the local cloud's data dir \(ENOTDIR\): choose a writable folder/,
    },
  ];
  for (const c of cases) {
    it(`${c.title}: exit ${c.code}`, async () => {
      const result = await runCli(c.args, { env: cleanEnv(c.env) });
      expect(result.stderr).toMatch(c.message);
      expect(result.code).toBe(c.code);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack dump
    }, 60_000);
  }

  it('puts errors on stdout as JSON with --json', async () => {
    const result = await runCli(['deploy', '--param', 'Shards=2', '--json']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.json).toEqual([expect.objectContaining({ type: 'error', exitCode: EXIT.usage })]);
  }, 60_000);

  it('says there is nothing to verify or stream before a deploy, and nothing to tear down', async () => {
    const verify = await runCli(['verify', '--data-dir', dataDir]);
    expect(verify.stderr).toMatch(/there is no stack "kinesis-tui" here: run `kinesis-tui deploy` first/);
    expect(verify.code).toBe(EXIT.target);
    const stream = await runCli(['stream', '--count', '1', '--data-dir', dataDir, '--json']);
    expect(stream.code).toBe(EXIT.target);
    expect(stream.json.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/no stack/) });
    const teardown = await runCli(['teardown', '--data-dir', dataDir]);
    expect(teardown.stdout).toMatch(/nothing to tear down/);
    expect(teardown.code).toBe(EXIT.ok);
    const status = await runCli(['status', '--data-dir', dataDir, '--json']);
    expect(status.json).toContainEqual(expect.objectContaining({ type: 'status', stack: null }));
    expect(status.code).toBe(EXIT.ok);
  }, 120_000);

  it('explains a rolled-back stack, refuses to deploy over it, and replaces it on --replace', async () => {
    const broken = join(work, 'broken.yaml');
    // A resource type the local cloud does not provision: CREATE_FAILED, then rollback.
    writeFileSync(
      broken,
      'Resources:\n  Network:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n',
    );
    const args = ['--data-dir', dataDir, '--stack-name', 'broken', '--template', broken];
    const first = await runCli(['deploy', ...args]);
    expect(first.stdout).toMatch(/\[\d\/1\] Network CREATE_FAILED: .*AWS::EC2::VPC/);
    expect(first.stdout).toMatch(/stack broken ROLLBACK_COMPLETE/);
    expect(first.stderr).toMatch(/was not created \(ROLLBACK_COMPLETE\).*deploy --replace/);
    expect(first.code).toBe(EXIT.target);

    const again = await runCli(['deploy', ...args]);
    expect(again.stderr).toMatch(
      /is in ROLLBACK_COMPLETE: its creation failed.*only allows deleting it.*--replace/,
    );
    expect(again.code).toBe(EXIT.target);

    const replaced = await runCli(['deploy', '--replace', ...args, '--json']);
    expect(
      replaced.json.some((l) => l.type === 'phase' && /deleting stack broken/.test(String(l.message))),
    ).toBe(true);
    expect(replaced.code).toBe(EXIT.target); // the template is still broken: it rolls back again

    const teardown = await runCli(['teardown', '--data-dir', dataDir, '--stack-name', 'broken']);
    expect(teardown.stdout).toMatch(/stack broken deleted/);
    expect(teardown.code).toBe(EXIT.ok);
    const status = await runCli(['status', '--data-dir', dataDir, '--stack-name', 'broken']);
    expect(status.stdout).toMatch(/no stack "broken" here/);
  }, 120_000);
});
