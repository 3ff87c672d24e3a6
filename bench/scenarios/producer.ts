// Producer events/s into the local cloud with limits off: ours, the seed-style baseline (one awaited
// PutRecord per event) and ours against raw kinesalite (no edge). All three run in each run, in rotating
// order, so the ratios compare measurements taken moments apart on the same machine.
import type { Scenario } from '../scenario.js';
import { createStream, startBenchCloud } from '../support/cloud.js';
import { startRawKinesalite } from '../support/kinesalite.js';
import { kinesisClient, runBaseline, runProducer } from '../support/producer.js';

const SHARDS = 4;
const STREAM = 'bench-producer';

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
    const seconds = 4 * context.scale;
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
    for (let run = 0; run < context.runs; run++) {
      const measured: Record<string, number> = {};
      const phases: Array<[string, () => Promise<number>]> = [
        ['ours', async () => (await runProducer(cloud.endpoint, STREAM, dir, { durationMs })).perSecond],
        ['raw', async () => (await runProducer(rawEndpoint, STREAM, dir, { durationMs })).perSecond],
        ['baseline', () => runBaseline(cloud.endpoint, STREAM, Math.max(1000, durationMs / 2))],
      ];
      for (let i = 0; i < phases.length; i++) {
        const [name, measure] = phases[(i + run) % phases.length] as [string, () => Promise<number>];
        measured[name] = await measure();
        context.record(name, measured[name] as number);
      }
      const { ours = 0, raw: rawRate = 0, baseline = 0 } = measured;
      context.record('ratio', ours / baseline);
      context.record('edgeOverhead', (rawRate / ours - 1) * 100);
      context.log(
        `run ${run + 1}: ours ${ours.toFixed(0)}/s, raw ${rawRate.toFixed(0)}/s, baseline ${baseline.toFixed(0)}/s`,
      );
    }
    context.note(
      `${SHARDS} shards, ${seconds} s a phase, events as \`stream\` makes them (faker, journaled); ` +
        'raw kinesalite is the same kinesalite child the local cloud runs, reached without the edge',
    );
  },
};
