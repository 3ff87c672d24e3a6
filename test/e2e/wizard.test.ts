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

/** The wizard launched from a shell that printed a line first: what must be back on screen when it ends. */
const BEFORE = 'the terminal before the wizard';
function launch(args: string[], size: { columns: number; rows: number }, env: Record<string, string>) {
  return openTerminal(['sh', '-c', `echo '${BEFORE}'; exec "$0" "$@"`, process.execPath, cli, ...args], {
    ...size,
    env,
  });
}

/** The terminal as the wizard left it: the line from before it, its summary, and none of its frame. */
function expectRestored(screen: string, summary: string): void {
  const lines = screen.split('\n').filter((l) => l.trim() !== '');
  expect(lines[0], screen).toBe(BEFORE);
  expect(lines[1], screen).toBe(summary);
  expect(screen).not.toContain('? help');
  expect(screen).not.toContain('Deploy >');
}

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
])('the wizard in a real terminal (tmux, $columns x $rows)', (size) => {
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
      terminal = launch(['--data-dir', dataDir], size, { KINESIS_TUI_STATE_DIR: state });
      const t = terminal;
      const first = await t.waitFor(
        (s) =>
          s.includes('local cloud 127.0.0.1:') && s.includes('not deployed') && s.includes('Resources (10)'),
      );
      // The header on one line, the app's name dropped when the terminal is too narrow for it.
      const header = first.split('\n')[0] ?? '';
      expect(header).toMatch(
        /^(kinesis-tui {2})?local cloud 127\.0\.0\.1:\d+ · us-east-1 · stack kinesis-tui not deployed$/,
      );
      expect(header.startsWith('kinesis-tui')).toBe(size.columns >= 100);
      expect(first).toMatch(/\[1 Deploy\] > +2 Stream +> +3 Verify +> +4 Cleanup/);
      expect(first).toContain('? help  q quit');
      // The alternate screen: nothing of what was on the terminal shows under the wizard.
      expect(first).not.toContain(BEFORE);
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
      t.resize(size.columns, size.rows);
      const back = await t.waitFor((s) => s.includes('Resources (10)') && s.includes('[1 Deploy]'));
      // One frame, not a frame per size stacked in the scrollback.
      expect(back.match(/local cloud 127/g)?.length).toBe(1);

      t.keys(['q']);
      await t.waitFor(() => t.exited());
      expect(t.exitStatus()).toBe(0);
      expectRestored(t.scrollback(), 'kinesis-tui: quit.');
      expect(t.scrollback()).toContain(`No stack kinesis-tui in the local cloud's data dir ${dataDir}.`);
      // The local cloud stopped with it, and nothing but the wizard wrote to the terminal.
      await t.waitFor(() => localClouds(dataDir).length === 0);
      const log = readFileSync(join(state, 'wizard.log'), 'utf8');
      expect(log).toContain('wizard stopped');
      expect(existsSync(dataDir)).toBe(true);
    },
    120_000,
  );
});

describe('the wizard ends, however it ends, with the terminal as it was (tmux)', () => {
  let terminal: Terminal | undefined;
  let state: string | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
    if (state) rmSync(state, { recursive: true, force: true });
  });

  const crash = fileURLToPath(new URL('../fixtures/crash-on-signal.mjs', import.meta.url));
  it.skipIf(noTmux).each([
    { how: 'Ctrl-C', code: 130, summary: 'kinesis-tui: interrupted (Ctrl-C).' },
    { how: 'SIGTERM', code: 143, summary: 'kinesis-tui: stopped by SIGTERM.' },
    {
      how: 'an uncaught error',
      code: 1,
      summary: 'kinesis-tui: stopped by an unexpected error: a bug nobody caught.',
    },
  ])(
    skipTitle('$how: exit $code, the screen restored, a summary printed', noTmux),
    async ({ how, code, summary }) => {
      state = tempDir('wizard-exit-');
      // An endpoint nobody serves: the wizard opens at once, says it could not connect, and waits for a key.
      terminal = launch(
        ['--endpoint-url', 'http://127.0.0.1:9'],
        { columns: 80, rows: 24 },
        {
          KINESIS_TUI_STATE_DIR: state,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          ...(how === 'an uncaught error' ? { NODE_OPTIONS: `--import=${crash}` } : {}),
        },
      );
      const t = terminal;
      await t.waitFor((s) => s.includes('Could not open the target'));
      if (how === 'Ctrl-C') t.keys(['C-c']);
      else process.kill(t.pid(), how === 'SIGTERM' ? 'SIGTERM' : 'SIGUSR2');
      await t.waitFor(() => t.exited());
      expect(t.exitStatus()).toBe(code);
      const screen = t.scrollback();
      expectRestored(screen, summary);
      expect(screen).toContain(
        'The target could not be opened: cannot reach the endpoint http://127.0.0.1:9',
      );
      if (how === 'an uncaught error') {
        expect(screen).toContain(`Details: ${join(state, 'wizard.log')}`);
        expect(screen).not.toMatch(/^\s+at /m); // a message, not a stack
        expect(readFileSync(join(state, 'wizard.log'), 'utf8')).toMatch(
          /uncaught: Error: a bug nobody caught\n\s+at /,
        );
      }
    },
    120_000,
  );
});
