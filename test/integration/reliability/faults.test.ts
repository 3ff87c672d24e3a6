// The fault matrix: the pipeline deployed from cfn/pipeline.yaml on the local cloud, events sent with
// `kinesis-tui stream` and reconciled with `kinesis-tui verify` (the built binary, as a user runs them),
// while one thing goes wrong at a time: a 1-shard stream throttled at its limit, 5% of PutRecords entries
// failing, a transform that fails records and throws, S3 failing for a few seconds during delivery. Each
// time every acknowledged event must be accounted for exactly (delivered once after de-duplicating by
// event_id, or filed under processing-failed with its reason), and verify's output must show the numbers.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { readJournal } from '../../../src/pipeline/journal.js';
import { describeStack } from '../../../src/pipeline/stack.js';
import { loadTemplate } from '../../../src/pipeline/template.js';
import { clearFaults, injectFault, listFaults } from '../../support/faults.js';
import { type LocalCloudFixture, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';
import { cleanEnv, runCli } from '../pipeline/cli.js';

const work = tempDir('faults-');
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });

/** One pipeline per case, each with names of its own so the cases can share a local cloud. */
async function deploy(cloud: LocalCloudFixture, stack: string) {
  const result = await runCli(
    [
      'deploy',
      '--endpoint-url',
      cloud.cloud.endpoint,
      '--stack-name',
      stack,
      ...[
        'ShardCount=1',
        'BufferIntervalSeconds=0',
        'ProcessorBufferIntervalSeconds=0',
        `StreamName=${stack}-events`,
        `DeliveryStreamName=${stack}-delivery`,
        `FunctionName=${stack}-transform`,
      ].flatMap((p) => ['--param', p]),
    ],
    { env, timeoutMs: 300_000 },
  );
  expect(result.code, result.stdout + result.stderr).toBe(EXIT.ok);
  const deployed = await describeStack(cloud.clients.cloudformation, stack);
  return deployed?.outputs ?? {};
}

interface StreamSummary {
  sent: number;
  acknowledged: number;
  retried: number;
  throttled: number;
  failed: number;
  journal: string;
}

async function stream(
  cloud: LocalCloudFixture,
  stack: string,
  args: string[],
  onLine?: (line: string) => void,
): Promise<StreamSummary> {
  const result = await runCli(
    ['stream', '--endpoint-url', cloud.cloud.endpoint, '--stack-name', stack, '--json', ...args],
    { env, timeoutMs: 300_000, ...(onLine ? { onLine: (line) => onLine(line) } : {}) },
  );
  expect(result.code, result.stdout + result.stderr).toBe(EXIT.ok);
  const summary = result.json.find((l) => l.type === 'summary');
  expect(summary, result.stdout).toBeDefined();
  return summary as unknown as StreamSummary;
}

/** What a user sees from `verify --wait`, and the same numbers as JSON (read once everything is there). */
async function verify(cloud: LocalCloudFixture, stack: string) {
  const at = ['--endpoint-url', cloud.cloud.endpoint, '--stack-name', stack];
  const shown = await runCli(['verify', ...at, '--wait', '--timeout', '4m'], { env, timeoutMs: 300_000 });
  const json = await runCli(['verify', ...at, '--json'], { env, timeoutMs: 120_000 });
  const report = json.json.find((l) => l.type === 'report') ?? json.json.find((l) => 'acknowledged' in l);
  expect(report, json.stdout + json.stderr).toBeDefined();
  return {
    code: shown.code,
    text: shown.stdout + shown.stderr,
    jsonCode: json.code,
    numbers: report as unknown as {
      acknowledged: number;
      delivered: number;
      missing: number;
      duplicates: number;
      processingFailed: number;
      unknown: number;
      failures: Array<{ eventId?: string; errorCode: string }>;
      complete: boolean;
      ok: boolean;
    },
  };
}

/** The line verify prints with the reconciliation's numbers, for the reader of a failing test. */
function numbersLine(text: string): string {
  return /acknowledged [\d,]+: .*/.exec(text)?.[0] ?? text;
}

