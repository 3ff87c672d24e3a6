// Each diagnosis end to end: deploy a pipeline broken in one way (test/fixtures/broken-pipeline.yaml, a
// Python transform as the homework has it), stream into it, and run `verify` (and `logs`) through the built
// binary, as a user would. One local cloud serves the whole file; the commands reach it as an endpoint.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';
import { type CliResult, cleanEnv, runCli } from './cli.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/broken-pipeline.yaml');
const work = tempDir('diagnosis-');
const noPython = missingTool('python3', ['--version'], 'python3, which runs the Python transform');

let lc: ReturnType<typeof useLocalCloud>;
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[], timeoutMs = 240_000) =>
  runCli([...args, '--endpoint-url', lc().cloud.endpoint, '--json'], {
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

async function stream(stack: string, ...args: string[]): Promise<CliResult> {
  return cli(['stream', '--stack-name', stack, '--count', '40', '--rate', '200', ...args]);
}

interface Diagnosed {
  code: number | null;
  causes: Array<{ id: string; title: string; evidence: string[]; fix: string }>;
  output: string;
}

async function verify(stack: string, ...args: string[]): Promise<Diagnosed> {
  const result = await cli(['verify', '--stack-name', stack, ...args]);
  const diagnosis = result.json.find((l) => l.type === 'diagnosis');
  return {
    code: result.code,
    causes: (diagnosis?.causes ?? []) as Diagnosed['causes'],
    output: result.stdout + result.stderr,
  };
}

describe.skipIf(noPython)(
  skipTitle('verify names the cause of a broken pipeline', noPython),
  { timeout: 400_000 },
  () => {
    lc = useLocalCloud({ firehosePollMs: 250 });

    it('handler not found: the import error, and which Handler to set', async () => {
      await deploy('dx-handler', 'Breakage=handler-not-found');
      await stream('dx-handler');
      const v = await verify('dx-handler', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes[0]).toMatchObject({ id: 'handler-not-found' });
      expect(v.causes[0]?.evidence.join('\n')).toMatch(
        /Runtime\.ImportModuleError: Unable to import module 'lambda_function': No module named 'lambda_function'/,
      );
      expect(v.causes[0]?.evidence.join('\n')).toMatch(/Firehose: Lambda\.FunctionError/);
      expect(v.causes[0]?.fix).toMatch(/set Handler to "index\.lambda_handler"/);
    });

    it("function error: the exception and its line (event['Records']), and what Firehose sends instead", async () => {
      await deploy('dx-records', 'Breakage=function-error');
      await stream('dx-records');
      const v = await verify('dx-records', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes[0]).toMatchObject({
        id: 'function-error',
        title: "The transform fails on its batches: KeyError: 'Records'",
      });
      expect(v.causes[0]?.evidence.join('\n')).toMatch(/at index\.py line \d+: records = event\["Records"\]/);
      expect(v.causes[0]?.fix).toMatch(/read event\['records'\]/);

      // The logs command shows the same failure, highlighted as an error, Firehose's line beside it.
      const logs = await cli(['logs', '--stack-name', 'dx-records']);
      expect(logs.code).toBe(EXIT.ok);
      const lines = logs.json.filter((l) => l.type === 'log');
      expect(
        lines.some(
          (l) => l.kind === 'transform' && l.error === true && /KeyError: 'Records'/.test(String(l.message)),
        ),
      ).toBe(true);
      expect(
        lines.some(
          (l) => l.kind === 'firehose' && l.error === true && /Lambda\.FunctionError/.test(String(l.message)),
        ),
      ).toBe(true);
      const times = lines.map((l) => Date.parse(String(l.time)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const filtered = await cli(['logs', '--stack-name', 'dx-records', '--filter', 'keyerror']);
      const shown = filtered.json.filter((l) => l.type === 'log');
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.every((l) => /keyerror/i.test(String(l.message)))).toBe(true);
    });

    it('logs --follow prints lines as they are logged (Live Tail), until Ctrl-C', async () => {
      let stopped = false;
      let printedBefore = -1;
      const lines: string[] = [];
      const following = runCli(
        [
          'logs',
          '--stack-name',
          'dx-records',
          '--follow',
          '--since',
          '1s',
          '--endpoint-url',
          lc().cloud.endpoint,
          '--json',
        ],
        {
          env: cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') }),
          timeoutMs: 240_000,
          onLine: (line, signal) => {
            lines.push(line);
            if (line.includes('"type":"live"')) {
              printedBefore = lines.length;
              // Once it follows, make the transform fail again: its new lines must show up.
              void stream('dx-records');
            }
            if (!stopped && printedBefore >= 0 && /KeyError: 'Records'/.test(line)) {
              stopped = true;
              signal('SIGINT');
            }
          },
        },
      );
      const result = await following;
      expect(stopped, result.stdout + result.stderr).toBe(true);
      expect(result.code).toBe(EXIT.interrupted);
    });

    it('wrong return shape: Lambda.JsonProcessingException, and the shape Firehose wants', async () => {
      await deploy('dx-shape', 'Breakage=return-shape');
      await stream('dx-shape');
      const v = await verify('dx-shape', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes[0]).toMatchObject({ id: 'return-shape' });
      expect(v.causes[0]?.evidence.join('\n')).toMatch(/Lambda\.JsonProcessingException/);
      expect(v.causes[0]?.fix).toMatch(/"recordId".*"result"/);
    });

    it("Firehose's role may not invoke the transform: Lambda.InvokeAccessDenied, the role and the permission", async () => {
      await deploy('dx-invoke', 'Breakage=no-invoke-permission');
      await stream('dx-invoke');
      const v = await verify('dx-invoke', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes[0]).toMatchObject({ id: 'invoke-denied' });
      expect(v.causes[0]?.evidence.join('\n')).toMatch(/Firehose: Lambda\.InvokeAccessDenied/);
      expect(v.causes[0]?.fix).toMatch(
        /give the role arn:aws:iam::000000000000:role\/dx-invoke-DeliveryRole-\w+ lambda:InvokeFunction .* on arn:aws:lambda:us-east-1:000000000000:function:dx-invoke-transform/,
      );
    });

    it("Firehose's role may not write to the bucket: S3.AccessDenied, retried and logged", async () => {
      await deploy('dx-put', 'Breakage=no-put-permission');
      await stream('dx-put');
      const v = await verify('dx-put', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes[0]).toMatchObject({ id: 'write-denied' });
      expect(v.causes[0]?.evidence.join('\n')).toMatch(
        /Firehose: S3\.AccessDenied \(\d+ errors? in its log\)/,
      );
      expect(v.causes[0]?.fix).toMatch(/s3:PutObject on arn:aws:s3:::dx-put-deliverybucket-\w+\/\*/);
    });

    it('bucket gone: S3.NoSuchBucket from Firehose, and HeadBucket', async () => {
      const outputs = await deploy('dx-bucket');
      await lc().clients.s3.send(new DeleteBucketCommand({ Bucket: outputs.BucketName }));
      await stream('dx-bucket');
      const v = await verify('dx-bucket', '--wait', '--timeout', '3m');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      const cause = v.causes.find((c) => c.id === 'bucket-gone');
      expect(cause, v.output).toBeDefined();
      expect(cause?.evidence.join('\n')).toMatch(/S3\.NoSuchBucket|HeadBucket says it does not exist/);
      expect(cause?.fix).toMatch(/deploy again/);
    });

    it('buffer still filling: nothing wrong yet, how long Firehose may hold records, and what to do', async () => {
      await deploy('dx-buffer', 'BufferIntervalSeconds=300');
      await stream('dx-buffer');
      const v = await verify('dx-buffer');
      expect(v.code, v.output).toBe(EXIT.mismatch);
      expect(v.causes.map((c) => c.id)).toEqual(['buffering']);
      expect(v.causes[0]?.evidence.join('\n')).toMatch(/Firehose may hold records up to 300 s/);
      expect(v.causes[0]?.fix).toMatch(/BufferIntervalSeconds=0/);
    });

    it('stream throttling: events the stream never took, with the reason and the metric', async () => {
      await deploy('dx-throttle');
      const sent = await cli([
        'stream',
        '--stack-name',
        'dx-throttle',
        '--count',
        '6000',
        '--rate',
        'max',
        '--record-ttl',
        '300ms',
      ]);
      const summary = sent.json.find((l) => l.type === 'summary');
      expect(summary?.failed, sent.stdout).toBeGreaterThan(0);
      const v = await verify('dx-throttle', '--wait', '--timeout', '3m');
      const cause = v.causes.find((c) => c.id === 'stream-throttling');
      expect(cause, v.output).toBeDefined();
      expect(cause?.title).toMatch(new RegExp(`${summary?.failed} events were never taken`));
      expect(cause?.evidence.join('\n')).toMatch(/ProvisionedThroughputExceeded/);
      expect(cause?.evidence.join('\n')).toMatch(/CloudWatch: WriteProvisionedThroughputExceeded \d+/);
      expect(cause?.fix).toMatch(/more shards/);
    });
  },
);
