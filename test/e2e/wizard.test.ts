// The built binary (dist/, made by `npm test` before Vitest runs) in a real terminal.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';

const cli = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const noTmux = missingTool('tmux', ['-V']);

/** Local cloud processes serving `dataDir` (the child carries its options, data dir included, in argv). */
function localClouds(dataDir: string): string[] {
  const out = spawnSync('pgrep', ['-f', `local-cloud/main\\.js.*${dataDir}`], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean);
}

describe('the wizard without a terminal', () => {
  it('is not mounted when output is piped: a plain message points to the commands', () => {
    const env = { ...process.env };
    delete env.CI;
    const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', env, input: '' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain(
      'the wizard needs an interactive terminal (standard input is not a terminal)',
    );
    expect(run.stdout).toContain('kinesis-tui deploy');
    expect(run.stdout).not.toContain('\u001B[');
  });

  it('is not mounted with CI set', () => {
    const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('(CI is set)');
  });
});

describe('the wizard in a real terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  let state: string | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it.skipIf(noTmux)(
    skipTitle('opens on the local cloud, shows help, re-lays out on resize, and quits cleanly', noTmux),
    async () => {
      state = tempDir('wizard-e2e-');
      const dataDir = join(state, 'cloud');
      terminal = openTerminal([process.execPath, cli, '--data-dir', dataDir], {
        columns: 120,
        rows: 40,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      const t = terminal;
      const first = await t.waitFor(
        (s) => s.includes('local cloud 127.0.0.1:') && s.includes('Resources (10)'),
      );
      expect(first).toMatch(/kinesis-tui {2}local cloud 127\.0\.0\.1:\d+ · us-east-1 · stack kinesis-tui/);
      expect(first).toMatch(/\[1 Deploy\] > +2 Stream +> +3 Verify +> +4 Cleanup/);
      expect(first).toContain('? help  q quit');
      expect(localClouds(dataDir).length).toBeGreaterThan(0);

      t.keys(['?']);
      const help = await t.waitFor((s) => s.includes('Keys (Esc or ? closes)'));
      expect(help).toContain('a burst of 100 events');
      expect(help).toContain(`Debug log: ${join(state, 'wizard.log')}`);
      t.keys(['Escape']);
      await t.waitFor((s) => !s.includes('Keys (Esc or ? closes)') && s.includes('Resources (10)'));

      t.resize(60, 20);
      const small = await t.waitFor((s) => s.includes('Terminal too small: 60x20'));
      expect(small).not.toContain('Resources (10)');
      t.resize(120, 40);
      const back = await t.waitFor((s) => s.includes('Resources (10)') && s.includes('[1 Deploy]'));
      // One frame, not a frame per size stacked in the scrollback.
      expect(back.match(/kinesis-tui {2}local cloud/g)?.length).toBe(1);

      t.keys(['q']);
      await t.waitFor(() => t.exited());
      expect(t.exitStatus()).toBe(0);
      // The local cloud stopped with it, and nothing but the wizard wrote to the terminal.
      await t.waitFor(() => localClouds(dataDir).length === 0);
      const log = readFileSync(join(state, 'wizard.log'), 'utf8');
      expect(log).toContain('wizard stopped');
      expect(existsSync(dataDir)).toBe(true);
    },
    120_000,
  );
});
