// What the wizard writes to the terminal, bytes a second, read from a tmux control-mode client (every byte
// the program writes, as it writes it): on the Deploy screen with nothing happening, on the Stream screen
// sending at the default rate, and on the Stream screen paused. A screen that redraws only what changed
// writes nothing when nothing changes; a remote terminal (ssh, a slow link) pays for every byte.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Scenario } from '../scenario.js';
import { waitFor } from '../support/cloud.js';
import { type BenchTerminal, openBenchTerminal, tmuxAvailable } from '../support/terminal.js';
import { CLI } from './cold-start.js';

const SIZE = { columns: 120, rows: 40 };

/** Bytes a second the program writes over `ms`. */
async function bytesPerSecond(terminal: BenchTerminal, ms: number): Promise<number> {
  const before = terminal.outputBytes();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (terminal.outputBytes() - before) / ((performance.now() - started) / 1000);
}

/** The number after `label` on screen. */
function figure(screen: string, label: string): number | undefined {
  const match = new RegExp(`${label} ([\\d,]+)`).exec(screen);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : undefined;
}

export const wizardOutputScenario: Scenario = {
  id: 'wizard-output',
  title: `Wizard output to the terminal (${SIZE.columns}x${SIZE.rows})`,
  figures: [
    {
      id: 'idle',
      label: 'Deploy screen, nothing happening: bytes written a second',
      unit: 'B/s',
      target: { op: '<=', value: 0 },
      digits: 0,
    },
    {
      id: 'streaming',
      label: 'Stream screen sending at the default rate: bytes written a second',
      unit: 'B/s',
      target: { op: '<=', value: 8 * 1024 },
      digits: 0,
    },
    {
      id: 'paused',
      label: 'Stream screen paused, nothing in flight: bytes written a second',
      unit: 'B/s',
      target: { op: '<=', value: 0 },
      digits: 0,
    },
  ],
  async run(context) {
    const noTmux = tmuxAvailable();
    if (noTmux) {
      context.note(`not measured: ${noTmux}`);
      return;
    }
    const state = context.tempDir('wizard-output');
    const dataDir = join(state, 'cloud');
    const env = { ...process.env, KINESIS_TUI_STATE_DIR: state };
    context.log('deploying the stack with the CLI');
    execFileSync(process.execPath, [CLI, 'deploy', '--data-dir', dataDir, '--json'], {
      env,
      stdio: 'ignore',
    });
    const idleMs = 5_000 * context.scale;
    const streamingMs = 10_000 * context.scale;
    for (let run = 0; run < context.runs; run++) {
      const terminal = openBenchTerminal([process.execPath, CLI, '--data-dir', dataDir], {
        ...SIZE,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      context.defer(() => terminal.close());
      terminal.launch();
      await terminal.waitForOutput('CREATE_COMPLETE', 120_000);
      // Let the first frames settle (the stack's status arrives, the parameters fill in).
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const idle = await bytesPerSecond(terminal, idleMs);

      terminal.keys(['2']);
      await waitFor(
        async () => {
          const screen = terminal.screen();
          if (/paused/.test(screen) && /space (start|resume)/.test(screen)) terminal.keys(['Space']);
          return (figure(screen, 'acknowledged') ?? 0) > 0;
        },
        'the first events acknowledged',
        60_000,
      );
      // Past the first seconds (the rate settles, the sparkline fills in).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const streaming = await bytesPerSecond(terminal, streamingMs);

      terminal.keys(['Space']);
      await waitFor(
        async () => {
          const screen = terminal.screen();
          return /paused/.test(screen) && figure(screen, 'in flight') === 0;
        },
        'the stream to pause with nothing in flight',
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const paused = await bytesPerSecond(terminal, idleMs);

      context.record('idle', idle);
      context.record('streaming', streaming);
      context.record('paused', paused);
      context.log(
        `run ${run + 1}: idle ${idle.toFixed(0)} B/s, streaming ${streaming.toFixed(0)} B/s, paused ${paused.toFixed(0)} B/s`,
      );
      terminal.keys(['q']);
      await waitFor(async () => terminal.exited(), 'the wizard to quit', 60_000).catch(() => undefined);
      terminal.close();
    }
    context.note(
      `the built wizard in tmux at ${SIZE.columns}x${SIZE.rows} on the local cloud (1 shard), every byte it writes ` +
        `counted by a tmux control-mode client; idle and paused over ${(idleMs / 1000).toFixed(0)} s, ` +
        `streaming over ${(streamingMs / 1000).toFixed(0)} s after 3 s at the default rate`,
    );
  },
};
