// Producer events/s into the local cloud with limits off: ours, the seed-style baseline (one awaited
// PutRecord per event) and ours against raw kinesalite (no edge). Each run measures ours and raw four times
// each in mirrored order (ours raw raw ours, baseline, raw ours ours raw), so load that drifts during a run
// weighs on both alike, and counts our producer's rate after its slow start (the first second).
//
// Next to events/s it reports the CPU each path spends per event, from /proc (producer, edge,
// kinesalite): on a machine shared with other work events/s moves with their load, CPU per event hardly,
// so it shows what the edge costs when the machine is busy enough to hide it or to exaggerate it.
import type { Scenario } from '../scenario.js';
import { createStream, startBenchCloud } from '../support/cloud.js';
import { startRawKinesalite } from '../support/kinesalite.js';
import { childPids, cpuMeter } from '../support/proc.js';
import { kinesisClient, runBaseline, runProducer } from '../support/producer.js';

const SHARDS = 4;
const STREAM = 'bench-producer';
/** Our producer starts slow (2,000/s doubling every 250 ms): measured from here on. */
const SLOW_START_MS = 1_000;
const US = 1e6;

interface Path {
  endpoint: string;
  /** The processes doing the work: this one (the producer), then the servers; undefined without /proc. */
  pids: number[] | undefined;
}

const plus = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a + b;

/** A path's phases within one run: events/s of each, and CPU seconds and events over all of them. */
class Tally {
  private readonly rates: number[] = [];
  private events = 0;
  private cpu: number | undefined = 0;
  private edge: number | undefined = 0;

  add(rate: number, events: number, cpu: number | undefined, edge: number | undefined): void {
    this.rates.push(rate);
    this.events += events;
    this.cpu = plus(this.cpu, cpu);
    this.edge = plus(this.edge, edge);
  }

  get rate(): number {
    return this.rates.reduce((sum, r) => sum + r, 0) / this.rates.length;
  }

  /** CPU µs per acknowledged event of the path's processes (or of the edge alone). */
  perEvent(which: 'all' | 'edge'): number | undefined {
    const seconds = which === 'all' ? this.cpu : this.edge;
    return seconds === undefined || this.events === 0 ? undefined : (seconds / this.events) * US;
  }
}

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
    { id: 'oursCpu', label: 'ours: CPU per event (producer + edge + kinesalite)', unit: 'µs', digits: 1 },
    { id: 'edgeCpu', label: 'ours: CPU per event of the edge (local cloud process)', unit: 'µs', digits: 1 },
    { id: 'rawCpu', label: 'raw kinesalite: CPU per event (producer + kinesalite)', unit: 'µs', digits: 1 },
    {
      id: 'cpuOverhead',
      label: 'edge CPU overhead (ours / raw CPU per event - 1)',
      unit: '%',
      digits: 1,
    },
  ],
  async run(context) {
    const seconds = 3 * context.scale;
    const cloud = await startBenchCloud(context, { kinesis: { enforceLimits: false, failureRate: 0 } });
    await createStream(cloud.clients.kinesis, STREAM, SHARDS);
    const rawKinesalite = await startRawKinesalite(context);
    const raw = kinesisClient(rawKinesalite.endpoint);
    context.defer(() => raw.destroy());
    await createStream(raw, STREAM, SHARDS);
    const cloudKinesalite = childPids(cloud.pid, 'kinesalite-main')[0];
    const ours: Path = {
      endpoint: cloud.endpoint,
      pids: cloudKinesalite === undefined ? undefined : [process.pid, cloud.pid, cloudKinesalite],
    };
    const direct: Path = { endpoint: rawKinesalite.endpoint, pids: [process.pid, rawKinesalite.pid] };
    const dir = context.tempDir('journals');
    const durationMs = seconds * 1000;
    // A short warm-up of each path, so the first run does not pay for JIT and socket setup.
    await runProducer(ours.endpoint, STREAM, dir, { durationMs: 500 });
    await runProducer(direct.endpoint, STREAM, dir, { durationMs: 500 });
    await runBaseline(cloud.endpoint, STREAM, 300);
    const phase = async (path: Path, tally: Tally) => {
      const all = path.pids && cpuMeter(path.pids);
      // The raw path has no edge: it adds nothing to the edge's share.
      const edge = path === ours ? cpuMeter([cloud.pid]) : () => 0;
      const run = await runProducer(path.endpoint, STREAM, dir, { durationMs, steadyAfterMs: SLOW_START_MS });
      tally.add(run.steadyPerSecond, run.summary.acknowledged, all?.(), edge());
    };
    for (let run = 0; run < context.runs; run++) {
      const oursTally = new Tally();
      const rawTally = new Tally();
      for (const path of [ours, direct, direct, ours])
        await phase(path, path === ours ? oursTally : rawTally);
      const baseline = await runBaseline(cloud.endpoint, STREAM, Math.max(1000, durationMs / 2));
      for (const path of [direct, ours, ours, direct])
        await phase(path, path === ours ? oursTally : rawTally);
      context.record('ours', oursTally.rate);
      context.record('raw', rawTally.rate);
      context.record('baseline', baseline);
      context.record('ratio', oursTally.rate / baseline);
      context.record('edgeOverhead', (rawTally.rate / oursTally.rate - 1) * 100);
      const oursCpu = oursTally.perEvent('all');
      const edgeCpu = oursTally.perEvent('edge');
      const rawCpu = rawTally.perEvent('all');
      if (oursCpu !== undefined && edgeCpu !== undefined && rawCpu !== undefined) {
        context.record('oursCpu', oursCpu);
        context.record('edgeCpu', edgeCpu);
        context.record('rawCpu', rawCpu);
        context.record('cpuOverhead', (oursCpu / rawCpu - 1) * 100);
      }
      context.log(
        `run ${run + 1}: ours ${oursTally.rate.toFixed(0)}/s, raw ${rawTally.rate.toFixed(0)}/s, ` +
          `baseline ${baseline.toFixed(0)}/s; CPU per event ours ${oursCpu?.toFixed(1) ?? '?'} µs ` +
          `(edge ${edgeCpu?.toFixed(1) ?? '?'}), raw ${rawCpu?.toFixed(1) ?? '?'} µs`,
      );
    }
    context.note(
      `${SHARDS} shards, ${seconds} s a phase, ours and raw four phases each a run (events/s from ${SLOW_START_MS / 1000} s in), events as \`stream\` makes them (faker, journaled); ` +
        'raw kinesalite is the same kinesalite child the local cloud runs, reached without the edge; ' +
        'CPU per event is user + system time of the processes on each path (/proc) over its phases, per acknowledged event',
    );
  },
};
