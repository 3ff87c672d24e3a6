// Our producer at full speed into a local cloud that enforces Kinesis's per-shard write limits (1,000
// records and 1 MiB a second, one second of burst): how close it runs to the limit once the burst is
// spent, how many retries that costs, and that no event is lost (each one taken from the source is
// acknowledged and journaled). Then the same on one shard with KPL aggregation, which fills the shard's
// 1 MiB a second instead of its 1,000 records.

import { WRITE_RECORDS_PER_SECOND } from '../../src/local-cloud/kinesis/throughput.js';
import { readJournal } from '../../src/pipeline/journal.js';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { createStream, startBenchCloud } from '../support/cloud.js';
import { type ProducerRun, runProducer } from '../support/producer.js';

/** Past the shards' one-second burst allowance (and the producer's first throttling). */
const STEADY_AFTER_MS = 2_500;

/** Events taken from the source but neither acknowledged nor journaled: lost. */
function lost(run: ProducerRun): number {
  const journal = readJournal(run.journalPath);
  const { sent, acknowledged } = run.summary;
  return sent - acknowledged + Math.abs(acknowledged - journal.acknowledged.size);
}

export const producerLimitsScenario: Scenario = {
  id: 'producer-limits',
  title: 'Producer, shard limits enforced',
  figures: [
    {
      id: 'oneShare',
      label: '1 shard: events/s as a share of its 1,000 records/s',
      unit: '%',
      target: { op: '>=', value: 90 },
      digits: 1,
    },
    { id: 'oneRetries', label: '1 shard: retries per event', unit: 'retries', digits: 3 },
    {
      id: 'fourShare',
      label: '4 shards: events/s as a share of their 4,000 records/s',
      unit: '%',
      target: { op: '>=', value: 90 },
      digits: 1,
    },
    { id: 'fourRetries', label: '4 shards: retries per event', unit: 'retries', digits: 3 },
    {
      id: 'lost',
      label: 'events lost (not acknowledged or not journaled)',
      unit: 'events',
      target: { op: '<=', value: 0 },
    },
    { id: 'plainPerShard', label: 'not aggregated: events/s per shard', unit: 'events/s' },
    { id: 'aggregatedPerShard', label: 'aggregated (--aggregate): events/s per shard', unit: 'events/s' },
    {
      id: 'aggregationGain',
      label: 'aggregated / not aggregated, per shard',
      unit: 'x',
      target: { op: '>=', value: 4 },
      digits: 1,
    },
    { id: 'aggregatedRetries', label: 'aggregated: retries per event', unit: 'retries', digits: 3 },
  ],
  async run(context: ScenarioContext) {
    const durationMs = Math.max(STEADY_AFTER_MS + 2_000, 8_000 * context.scale);
    const cloud = await startBenchCloud(context, { kinesis: { enforceLimits: true, failureRate: 0 } });
    await createStream(cloud.clients.kinesis, 'limits-1', 1);
    await createStream(cloud.clients.kinesis, 'limits-4', 4);
    await createStream(cloud.clients.kinesis, 'limits-agg', 1);
    const dir = context.tempDir('limits-journals');
    // Each stream rests between runs so its burst allowance is whole again, as for the first run.
    const rest = () => new Promise((resolve) => setTimeout(resolve, 1_200));
    for (let run = 0; run < context.runs; run++) {
      const one = await runProducer(cloud.endpoint, 'limits-1', dir, {
        durationMs,
        steadyAfterMs: STEADY_AFTER_MS,
      });
      const four = await runProducer(cloud.endpoint, 'limits-4', dir, {
        durationMs,
        steadyAfterMs: STEADY_AFTER_MS,
      });
      const agg = await runProducer(cloud.endpoint, 'limits-agg', dir, {
        durationMs,
        steadyAfterMs: STEADY_AFTER_MS,
        aggregate: true,
      });
      await rest();
      const retries = (r: ProducerRun) => r.summary.retried / Math.max(1, r.summary.acknowledged);
      context.record('oneShare', (one.steadyPerSecond / WRITE_RECORDS_PER_SECOND) * 100);
      context.record('oneRetries', retries(one));
      context.record('fourShare', (four.steadyPerSecond / (4 * WRITE_RECORDS_PER_SECOND)) * 100);
      context.record('fourRetries', retries(four));
      context.record('lost', lost(one) + lost(four) + lost(agg));
      context.record('plainPerShard', one.steadyPerSecond);
      context.record('aggregatedPerShard', agg.steadyPerSecond);
      context.record('aggregationGain', agg.steadyPerSecond / one.steadyPerSecond);
      context.record('aggregatedRetries', retries(agg));
      context.log(
        `run ${run + 1}: 1 shard ${one.steadyPerSecond.toFixed(0)}/s (${retries(one).toFixed(3)} retries/event), ` +
          `4 shards ${four.steadyPerSecond.toFixed(0)}/s (${retries(four).toFixed(3)}), aggregated 1 shard ` +
          `${agg.steadyPerSecond.toFixed(0)}/s (${agg.summary.eventsPerRecord.toFixed(0)} events a record, ` +
          `${retries(agg).toFixed(3)})`,
      );
    }
    context.note(
      `--rate max for ${(durationMs / 1000).toFixed(1)} s a run; shares and events/s count from ` +
        `${STEADY_AFTER_MS / 1000} s in (after the shards' one-second burst) to the end of sending; retries ` +
        'and losses count the whole run, draining included; the aggregation figures are on one shard',
    );
  },
};
