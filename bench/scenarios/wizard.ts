// The wizard's Stream screen at the producer's top rate for 30 s, in a real terminal (tmux): the CPU of the
// wizard's UI process and, apart, of its producer process (the producer runs in a child of its own; the
// local cloud is another), and the UI process's resident memory, which must stay flat (the screen keeps
// bounded buffers, and the producer process sends it only what the screen keeps).
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../scenario.js';
import { waitFor } from '../support/cloud.js';
import { heapSnapshot, liveHeapMiB } from '../support/heap.js';
import { cpuMeter, producerProcessOf, rssMiB } from '../support/proc.js';
import { openBenchTerminal, tmuxAvailable } from '../support/terminal.js';
import { CLI } from './cold-start.js';

const TOP_RATE = 10_000;
/** Enough shards that the top rate is what the stream takes (limits enforced). */
const SHARDS = 10;
const WARM_UP_MS = 15_000;

/** The "actual N/s" the Stream screen shows. */
function shownRate(screen: string): number | undefined {
  const match = /actual ([\d,]+)\/s/.exec(screen);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : undefined;
}

export const wizardScenario: Scenario = {
  id: 'wizard',
  title: `Wizard, Stream screen at ${TOP_RATE.toLocaleString('en-US')} events/s`,
  figures: [
    {
      id: 'cpu',
      label: 'wizard UI process CPU, share of one core',
      unit: '%',
      target: { op: '<=', value: 25 },
      digits: 1,
    },
    { id: 'producerCpu', label: 'wizard producer process CPU, share of one core', unit: '%', digits: 1 },
    { id: 'rate', label: 'events/s acknowledged while measured', unit: 'events/s' },
    {
      id: 'output',
      label: 'bytes written to the terminal a second',
      unit: 'B/s',
      target: { op: '<=', value: 8 * 1024 },
      digits: 0,
    },
    { id: 'rssStart', label: 'UI process RSS at full rate, start', unit: 'MiB', digits: 0 },
    { id: 'rssEnd', label: 'UI process RSS at full rate, after 30 s', unit: 'MiB', digits: 0 },
    {
      id: 'rssGrowth',
      label: 'UI process RSS growth over the 30 s',
      unit: '%',
      target: { op: '<=', value: 10 },
      digits: 1,
    },
    { id: 'producerRssEnd', label: 'producer process RSS, after 30 s', unit: 'MiB', digits: 0 },
    { id: 'heapStart', label: 'UI live heap (after full GC), start', unit: 'MiB', digits: 1 },
    { id: 'heapEnd', label: 'UI live heap (after full GC), after 45 s', unit: 'MiB', digits: 1 },
    {
      id: 'heapGrowth',
      label: 'UI live heap growth over the 45 s (buffers bounded)',
      unit: '%',
      target: { op: '<=', value: 10 },
      digits: 1,
    },
  ],
  async run(context) {
    const noTmux = tmuxAvailable();
    if (noTmux) {
      context.note(`not measured: ${noTmux}`);
      return;
    }
    const seconds = 30 * context.scale;
    const state = context.tempDir('wizard');
    const dataDir = join(state, 'cloud');
    const env = { ...process.env, KINESIS_TUI_STATE_DIR: state };
    context.log(`deploying the stack (${SHARDS} shards) with the CLI`);
    execFileSync(
      process.execPath,
      [CLI, 'deploy', '--data-dir', dataDir, '--param', `ShardCount=${SHARDS}`, '--json'],
      { env, stdio: 'ignore' },
    );
    const snapshots = context.tempDir('wizard-heap');
    const node = [process.execPath, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`];
    const terminal = openBenchTerminal([...node, CLI, '--data-dir', dataDir], {
      columns: 120,
      rows: 40,
      env: { KINESIS_TUI_STATE_DIR: state },
    });
    context.defer(() => terminal.close());
    terminal.launch();
    await terminal.waitForOutput('CREATE_COMPLETE', 120_000);
    terminal.keys(['2']);
    await terminal.waitForOutput('▶ sending');
    // The default 100/s -> 10,000/s in the screen's steps, one key at a time.
    for (const step of [200, 500, 1_000, 2_000, 5_000, TOP_RATE]) {
      terminal.keys(['+']);
      await terminal.waitForOutput(`target ${step.toLocaleString('en-US')}/s`);
    }
    await waitFor(
      async () => (shownRate(terminal.screen()) ?? 0) >= TOP_RATE * 0.5,
      'the Stream screen to reach its top rate',
      60_000,
    );
    const pid = terminal.pid();
    const producer = producerProcessOf(pid);
    if (!producer) throw new Error('the wizard runs no producer process (producer-process-main.js)');
    // The first heap snapshot, then a warm-up at full rate, then the measured stretch with RSS sampled
    // each second. In that order because a snapshot collects everything first: V8 hands memory back, and
    // RSS measured right after it would start low and show V8 regrowing its heap, not the wizard's buffers.
    const firstSnapshot = await heapSnapshot(pid, snapshots);
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const rssStart = rssMiB(pid);
    const uiCpuUsed = cpuMeter([pid]);
    const producerCpuUsed = cpuMeter([producer]);
    const started = performance.now();
    const bytesBefore = terminal.outputBytes();
    const rates: number[] = [];
    const rss: number[] = [];
    while (performance.now() - started < seconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const r = shownRate(terminal.screen());
      if (r !== undefined) rates.push(r);
      rss.push(rssMiB(pid));
    }
    const wall = (performance.now() - started) / 1000;
    const output = (terminal.outputBytes() - bytesBefore) / wall;
    const cpu = ((uiCpuUsed() ?? Number.NaN) / wall) * 100;
    const producerCpu = ((producerCpuUsed() ?? Number.NaN) / wall) * 100;
    const rssEnd = rssMiB(pid);
    const producerRssEnd = rssMiB(producer);
    const lastSnapshot = await heapSnapshot(pid, snapshots);
    context.log(`UI RSS each second, MiB: ${rss.map((m) => m.toFixed(0)).join(' ')}`);
    const rate = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    terminal.keys(['q']);
    await waitFor(async () => terminal.exited(), 'the wizard to quit', 60_000).catch(() => undefined);
    terminal.close();
    // Read only now: parsing a snapshot is heavy, and would be counted against the wizard's neighbours.
    const heapStart = liveHeapMiB(firstSnapshot);
    const heapEnd = liveHeapMiB(lastSnapshot);

    context.record('cpu', cpu);
    context.record('producerCpu', producerCpu);
    context.record('rate', rate);
    context.record('output', output);
    context.record('rssStart', rssStart);
    context.record('rssEnd', rssEnd);
    context.record('rssGrowth', ((rssEnd - rssStart) / rssStart) * 100);
    context.record('producerRssEnd', producerRssEnd);
    context.record('heapStart', heapStart);
    context.record('heapEnd', heapEnd);
    context.record('heapGrowth', ((heapEnd - heapStart) / heapStart) * 100);
    context.log(
      `wizard UI ${cpu.toFixed(1)}% of a core, producer process ${producerCpu.toFixed(1)}%, at ${rate.toFixed(0)}/s; ` +
        `UI RSS ${rssStart.toFixed(0)} -> ${rssEnd.toFixed(0)} MiB, live heap ${heapStart.toFixed(1)} -> ${heapEnd.toFixed(1)} MiB; ` +
        `producer RSS ${producerRssEnd.toFixed(0)} MiB; ${output.toFixed(0)} B/s to the terminal; load ${loadavg()[0]?.toFixed(2)}`,
    );
    context.note(
      `one run of ${seconds.toFixed(0)} s (after ${WARM_UP_MS / 1000} s at full rate); ${SHARDS} shards, limits enforced; ` +
        'the wizard runs its producer in a child process (sending the UI the newest 500 events and the counters ' +
        '5 times a second), the local cloud in another, not counted; the UI process is what the 25% target is ' +
        `about; RSS start and end both at working size (${WARM_UP_MS / 1000} s after the first heap snapshot's ` +
        'full GC); live heap from heap snapshots (after a full GC) before the warm-up and at the end',
    );
  },
};
