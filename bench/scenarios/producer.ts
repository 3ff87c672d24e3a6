// Producer events/s into the local cloud with limits off: ours, the seed-style baseline (one awaited
// PutRecord per event) and ours against raw kinesalite (no edge). Each run measures ours and raw twice in
// mirrored order (ours, raw, baseline, raw, ours), so load that drifts during a run weighs on both alike,
// and counts our producer's rate after its slow start (the first second).
import type { Scenario } from '../scenario.js';
import { createStream, startBenchCloud } from '../support/cloud.js';
import { startRawKinesalite } from '../support/kinesalite.js';
import { kinesisClient, runBaseline, runProducer } from '../support/producer.js';

const SHARDS = 4;
const STREAM = 'bench-producer';
/** Our producer starts slow (2,000/s doubling every 250 ms): measured from here on. */
const SLOW_START_MS = 1_000;

export const producerScenario: Scenario = {
  id: 'producer',
  title: 'Producer, limits off',
  figures: [
    { id: 'ours', label: 'ours, events/s', unit: 'events/s' },
    { id: 'baseline', label: 'seed-style baseline (awaited PutRecord each), events/s', unit: 'events/s' },
    { id: 'raw', label: 'ours into raw kinesalite (no edge), events/s', unit: 'events/s' },
    { id: 'ratio', label: 'ours / baseline', unit: 'x', target: { op: '>=', value: 50 }, digits: 1 },
    {
      id: 'edgeOverhead',
      label: 'edge overhead (raw / ours - 1)',
      unit: '%',
      target: { op: '<=', value: 20 },
      digits: 1,
    },
  ],
  async run(context) {
    const seconds = 3 * context.scale;
    const cloud = await startBenchCloud(context, { kinesis: { enforceLimits: false, failureRate: 0 } });
    await createStream(cloud.clients.kinesis, STREAM, SHARDS);
    const rawEndpoint = await startRawKinesalite(context);
    const raw = kinesisClient(rawEndpoint);
    context.defer(() => raw.destroy());
    await createStream(raw, STREAM, SHARDS);
    const dir = context.tempDir('journals');
    const durationMs = seconds * 1000;
    // A short warm-up of each path, so the first run does not pay for JIT and socket setup.
    await runProducer(cloud.endpoint, STREAM, dir, { durationMs: 500 });
    await runProducer(rawEndpoint, STREAM, dir, { durationMs: 500 });
    await runBaseline(cloud.endpoint, STREAM, 300);
    const steady = { durationMs, steadyAfterMs: SLOW_START_MS };
    for (let run = 0; run < context.runs; run++) {
      const ours1 = (await runProducer(cloud.endpoint, STREAM, dir, steady)).steadyPerSecond;
      const raw1 = (await runProducer(rawEndpoint, STREAM, dir, steady)).steadyPerSecond;
      const baseline = await runBaseline(cloud.endpoint, STREAM, Math.max(1000, durationMs / 2));
      const raw2 = (await runProducer(rawEndpoint, STREAM, dir, steady)).steadyPerSecond;
      const ours2 = (await runProducer(cloud.endpoint, STREAM, dir, steady)).steadyPerSecond;
      const ours = (ours1 + ours2) / 2;
      const rawRate = (raw1 + raw2) / 2;
      context.record('ours', ours);
      context.record('raw', rawRate);
      context.record('baseline', baseline);
      context.record('ratio', ours / baseline);
      context.record('edgeOverhead', (rawRate / ours - 1) * 100);
      context.log(
        `run ${run + 1}: ours ${ours.toFixed(0)}/s, raw ${rawRate.toFixed(0)}/s, baseline ${baseline.toFixed(0)}/s`,
      );
    }
    context.note(
      `${SHARDS} shards, ${seconds} s a phase (ours and raw from ${SLOW_START_MS / 1000} s in), events as \`stream\` makes them (faker, journaled); ` +
        'raw kinesalite is the same kinesalite child the local cloud runs, reached without the edge',
    );
  },
};
