// An endpoint that implements AWS only in part (issue 12): like moto's server, its CloudFormation reports
// the Firehose delivery stream CREATE_COMPLETE and no delivery stream exists. Here, a local cloud with
// Firehose left out. The app must say what is missing and what will therefore not work, never promise a
// delivery that cannot come, and still clean up.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';
import { cleanEnv, FAST_PIPELINE, runCli } from './cli.js';

const work = tempDir('partial-endpoint-');
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });
let lc: LocalCloudFixture;

beforeAll(async () => {
  lc = await startTestCloud({ without: ['firehose'] });
}, 120_000);
afterAll(async () => {
  await stopTestCloud(lc);
  rmSync(work, { recursive: true, force: true });
});

const cli = (args: string[], json = true) =>
  runCli(
    [...args, '--endpoint-url', lc.cloud.endpoint, '--stack-name', 'partial', ...(json ? ['--json'] : [])],
    {
      env,
      timeoutMs: 300_000,
    },
  );

describe('an endpoint whose CloudFormation reports a delivery stream it never made', () => {
  it('deploy checks every resource after CREATE_COMPLETE and says what is missing and what will not work', async () => {
    const deploy = await cli(['deploy', ...FAST_PIPELINE]);
    expect(
      deploy.json.find((l) => l.type === 'deployed'),
      deploy.stdout,
    ).toMatchObject({
      status: 'CREATE_COMPLETE',
    });
    const resources = deploy.json.find((l) => l.type === 'resources') as
      | { checks: Array<{ logicalId: string; state: string }>; problems: string[] }
      | undefined;
    expect(resources, deploy.stdout + deploy.stderr).toBeDefined();
    // Only the delivery stream is not there; everything else was described and is usable.
    const bad = resources?.checks.filter((c) => c.state !== 'ok' && c.state !== 'unchecked');
    expect(bad?.map((c) => c.logicalId)).toEqual(['DeliveryStream']);
    expect(resources?.problems).toEqual([
      expect.stringMatching(
        /^DeliveryStream \(AWS::KinesisFirehose::DeliveryStream .+\) cannot be described here \(UnknownService: .*firehose.*\): nothing will reach the bucket/,
      ),
    ]);
    expect(deploy.json.find((e) => e.type === 'error')).toMatchObject({
      type: 'error',
      message: expect.stringMatching(
        /is CREATE_COMPLETE, but this endpoint did not make everything it reports/,
      ),
    });
    expect(deploy.code).toBe(EXIT.target);

    const text = await cli(['status'], false);
    expect(text.stdout).toMatch(
      /not usable at endpoint .*:\n {2}- DeliveryStream .*nothing will reach the bucket/,
    );
  }, 300_000);

  it('verify says nothing can arrive, without waiting for a delivery that cannot come', async () => {
    const stream = await cli(['stream', '--count', '20', '--rate', '100']);
    expect(stream.code, stream.stdout + stream.stderr).toBe(EXIT.ok);
    const verify = await cli(['verify', '--wait'], false);
    const out = verify.stdout + verify.stderr;
    expect(out).toMatch(
      /the delivery stream \S+ does not exist at this endpoint .*nothing can reach s3:\/\//,
    );
    expect(out).toMatch(
      /not waiting: the delivery stream \S+ does not exist at this endpoint, so nothing will arrive/,
    );
    // No buffering promise and no ETA for a delivery stream that is not there.
    expect(out).not.toMatch(
      /waiting for \d+ of \d+ events to reach S3|Firehose may still be buffering|writes an object every/,
    );
    // The diagnosis names it as the cause, not buffering.
    expect(out).toMatch(/1\. The delivery stream \S+ is not there: nothing sent can reach the bucket/);
    expect(out).not.toMatch(/Firehose is still buffering/);
    expect(verify.code).toBe(EXIT.mismatch);
  }, 300_000);

  it('tears down what exists', async () => {
    const teardown = await cli(['teardown']);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(EXIT.ok);
    expect(teardown.json.find((l) => l.type === 'deleted')).toMatchObject({ stackName: 'partial' });
  }, 300_000);
});
