// Cold start: the built binary launched in a pseudo-terminal until its first frame (the wizard's frame,
// drawn while the local cloud starts), and until the local cloud is up and shown; and the local cloud on
// its own, from start to ready.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCloud } from '../../src/local-cloud/index.js';
import type { Scenario } from '../scenario.js';
import { waitFor } from '../support/cloud.js';
import { openBenchTerminal, tmuxAvailable } from '../support/terminal.js';

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export const coldStartScenario: Scenario = {
  id: 'cold-start',
  title: 'Cold start',
  figures: [
    { id: 'firstFrame', label: 'launch to first frame', unit: 's', target: { op: '<', value: 1 } },
    { id: 'wizardReady', label: 'launch to local cloud shown in the wizard', unit: 's' },
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
      await waitFor(async () => /Bye\./.test(terminal.screen()), 'the wizard to quit', 60_000);
      terminal.close();
    }
  },
};
