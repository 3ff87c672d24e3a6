// End to end: 10,000 events from the first PutRecords to every one of them verified in S3 (read back and
// reconciled with the journal, as `kinesis-tui verify` does), through the deployed stack with Firehose's
// buffer interval at 0, on a local cloud enforcing shard limits as AWS does.
import { join } from 'node:path';
import { emptyBucket } from '../../src/pipeline/teardown.js';
import { openVerifier, waitForDelivery } from '../../src/pipeline/verify.js';
import type { Scenario } from '../scenario.js';
import { startBenchCloud } from '../support/cloud.js';
import { deployPipeline } from '../support/pipeline.js';
import { runProducer } from '../support/producer.js';

const EVENTS = 10_000;
const SHARDS = 4;

export const endToEndScenario: Scenario = {
  id: 'end-to-end',
  title: 'End to end (stream -> Firehose -> Lambda -> S3, verified)',
  figures: [
    {
      id: 'total',
      label: `${EVENTS.toLocaleString('en-US')} events, first put to all verified in S3`,
      unit: 's',
      target: { op: '<', value: 15 },
    },
    { id: 'put', label: 'first put to last acknowledged', unit: 's' },
    { id: 'deliver', label: 'last acknowledged to all verified', unit: 's' },
  ],
  async run(context) {
    const cloud = await startBenchCloud(context);
    context.log('deploying the stack');
    const stack = await deployPipeline(cloud, 'bench-e2e', [
      `ShardCount=${SHARDS}`,
      'BufferIntervalSeconds=0',
      'ProcessorBufferIntervalSeconds=0',
    ]);
    const { outputs } = stack;
    const stream = outputs.StreamName;
    if (!stream || !outputs.BucketName) throw new Error('the stack has no StreamName or BucketName output');
    const dir = context.tempDir('e2e-journals');
    for (let run = 0; run < context.runs; run++) {
      // Each run starts from an empty bucket and its own journal, so verify reads only this run's objects.
      await emptyBucket(cloud.clients.s3, outputs.BucketName);
      const started = performance.now();
      const produced = await runProducer(cloud.endpoint, stream, dir, { count: EVENTS, seed: 100 + run });
      const acknowledged = performance.now();
      if (produced.summary.acknowledged !== EVENTS)
        throw new Error(`the producer had ${produced.summary.acknowledged} of ${EVENTS} events acknowledged`);
      const { verifier } = await openVerifier(cloud.clients, stack, produced.journalPath);
      const { report, timedOut } = await waitForDelivery(verifier, { timeoutMs: 120_000, pollMs: 100 });
      const verified = performance.now();
      const r = report.reconciliation;
      if (timedOut || r.delivered !== EVENTS || r.missing !== 0)
        throw new Error(
          `run ${run + 1}: ${r.delivered} of ${EVENTS} delivered, ${r.missing} missing after ` +
            `${((verified - started) / 1000).toFixed(0)} s; see ${join(cloud.dataDir, 'local-cloud.log')}`,
        );
      context.record('total', (verified - started) / 1000);
      context.record('put', (acknowledged - started) / 1000);
      context.record('deliver', (verified - acknowledged) / 1000);
      context.log(
        `run ${run + 1}: ${((verified - started) / 1000).toFixed(1)} s (put ${((acknowledged - started) / 1000).toFixed(1)} s, ` +
          `${report.deliveredObjects} objects, ${r.duplicates} duplicates)`,
      );
    }
    context.note(
      `${SHARDS} shards with limits enforced, our producer at --rate max, Firehose buffer intervals 0, the ` +
        "local cloud's Firehose polling shards every second (its default); verify polls every 100 ms",
    );
  },
};
