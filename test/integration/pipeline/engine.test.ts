// The engine the wizard uses, in process against one local cloud: failures reach processing-failed with
// their reason, and a restart of the local cloud in the middle of a stream loses nothing.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { baseClientOptions, createClients } from '../../../src/config/clients.js';
import { startLocalCloud } from '../../../src/local-cloud/index.js';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { diagnosePipeline } from '../../../src/pipeline/diagnosis/evidence.js';
import { createEventSource } from '../../../src/pipeline/events.js';
import { JournalWriter, readJournal } from '../../../src/pipeline/journal.js';
import { Producer } from '../../../src/pipeline/producer.js';
import {
  blockedMessage,
  deleteStack,
  deployStack,
  describeStack,
  type StackState,
} from '../../../src/pipeline/stack.js';
import { teardownStack } from '../../../src/pipeline/teardown.js';
import { deployParameters, loadTemplate } from '../../../src/pipeline/template.js';
import { openVerifier, waitForDelivery } from '../../../src/pipeline/verify.js';
import { TEST_CREDENTIALS, TEST_REGION, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

const FAST = ['BufferIntervalSeconds=0', 'ProcessorBufferIntervalSeconds=0'];

async function deploy(clients: ReturnType<typeof createClients>, stackName: string, params: string[] = []) {
  const template = loadTemplate();
  const result = await deployStack(clients.cloudformation, {
    stackName,
    template,
    parameters: (previous) => deployParameters(template, [...FAST, ...params], previous),
    pollMs: 300,
  });
  return result.stack;
}

function producerFor(
  endpoint: string,
  stack: StackState,
  journalPath: string,
  options: { count: number; rate: number; seed: number },
) {
  const kinesis = new KinesisClient(
    baseClientOptions({ region: TEST_REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
  );
  const journal = JournalWriter.open(journalPath);
  const producer = new Producer({
    kinesis,
    stream: { name: stack.outputs.StreamName ?? '' },
    source: createEventSource({ seed: options.seed, users: 100 }),
    rate: options.rate,
    count: options.count,
    journal,
    // The restart test's outage lasts as long as a local cloud takes to stop and start again, which on a
    // loaded machine can pass the default 30 s: every event waits it out.
    recordTtlMs: 180_000,
  });
  return {
    producer,
    close() {
      journal.close();
      kinesis.destroy();
    },
  };
}

describe('the pipeline engine on the local cloud', () => {
  // The first two cases share a local cloud (their stacks have names of their own); the restart case
  // starts and stops its own.
  const lc = useLocalCloud();

  it('files malformed records under processing-failed, and verify counts them with their reason', async () => {
    const dataDir = tempDir('engine-failed-');
    const { cloud, clients } = lc();
    try {
      const stack = await deploy(clients, 'failures', [
        'StreamName=failures-events',
        'DeliveryStreamName=failures-delivery',
        'FunctionName=failures-transform',
      ]);
      const journalPath = join(dataDir, 'journal.ndjson');
      const { producer, close } = producerFor(cloud.endpoint, stack, journalPath, {
        count: 200,
        rate: 500,
        seed: 3,
      });
      const malformed = [producer.sendMalformed(), producer.sendMalformed(), producer.sendMalformed()];
      const summary = await producer.run();
      close();
      expect(summary).toMatchObject({ acknowledged: 203, failed: 0 });

      const { verifier } = await openVerifier(clients, stack, journalPath);
      const { report } = await waitForDelivery(verifier, { timeoutMs: 120_000, pollMs: 1000 });
      const r = report.reconciliation;
      expect(r).toMatchObject({
        acknowledged: 203,
        delivered: 200,
        missing: 0,
        processingFailed: 3,
        expectedFailures: 3,
        ok: true,
      });
      expect(r.failures.map((f) => f.eventId).sort()).toEqual([...malformed].sort());
      expect(r.failures[0]?.raw).toMatch(/^malformed record .* \(not JSON, sent on purpose\)$/);
      expect(r.failures[0]?.errorCode).toMatch(/\S/);
      expect(report.failedObjects).toBeGreaterThan(0);

      // Deleting with objects in the bucket fails as on AWS, and says what to do; teardown then succeeds.
      await expect(deleteStack(clients.cloudformation, stack, { pollMs: 300 })).rejects.toThrow(
        /was not deleted \(DELETE_FAILED\): DeliveryBucket DELETE_FAILED: .*not empty.*Empty the bucket first: `kinesis-tui teardown`/,
      );
      const failed = await describeStack(clients.cloudformation, 'failures');
      expect(failed?.status).toBe('DELETE_FAILED');
      expect(blockedMessage(failed as StackState)).toMatch(/DELETE_FAILED.*Run `kinesis-tui teardown`/);
      await teardownStack(clients, failed as StackState, { pollMs: 300 });
      expect(await describeStack(clients.cloudformation, 'failures')).toBeUndefined();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  it("says why events did not arrive: the transform's errors from its log group, records under processing-failed", async () => {
    const dataDir = tempDir('engine-diagnose-');
    const { cloud, clients } = lc();
    try {
      const stack = await deploy(clients, 'diagnose', [
        'StreamName=diagnose-events',
        'DeliveryStreamName=diagnose-delivery',
        'FunctionName=diagnose-transform',
      ]);
      const since = Date.now();
      // The transform breaks after the deploy, as a bad code push would break it.
      await clients.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'diagnose-transform',
          ZipFile: inlineCodeZip(
            'nodejs24.x',
            'exports.handler = async () => { throw new Error("transform broke on purpose"); };',
          ),
        }),
      );
      await waitUntilFunctionUpdatedV2(
        { client: clients.lambda, maxWaitTime: 60, minDelay: 1 },
        { FunctionName: 'diagnose-transform' },
      );
      const journalPath = join(dataDir, 'journal.ndjson');
      const { producer, close } = producerFor(cloud.endpoint, stack, journalPath, {
        count: 20,
        rate: 100,
        seed: 9,
      });
      expect(await producer.run()).toMatchObject({ acknowledged: 20, failed: 0 });
      close();

      const { verifier, choice, discovery } = await openVerifier(clients, stack, journalPath);
      const { report } = await waitForDelivery(verifier, { timeoutMs: 180_000, pollMs: 1000 });
      expect(report.reconciliation).toMatchObject({ delivered: 0, processingFailed: 20, ok: false });
      // What the transform printed reaches its log group a moment after each invocation.
      const journal = readJournal(journalPath);
      const { causes } = await waitFor(
        'the transform errors in the diagnosis',
        async () => {
          const found = await diagnosePipeline(clients, { discovery, choice }, report, journal, since);
          return found.causes[0]?.evidence.some((line) => line.includes('transform broke on purpose'))
            ? found
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(causes[0]).toMatchObject({
        id: 'function-error',
        title: 'The transform fails on its batches: Error: transform broke on purpose',
      });
      expect(causes[0]?.evidence).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^Firehose: Lambda\.FunctionError \(.*20 records under errors\/processing-failed\/\)$/,
          ),
        ]),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  it('loses nothing when the local cloud restarts in the middle of a stream', async () => {
    const dataDir = tempDir('engine-restart-');
    let cloud = await startLocalCloud({ dataDir });
    const port = Number(new URL(cloud.endpoint).port);
    const clients = createClients({
      region: TEST_REGION,
      endpoint: cloud.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    try {
      const stack = await deploy(clients, 'restart', [
        'StreamName=restart-events',
        'DeliveryStreamName=restart-delivery',
        'FunctionName=restart-transform',
      ]);
      const journalPath = join(dataDir, 'journal.ndjson');
      const { producer, close } = producerFor(cloud.endpoint, stack, journalPath, {
        count: 3000,
        rate: 400,
        seed: 5,
      });
      let restarted: Promise<void> | undefined;
      producer.subscribe((u) => {
        if (u.type === 'acknowledged' && !restarted && producer.stats().acknowledged >= 800) {
          restarted = (async () => {
            await cloud.stop();
            cloud = await startLocalCloud({ dataDir, port });
          })();
        }
      });
      const summary = await producer.run();
      await restarted;
      close();
      expect(restarted).toBeDefined();
      expect(summary).toMatchObject({ sent: 3000, acknowledged: 3000, failed: 0 });
      expect(summary.retried).toBeGreaterThan(0);

      const { verifier } = await openVerifier(clients, stack, journalPath);
      const { report } = await waitForDelivery(verifier, { timeoutMs: 180_000, pollMs: 1000 });
      expect(report.reconciliation).toMatchObject({
        acknowledged: 3000,
        delivered: 3000,
        missing: 0,
        ok: true,
      });
      await teardownStack(clients, stack, { pollMs: 300 });
    } finally {
      clients.destroy();
      await cloud.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
