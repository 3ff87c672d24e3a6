// Each diagnosis in the wizard, end to end: deploy a pipeline broken in one way (test/fixtures/
// broken-pipeline.yaml, as diagnosis.test.ts does for `verify`), stream into it with the built binary, then
// open the wizard's Verify step on that stack (the real engine over the same endpoint and journal, drawn by
// ink-testing-library) and wait for the cause with its fix; on one stack the logs (l) and graphs (g) too.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { flat, KEYS, press, type Rendered, resize, waitForFrame, waitForText } from '../../support/ink.js';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';
import { renderApp } from '../../ui/render-app.js';
import { type CliResult, cleanEnv, runCli } from './cli.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/broken-pipeline.yaml');
const work = tempDir('diagnosis-wizard-');
const noPython = missingTool('python3', ['--version'], 'python3, which runs the Python transform');

let lc: LocalCloudFixture;
beforeAll(async () => {
  lc = await startTestCloud({ firehosePollMs: 250 });
}, 120_000);
afterAll(async () => {
  await stopTestCloud(lc);
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => cleanup());

const cli = (args: string[], timeoutMs = 240_000) =>
  runCli([...args, '--endpoint-url', lc.cloud.endpoint, '--json'], {
    env: cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') }),
    timeoutMs,
  });

async function deploy(stack: string, ...params: string[]): Promise<Record<string, string>> {
  const result = await cli([
    'deploy',
    '--stack-name',
    stack,
    '--template',
    FIXTURE,
    ...params.flatMap((p) => ['--param', p]),
  ]);
  expect(result.code, result.stdout + result.stderr).toBe(EXIT.ok);
  return (result.json.find((l) => l.type === 'deployed')?.outputs ?? {}) as Record<string, string>;
}

function stream(stack: string, ...args: string[]): Promise<CliResult> {
  return cli(['stream', '--stack-name', stack, '--count', '40', '--rate', '200', ...args]);
}

/**
 * The wizard opened on `stack` at its Verify step, driven by `drive`. The engine is loaded afresh with the
 * commands' state dir (undone after the file), so it reads the journal `stream` wrote.
 */
async function inWizard<T>(stack: string, drive: (r: Rendered) => Promise<T>): Promise<T> {
  vi.resetModules();
  vi.stubEnv('KINESIS_TUI_STATE_DIR', join(work, 'state'));
  const { openEngine } = await import('../../../src/ui/engine-target.js');
  const { r, session } = renderApp(
    () => openEngine({ stackName: stack, endpointUrl: lc.cloud.endpoint, env: cleanEnv() }),
    { initialStep: 'verify', stackName: stack },
  );
  resize(r, 120, 60);
  try {
    return await drive(r);
  } finally {
    await session.close();
    r.unmount();
  }
}

/** The Verify frame (flattened) once it satisfies `shows`. */
const verifyShows = (stack: string, shows: (flatFrame: string) => boolean) =>
  inWizard(stack, async (r) => flat(await waitForFrame(r, (f) => shows(flat(f)), 150_000)));

/** Verify shows `title` as the cause found first, with a fix matching `fix`. */
async function showsCause(stack: string, title: RegExp, fix: RegExp): Promise<string> {
  const frame = await verifyShows(stack, (f) => new RegExp(`Why: ${title.source}`).test(f));
  expect(frame).toMatch(new RegExp(`fix: ${fix.source}`));
  return frame;
}

describe.skipIf(noPython)(
  skipTitle("the wizard's Verify names the cause of a broken pipeline", noPython),
  { timeout: 400_000 },
  () => {
    it('handler not found: the import error, and which Handler to set', async () => {
      await deploy('wz-handler', 'Breakage=handler-not-found');
      await stream('wz-handler');
      const frame = await showsCause(
        'wz-handler',
        /The transform cannot start: Lambda cannot find its handler \(Runtime\.ImportModuleError\)/,
        /.*set Handler to "index\.lambda_handler"/,
      );
      expect(frame).toMatch(
        /seen: wz-handler-transform log: Runtime\.ImportModuleError: Unable to import module/,
      );
    });

    it('function error: the exception and its line, in the logs (l) too, and the graphs (g)', async () => {
      await deploy('wz-records', 'Breakage=function-error');
      await stream('wz-records');
      await showsCause(
        'wz-records',
        /The transform fails on its batches: KeyError: 'Records'/,
        /Firehose sends its records under event\['records'\]/,
      );
      // The logs: the exception and Firehose's error code, marked; the graphs: records in this minute.
      await inWizard('wz-records', async (r) => {
        await waitForText(r, 'l logs');
        await press(r, 'l');
        const logs = await waitForFrame(
          r,
          (f) =>
            /transform ! .*KeyError: 'Records'/.test(f) && /firehose {2}! .*Lambda\.FunctionError/.test(f),
          60_000,
        );
        expect(logs).toMatch(/Logs of transform \/aws\/lambda\/wz-records-transform/);
        await press(r, KEYS.escape);
        await press(r, 'g');
        // A bar for each minute with records (zero is blank): the stream took them, Firehose read them.
        const graphs = await waitForFrame(
          r,
          (f) => /stream in .*[▁▂▃▄▅▆▇█]/.test(f) && /firehose in .*[▁▂▃▄▅▆▇█]/.test(f),
          60_000,
        );
        expect(graphs).toMatch(/firehose in .* [1-9][\d,]* records/);
        expect(graphs).toMatch(/delivered .* fresh/);
      });
    });

    it('wrong return shape: the shape Firehose wants', async () => {
      await deploy('wz-shape', 'Breakage=return-shape');
      await stream('wz-shape');
      await showsCause(
        'wz-shape',
        /The transform returns its records in the wrong shape/,
        /return \{ "records": \[\{ "recordId"/,
      );
    });

    it("Firehose's role may not invoke the transform", async () => {
      await deploy('wz-invoke', 'Breakage=no-invoke-permission');
      await stream('wz-invoke');
      await showsCause(
        'wz-invoke',
        /Firehose's role may not invoke the transform/,
        /give the role arn:aws:iam::000000000000:role\/wz-invoke-DeliveryRole-\w+ lambda:InvokeFunction/,
      );
    });

    it("Firehose's role may not write to the bucket", async () => {
      await deploy('wz-put', 'Breakage=no-put-permission');
      await stream('wz-put');
      await showsCause(
        'wz-put',
        /Firehose's role may not write to the bucket/,
        /give the role .* s3:PutObject on arn:aws:s3:::wz-put-deliverybucket-\w+\/\*/,
      );
    });

    it('bucket gone: the wizard keeps checking and says so', async () => {
      const outputs = await deploy('wz-bucket');
      await lc.clients.s3.send(new DeleteBucketCommand({ Bucket: outputs.BucketName }));
      await stream('wz-bucket');
      const frame = await verifyShows('wz-bucket', (f) =>
        /(Why|also): The bucket wz-bucket-deliverybucket-\w+ is gone/.test(f),
      );
      expect(frame).not.toMatch(/NoSuchBucket: The specified bucket does not exist/);
    });

    it('buffer still filling: nothing is wrong yet, how long, and how not to wait', async () => {
      await deploy('wz-buffer', 'BufferIntervalSeconds=300');
      await stream('wz-buffer');
      const frame = await verifyShows('wz-buffer', (f) => /Awaiting 40 events, due within/.test(f));
      expect(frame).toMatch(
        /Nothing is wrong yet: Firehose holds records up to 300s before writing\. To see objects within seconds, deploy with BufferIntervalSeconds and ProcessorBufferIntervalSeconds at 0/,
      );
      expect(frame).not.toContain('Why:');
    });

    it('stream throttling: events the stream never took', async () => {
      await deploy('wz-throttle');
      const sent = await cli([
        'stream',
        '--stack-name',
        'wz-throttle',
        '--count',
        '6000',
        '--rate',
        'max',
        '--record-ttl',
        '300ms',
      ]);
      const summary = sent.json.find((l) => l.type === 'summary');
      expect(summary?.failed, sent.stdout).toBeGreaterThan(0);
      const frame = await verifyShows('wz-throttle', (f) =>
        new RegExp(
          `(Why|also): The stream throttled writes: ${summary?.failed} events were never taken`,
        ).test(f),
      );
      if (/Why: The stream throttled/.test(frame))
        expect(frame).toMatch(/fix: each shard takes 1,000 records/);
    });
  },
);
