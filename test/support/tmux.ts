// The built binary in a real terminal: a tmux server of its own (so tests never touch a user's tmux),
// keys sent with send-keys, screens read with capture-pane.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Terminal {
  /** The screen as text. */
  screen(): string;
  /** Sends tmux key names ('q', 'Escape', 'C-c', 'Space') or literal text with `literal`. */
  keys(keys: string[], literal?: boolean): void;
  resize(columns: number, rows: number): void;
  /** Waits for a screen satisfying `predicate`, returning it, or fails showing the last screen. */
  waitFor(predicate: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** True once the program has exited (the pane stays, showing its last screen). */
  exited(): boolean;
  exitStatus(): number | undefined;
  close(): void;
}

export function openTerminal(
  command: string[],
  options: { columns: number; rows: number; env?: Record<string, string> },
): Terminal {
  const socket = `kinesis-tui-test-${randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  // tmux 3.3a (Debian's) marks the pane dead but leaves #{pane_dead_status} empty, so the program's exit
  // status is recorded by a shell around it. The shell catches INT and TERM (a caught signal is reset to its
  // default in the child, unlike an ignored one) so a Ctrl-C reaches only the program, and it can still
  // write how the program ended: its code, or 128 + the signal that killed it.
  const statusDir = mkdtempSync(join(tmpdir(), 'kinesis-tui-tmux-'));
  const statusFile = join(statusDir, 'status');
  const exitStatus = (): number | undefined => {
    try {
      const text = readFileSync(statusFile, 'utf8').trim();
      return text === '' ? undefined : Number(text);
    } catch {
      return undefined;
    }
  };
  tmux(
    'new-session',
    '-d',
    '-s',
    'w',
    '-x',
    String(options.columns),
    '-y',
    String(options.rows),
    'env',
    '-u',
    'CI',
    'TERM=xterm-256color',
    ...env,
    'sh',
    '-c',
    'trap : INT TERM; "$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"',
    statusFile,
    ...command,
  );
  tmux('set-option', '-t', 'w', 'remain-on-exit', 'on');
  const terminal: Terminal = {
    screen: () => tmux('capture-pane', '-p', '-t', 'w'),
    keys(keys, literal = false) {
      tmux('send-keys', '-t', 'w', ...(literal ? ['-l'] : []), ...keys);
    },
    resize(columns, rows) {
      tmux('resize-window', '-t', 'w', '-x', String(columns), '-y', String(rows));
    },
    async waitFor(predicate, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (true) {
        const screen = terminal.screen();
        if (predicate(screen)) return screen;
        if (Date.now() > until)
          throw new Error(`no screen matched within ${timeoutMs} ms; the last one:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    exited: () => exitStatus() !== undefined,
    exitStatus,
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(statusDir, { recursive: true, force: true });
    },
  };
  return terminal;
}