function expectReconciled(
  v: Awaited<ReturnType<typeof verify>>,
  acknowledged: number,
  processingFailed = 0,
): void {
  expect(v.numbers, v.text).toMatchObject({
    acknowledged,
    delivered: acknowledged - processingFailed,
    missing: 0,
    processingFailed,
    unknown: 0,
    complete: true,
  });
  // The numbers are shown to the user as they are.
  expect(numbersLine(v.text)).toBe(
    `acknowledged ${acknowledged.toLocaleString('en-US')}: delivered ${(acknowledged - processingFailed).toLocaleString('en-US')}, ` +
      `missing 0, processing-failed ${processingFailed.toLocaleString('en-US')}, duplicates ${v.numbers.duplicates.toLocaleString('en-US')}`,
  );
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Which events the transform fixture fails: about 1 in 20, decided by event_id so a retry fails it again. */
function marked(id: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return h % 20 === 0;
}

/**
 * The pipeline's own transform, wrapped: it fails the marked records (ProcessingFailed, data unchanged,
 * as a transform that rejects a record does) and throws on 1% of invocations: the 1st, 101st, ... of
 * each execution environment, so even a short run sees one.
 */
function faultyTransform(): string {
  const code = (
    loadTemplate().template.Resources?.TransformFunction?.Properties?.Code as { ZipFile?: string } | undefined
  )?.ZipFile;
  if (!code) throw new Error('cfn/pipeline.yaml has no inline TransformFunction code');
  return `
const real = (() => { const module = { exports: {} }; const exports = module.exports;
${code}
return module.exports; })();
${marked.toString()}
let invocations = 0;
exports.handler = async (event, context) => {
  invocations++;
  if (invocations % 100 === 1) {
    console.log('fixture-throw on invocation ' + invocations);
    throw new Error('fixture: this invocation fails');
  }
  const out = await real.handler(event, context);
  out.records = out.records.map((result, i) => {
    const input = event.records[i];
    let id;
    try { id = JSON.parse(Buffer.from(input.data, 'base64').toString('utf8')).event_id; } catch {}
    return typeof id === 'string' && marked(id) ? { recordId: result.recordId, result: 'ProcessingFailed', data: input.data } : result;
  });
  return out;
};
`;
}

describe('the fault matrix', () => {
  const shared = useLocalCloud({ firehosePollMs: 250 });
  // Kinesis failing 5% of PutRecords entries is an option the local cloud starts with.
  const flakyCloud = useLocalCloud({
    firehosePollMs: 250,
    kinesis: { enforceLimits: true, failureRate: 0.05 },
  });

  it('a 1-shard stream throttled at its limit: throttled entries are retried, nothing is lost', async () => {
    const c = shared();
    await deploy(c, 'throttled');
    // Far over 1,000 records a second into one shard: Kinesis refuses the excess entry by entry.
    const summary = await stream(c, 'throttled', ['--count', '3000', '--rate', 'max', '--seed', '1']);
    expect(summary).toMatchObject({ sent: 3000, acknowledged: 3000, failed: 0 });
    expect(summary.throttled, 'entries refused with ProvisionedThroughputExceeded').toBeGreaterThan(0);
    const v = await verify(c, 'throttled');
    expectReconciled(v, 3000);
    expect(v.text).toMatch(/OK: all 3,000 acknowledged events are accounted for/);
    expect(v.code).toBe(EXIT.ok);
  }, 600_000);

  it('5% of PutRecords entries failing with InternalFailure: retried until acknowledged', async () => {
    const c = flakyCloud();
    await deploy(c, 'internal');
    const summary = await stream(c, 'internal', ['--count', '1500', '--rate', '500', '--seed', '2']);
    expect(summary).toMatchObject({ sent: 1500, acknowledged: 1500, failed: 0 });
    // About 75 entries fail on the first try (5% of 1,500); the producer retries them.
    expect(summary.retried, 'entries retried').toBeGreaterThan(20);
    const v = await verify(c, 'internal');
    expectReconciled(v, 1500);
    expect(v.code).toBe(EXIT.ok);
  }, 600_000);

  it('a transform failing 5% of records and throwing on 1% of invocations: failures filed with reasons', async () => {
    const c = shared();
    const outputs = await deploy(c, 'transform');
    const name = outputs.FunctionName ?? '';
    const runtime = 'nodejs24.x';
    await c.clients.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: name,
        ZipFile: inlineCodeZip(runtime, faultyTransform()),
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: c.clients.lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: name },
    );
    const summary = await stream(c, 'transform', ['--count', '1500', '--rate', '500', '--seed', '3']);
    expect(summary).toMatchObject({ acknowledged: 1500, failed: 0 });

    const v = await verify(c, 'transform');
    const journal = readJournal(summary.journal);
    const refused = [...journal.acknowledged.keys()].filter(marked);
    expect(refused.length, 'events the fixture refuses').toBeGreaterThan(30);
    expectReconciled(v, 1500, refused.length);
    // Failed records the producer did not send malformed on purpose: verify reports a mismatch.
    expect(v.numbers.ok).toBe(false);
    expect(v.code).toBe(EXIT.mismatch);
    expect(v.text).toMatch(/processing-failed \S+: Lambda\.ProcessingFailedStatus: /);
    for (const f of v.numbers.failures) {
      expect(marked(f.eventId ?? ''), `${f.eventId} failed but was not refused`).toBe(true);
    }
    // The throws happened, and Firehose's retries of those invocations delivered their records.
    const group = `/aws/lambda/${name}`; // the template's TransformLogGroup
    const thrown = await waitFor(
      'the fixture’s throws in its log',
      async () => {
        const found = await c.clients.logs.send(
          new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"fixture-throw"' }),
        );
        return (found.events ?? []).length > 0 ? found.events : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(thrown?.length).toBeGreaterThan(0);
  }, 600_000);

  it('S3 failing for a few seconds during delivery: Firehose retries the writes, nothing is lost', async () => {
    const c = shared();
    await deploy(c, 's3-outage');
    const endpoint = c.cloud.endpoint;
    let outage: Promise<number> | undefined;
    try {
      const summary = await stream(
        c,
        's3-outage',
        ['--count', '2000', '--rate', '250', '--seed', '4'],
        (line) => {
          // Once delivery is under way, S3 answers every request with 503 for four seconds.
          if (outage || !/"type":"stats".*"acknowledged":[1-9]\d{2}/.test(line)) return;
          outage = (async () => {
            await injectFault(endpoint, {
              service: 's3',
              errorCode: 'ServiceUnavailable',
              status: 503,
              message: 'Please reduce your request rate.',
              durationMs: 4000,
            });
            // How many requests the fault failed: read until it ends.
            let injected = 0;
            for (;;) {
              const faults = await listFaults(endpoint);
              const fault = faults.find((f) => f.service === 's3');
              if (!fault) return injected;
              injected = fault.injected;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          })();
        },
      );
      expect(summary).toMatchObject({ acknowledged: 2000, failed: 0 });
      expect(outage, 'the outage started while streaming').toBeDefined();
      expect(await outage, 'S3 requests failed by the outage').toBeGreaterThan(0);
    } finally {
      await clearFaults(endpoint, 's3');
    }
    const v = await verify(c, 's3-outage');
    expectReconciled(v, 2000);
    expect(v.code).toBe(EXIT.ok);
  }, 600_000);
});
