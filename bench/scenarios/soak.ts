// Soak (opt-in: `npm run bench -- --only soak`): the wizard in a real terminal, deploying on the local cloud
// and streaming at full rate (the highest rate step; one shard takes about 1,000 events a second) for ten
// minutes. Sampled every few seconds: the resident memory and open file descriptors of the wizard's UI
// process and of its producer process, and the local cloud's memory (its whole process tree). At the end the wizard quits as a user quits it (finishing
// what is in flight) and `kinesis-tui verify --wait` must account for every acknowledged event.
//
// Growth is measured between the median of the first and of the last fifth of the samples, after a minute
// of warm-up (caches, JIT, the first Lambda environments), so a single spike does not count as a leak.
// The live heap (heap snapshots, taken after a full GC) of the UI and producer processes is compared between
// the start and the end of the measured stretch: a leak is growth there, whatever V8's collector is doing.
// The wizard runs with its old space capped (NODE_OPTIONS, so its producer process and the local cloud too): left alone, V8 lets a busy heap grow by hundreds of MB before
// it collects (seen: +257 MB in a minute at full rate, all of it garbage: with the cap the same run stays
// at about 240 MB), which would hide a real leak in noise; capped, a leak makes the wizard fail instead.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Scenario } from '../scenario.js';
import { summarize } from '../scenario.js';
import { waitFor } from '../support/cloud.js';
import { heapSnapshot, liveHeapMiB } from '../support/heap.js';
import { openFds, processTree, producerProcessOf, rssMiB } from '../support/proc.js';
import { openBenchTerminal, tmuxAvailable } from '../support/terminal.js';
import { CLI } from './cold-start.js';

const MINUTE = 60_000;
/** The wizard's old-space cap, MB. */
const WIZARD_HEAP_MB = 192;

/** Median of the last fifth minus median of the first fifth. */
function growth(samples: number[]): number {
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const first = summarize(samples.slice(0, fifth))?.median ?? 0;
  const last = summarize(samples.slice(-fifth))?.median ?? 0;
  return last - first;
}

