// Events of your own (`stream --events FILE`) against the built-in events, with limits off into 4 shards:
// the producer's events/s with the checked-in template that makes the built-in schema's fields
// (events/shop.json) as a share of its events/s with the built-in source, and the CPU per event of the
// producer's process for each. Phases alternate (built-in, template, template, built-in, twice a run),
// so load that drifts weighs on both alike.
import { join } from 'node:path';
import { bundledTemplatesDir } from '../../src/pipeline/event-template/bundled.js';
import { createTemplateSource, loadEventTemplate } from '../../src/pipeline/event-template/template.js';
import { createEventSource } from '../../src/pipeline/events.js';
import type { Scenario } from '../scenario.js';
import { createStream, startBenchCloud } from '../support/cloud.js';
import { cpuMeter } from '../support/proc.js';
import { runProducer } from '../support/producer.js';

const SHARDS = 4;
const STREAM = 'bench-event-template';
const SLOW_START_MS = 1_000;

export const eventTemplateScenario: Scenario = {
  id: 'event-template',
  title: 'Producer with an event template (--events), limits off',
  figures: [
    { id: 'builtin', label: 'built-in events, events/s', unit: 'events/s' },
    { id: 'template', label: 'events/shop.json (the same fields as a template), events/s', unit: 'events/s' },
    {
      id: 'share',
      label: 'template / built-in events/s',
      unit: '%',
      target: { op: '>=', value: 80 },
      digits: 1,
    },
    { id: 'builtinCpu', label: 'built-in: producer process CPU per event', unit: 'µs', digits: 1 },
    { id: 'templateCpu', label: 'template: producer process CPU per event', unit: 'µs', digits: 1 },
  ],
  async run(context) {
    const durationMs = 3_000 * context.scale;
    const cloud = await startBenchCloud(context, { kinesis: { enforceLimits: false, failureRate: 0 } });
    await createStream(cloud.clients.kinesis, STREAM, SHARDS);
    const template = loadEventTemplate(join(bundledTemplatesDir(), 'shop.json'));
    const dir = context.tempDir('journals');
    const sources = {
      builtin: () => createEventSource({ seed: 7 }),
      template: () => createTemplateSource(template, { seed: 7 }),
    };
    await runProducer(cloud.endpoint, STREAM, dir, { durationMs: 500, source: sources.builtin() });
    await runProducer(cloud.endpoint, STREAM, dir, { durationMs: 500, source: sources.template() });
    for (let run = 0; run < context.runs; run++) {
      const tally = {
        builtin: { rates: [] as number[], events: 0, cpu: 0 },
        template: { rates: [] as number[], events: 0, cpu: 0 },
      };
      for (const kind of [
        'builtin',
        'template',
        'template',
        'builtin',
        'template',
        'builtin',
        'builtin',
        'template',
      ] as const) {
        const cpu = cpuMeter([process.pid]);
        const result = await runProducer(cloud.endpoint, STREAM, dir, {
          durationMs,
          steadyAfterMs: SLOW_START_MS,
          source: sources[kind](),
        });
        tally[kind].rates.push(result.steadyPerSecond);
        tally[kind].events += result.summary.acknowledged;
        tally[kind].cpu += cpu() ?? Number.NaN;
      }
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      const builtin = mean(tally.builtin.rates);
      const fromTemplate = mean(tally.template.rates);
      context.record('builtin', builtin);
      context.record('template', fromTemplate);
      context.record('share', (fromTemplate / builtin) * 100);
      context.record('builtinCpu', (tally.builtin.cpu / tally.builtin.events) * 1e6);
      context.record('templateCpu', (tally.template.cpu / tally.template.events) * 1e6);
      context.log(`run ${run + 1}: built-in ${builtin.toFixed(0)}/s, template ${fromTemplate.toFixed(0)}/s`);
    }
    context.note(
      `${SHARDS} shards, limits off, ${durationMs / 1000} s a phase, four phases of each a run (events/s from ${SLOW_START_MS / 1000} s in); ` +
        'the template is compiled once when loaded; each event then runs its expressions, joins the pieces and parses the result once (for the category and the screens)',
    );
  },
};
