// The terminal closing under the wizard (a window closed, tmux killed, ssh lost) while it draws: the built
// binary in tmux, whose server is then killed. Before the fix, the failed writes to the closed terminal
// became uncaught errors whose handler wrote again: the wizard never ended, kept its local cloud running,
// and grew (gigabytes of memory and of debug log) for as long as nobody killed it.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/local-cloud.js';
import { alive } from '../support/processes.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';
import { waitFor } from '../support/wait.js';

const cli = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const noTmux = missingTool('tmux', ['-V']);
const LONG = 90_000;

/** The process and every process under it (the local cloud, its backends, the producer process). */
function tree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children
  }
  return [pid, ...children.flatMap(tree)];
}

describe('the terminal closes under the wizard (tmux)', () => {
  let terminal: Terminal | undefined;
  let dir: string | undefined;
  let processes: number[] = [];
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
    // What did not end (the failure this test is about) must not outlive the test.
    for (const pid of processes.filter(alive)) process.kill(pid, 'SIGKILL');
    processes = [];
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(noTmux)(
    skipTitle(
      'while streaming: the wizard, its producer and its local cloud all end, and say why in the log',
      noTmux,
    ),
    async () => {
      dir = tempDir('wizard-hangup-');
      const state = join(dir, 'state');
      terminal = openTerminal([process.execPath, cli, '--data-dir', join(dir, 'cloud')], {
        columns: 100,
        rows: 30,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      const t = terminal;
      await t.waitFor((s) => s.includes('not deployed yet') && s.includes('Parameters'), LONG);
      t.keys(['Enter']);
      await t.waitFor((s) => /CREATE_COMPLETE/.test(s), LONG);
      t.keys(['2']);
      // Sending: the screen changes several times a second, so it is drawing when the terminal goes.
      await t.waitFor((s) => /acknowledged [1-9]/.test(s), LONG);
      processes = tree(t.pid());
      expect(processes.length, 'the wizard runs a local cloud and a producer').toBeGreaterThan(2);

      t.close();
      terminal = undefined;

      await waitFor('every process of the wizard to end', () => processes.every((pid) => !alive(pid)), {
        timeoutMs: 60_000,
      });
      const log = readFileSync(join(state, 'wizard.log'), 'utf8');
      expect(log).toMatch(/the terminal went away|wizard stopped/);
      expect(log).toContain('wizard stopped');
      // One line about it, not one per failed write.
      expect(statSync(join(state, 'wizard.log')).size).toBeLessThan(64 * 1024);
    },
    240_000,
  );
});