export const soakScenario: Scenario = {
  id: 'soak',
  title: 'Soak: the wizard streaming at full rate for 10 minutes',
  optIn: true,
  figures: [
    { id: 'events', label: 'events acknowledged', unit: 'events' },
    { id: 'rate', label: 'average acknowledged rate', unit: 'events/s' },
    { id: 'rssGrowth', label: 'wizard memory growth', unit: 'MB', target: { op: '<', value: 50 } },
    { id: 'fdGrowth', label: 'wizard open handles growth', unit: 'fds', target: { op: '<=', value: 5 } },
    {
      id: 'producerRssGrowth',
      label: 'producer process memory growth',
      unit: 'MB',
      target: { op: '<', value: 50 },
    },
    {
      id: 'producerFdGrowth',
      label: 'producer process open handles growth',
      unit: 'fds',
      target: { op: '<=', value: 5 },
    },
    {
      id: 'heapGrowth',
      label: 'wizard live heap growth (after full GC)',
      unit: '%',
      target: { op: '<=', value: 10 },
      digits: 1,
    },
    {
      id: 'producerHeapGrowth',
      label: 'producer process live heap growth (after full GC)',
      unit: '%',
      target: { op: '<=', value: 10 },
      digits: 1,
    },
    { id: 'cloudRssGrowth', label: 'local cloud memory growth', unit: 'MB', target: { op: '<', value: 150 } },
    { id: 'missing', label: 'events not accounted for', unit: 'events', target: { op: '<=', value: 0 } },
  ],
  async run(context) {
    const noTmux = tmuxAvailable();
    if (noTmux) throw new Error(`the soak drives the wizard in tmux: ${noTmux}`);
    const soakMs = 10 * MINUTE * context.scale;
    const warmUpMs = Math.min(MINUTE, soakMs / 5);
    // One run, whatever --runs says: ten minutes is long enough to show a trend, and three would be half an hour.
    if (context.runs > 1) context.note('one run (a soak is long enough on its own)');
    context.note(
      `the wizard runs with --max-old-space-size=${WIZARD_HEAP_MB}: a leak fails it rather than hiding in lazy GC`,
    );
    {
      const state = context.tempDir('soak');
      const snapshots = context.tempDir('soak-heap');
      const dataDir = join(state, 'cloud');
      const env = { ...process.env, KINESIS_TUI_STATE_DIR: state };
      const terminal = openBenchTerminal([process.execPath, CLI, '--data-dir', dataDir], {
        columns: 120,
        rows: 40,
        env: {
          KINESIS_TUI_STATE_DIR: state,
          NODE_OPTIONS: [
            `--max-old-space-size=${WIZARD_HEAP_MB}`,
            '--heapsnapshot-signal=SIGUSR2',
            `--diagnostic-dir=${snapshots}`,
          ].join(' '),
        },
      });
      context.defer(() => terminal.close());
      terminal.launch();
      await terminal.waitForOutput('Enter deploy', 120_000);
      terminal.keys(['Enter']);
      await waitFor(async () => /stack created/.test(terminal.screen()), 'the stack to be created', 300_000);
      terminal.keys(['2']);
      await waitFor(async () => /sending to/.test(terminal.screen()), 'the stream to start', 60_000);
      // Up the rate step by step (each press is one step) until the highest.
      await waitFor(
        async () => {
          if (/target 10,000\/s/.test(terminal.screen())) return true;
          terminal.keys(['+']);
          await new Promise((resolve) => setTimeout(resolve, 300));
          return false;
        },
        'the highest rate',
        60_000,
      );
      const wizard = terminal.pid();
      const producer = producerProcessOf(wizard);
      if (!producer) throw new Error('the wizard runs no producer process (producer-process-main.js)');
      context.log(`streaming at full rate for ${Math.round(soakMs / 1000)} s`);

      const rss: number[] = [];
      const fds: number[] = [];
      const producerRss: number[] = [];
      const producerFds: number[] = [];
      const cloudRss: number[] = [];
      const started = Date.now();
      // The live heaps at the start of the measured stretch (after warm-up) and at its end. A snapshot
      // leaves RSS raised for a while, so RSS is sampled only after the first ones.
      let firstSnapshots: { wizard: string; producer: string } | undefined;
      while (Date.now() - started < soakMs + warmUpMs) {
        await new Promise((resolve) => setTimeout(resolve, 5000));
        if (Date.now() - started < warmUpMs) continue;
        firstSnapshots ??= {
          wizard: await heapSnapshot(wizard, snapshots),
          producer: await heapSnapshot(producer, snapshots),
        };
        rss.push(rssMiB(wizard));
        fds.push(openFds(wizard));
        producerRss.push(rssMiB(producer));
        producerFds.push(openFds(producer));
        // The local cloud: everything else under the wizard (its process, kinesalite, s3rver, Lambda runtimes).
        cloudRss.push(
          processTree(wizard)
            .filter((pid) => pid !== wizard && pid !== producer)
            .reduce((sum, pid) => sum + rssMiB(pid), 0),
        );
      }
      const last = /acknowledged ([\d,]+)/.exec(terminal.screen())?.[1] ?? '?';
      context.log(
        `${last} acknowledged; wizard ${rss.at(0)?.toFixed(0)} -> ${rss.at(-1)?.toFixed(0)} MB, ` +
          `${fds.at(0)} -> ${fds.at(-1)} fds; producer ${producerRss.at(0)?.toFixed(0)} -> ${producerRss.at(-1)?.toFixed(0)} MB, ` +
          `${producerFds.at(0)} -> ${producerFds.at(-1)} fds; local cloud ${cloudRss.at(0)?.toFixed(0)} -> ${cloudRss.at(-1)?.toFixed(0)} MB`,
      );

      const lastSnapshots = {
        wizard: await heapSnapshot(wizard, snapshots),
        producer: await heapSnapshot(producer, snapshots),
      };

      // Quit as a user does: what is in flight is finished, then the local cloud stops.
      terminal.keys(['q']);
      await waitFor(async () => terminal.exited(), 'the wizard to quit', 120_000);
      terminal.close();

      const verify = spawnSync(
        process.execPath,
        [CLI, 'verify', '--data-dir', dataDir, '--wait', '--timeout', '15m', '--json'],
        { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 20 * MINUTE },
      );
      const report = verify.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.type === 'report') as
        | {
            acknowledged: number;
            delivered: number;
            missing: number;
            processingFailed: number;
            duplicates: number;
          }
        | undefined;
      if (!report)
        throw new Error(`verify gave no report (exit ${verify.status}): ${verify.stdout}${verify.stderr}`);
      context.note(
        `verify: acknowledged ${report.acknowledged}, delivered ${report.delivered}, missing ${report.missing}, ` +
          `processing-failed ${report.processingFailed}, duplicates ${report.duplicates} (exit ${verify.status})`,
      );
      context.record('events', report.acknowledged);
      context.record('rate', report.acknowledged / ((soakMs + warmUpMs) / 1000));
      context.record('missing', report.missing);
      if (!firstSnapshots) throw new Error('the soak ended before its warm-up did');
      const heapGrowth = (name: string, first: string, last: string) => {
        const [start, end] = [liveHeapMiB(first), liveHeapMiB(last)];
        context.log(`${name} live heap ${start.toFixed(1)} -> ${end.toFixed(1)} MiB`);
        return ((end - start) / start) * 100;
      };
      context.record('heapGrowth', heapGrowth('wizard', firstSnapshots.wizard, lastSnapshots.wizard));
      context.record(
        'producerHeapGrowth',
        heapGrowth('producer', firstSnapshots.producer, lastSnapshots.producer),
      );
      context.record('rssGrowth', growth(rss));
      context.record('fdGrowth', growth(fds));
      context.record('producerRssGrowth', growth(producerRss));
      context.record('producerFdGrowth', growth(producerFds));
      context.record('cloudRssGrowth', growth(cloudRss));
    }
  },
};
