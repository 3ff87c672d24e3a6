// Cold start: the built binary launched in a pseudo-terminal until its first frame (the wizard's frame,
// drawn while the local cloud starts), and until the local cloud is up and shown; the same first frame
// through `npm start` in the clone, as the README says to run it (npm itself, then the up-to-date check of
// the build, then the wizard); and the local cloud on its own, from start to ready.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCloud } from '../../src/local-cloud/index.js';
import type { Scenario } from '../scenario.js';
import { waitFor } from '../support/cloud.js';
import { openBenchTerminal, tmuxAvailable } from '../support/terminal.js';

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
/** The clone: this file runs from dist/bench/scenarios. */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export const coldStartScenario: Scenario = {
  id: 'cold-start',
  title: 'Cold start',
  figures: [
    { id: 'firstFrame', label: 'launch to first frame', unit: 's', target: { op: '<', value: 1 } },
    { id: 'wizardReady', label: 'launch to local cloud shown in the wizard', unit: 's' },
    {
      id: 'npmStart',
      label: '`npm start` to first frame (built, nothing changed)',
      unit: 's',
      target: { op: '<', value: 1.5 },
    },
    { id: 'localCloud', label: 'local cloud start to ready', unit: 's' },
  ],
  async run(context) {
    const noTmux = tmuxAvailable();
    for (let run = 0; run < context.runs; run++) {
      const started = performance.now();
      const cloud = await startLocalCloud({ dataDir: context.tempDir('cold-cloud'), port: 0 });
      context.record('localCloud', (performance.now() - started) / 1000);
      await cloud.stop();
    }
    if (noTmux) {
      context.note(`wizard figures not measured: ${noTmux}`);
      return;
    }
    for (let run = 0; run < context.runs; run++) {
      const state = context.tempDir('cold-wizard');
      const terminal = openBenchTerminal([process.execPath, CLI, '--data-dir', join(state, 'cloud')], {
        columns: 120,
        rows: 40,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      context.defer(() => terminal.close());
      const launched = terminal.launch();
      const frame = await terminal.waitForOutput('Deploy');
      const ready = await terminal.waitForOutput('local cloud 127.0.0.1:');
      context.record('firstFrame', (frame - launched) / 1000);
      context.record('wizardReady', (ready - launched) / 1000);
      context.log(
        `run ${run + 1}: first frame ${(frame - launched).toFixed(0)} ms, ready ${(ready - launched).toFixed(0)} ms`,
      );
      // Quit as a user does, so the local cloud it started stops before the next run.
      terminal.keys(['q']);
      await waitFor(async () => terminal.exited(), 'the wizard to quit', 60_000);
      terminal.close();
    }
    // As after `npm ci`: the build is current (this builds only if a source changed since the last one).
    execFileSync('npm', ['--prefix', ROOT, 'start', '--silent', '--', '--version'], { stdio: 'ignore' });
    for (let run = 0; run < context.runs; run++) {
      const state = context.tempDir('cold-npm-start');
      const terminal = openBenchTerminal(
        ['npm', '--prefix', ROOT, 'start', '--', '--data-dir', join(state, 'cloud')],
        { columns: 120, rows: 40, env: { KINESIS_TUI_STATE_DIR: state } },
      );
      context.defer(() => terminal.close());
      const launched = terminal.launch();
      const frame = await terminal.waitForOutput('Deploy');
      context.record('npmStart', (frame - launched) / 1000);
      context.log(`npm start run ${run + 1}: first frame ${(frame - launched).toFixed(0)} ms`);
      terminal.keys(['q']);
      await waitFor(async () => terminal.exited(), 'the wizard to quit', 60_000);
      terminal.close();
    }
  },
};
