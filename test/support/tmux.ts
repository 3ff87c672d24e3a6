// The built binary in a real terminal: a tmux server of its own (so tests never touch a user's tmux),
// keys sent with send-keys, screens read with capture-pane.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

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
    // tmux marks the pane dead when the terminal closes, a moment before it has reaped the process and
    // knows how it ended: exited only once the exit status (or the killing signal) is known.
    exited: () =>
      /^1:.+/.test(
        tmux(
          'display-message',
          '-p',
          '-t',
          'w',
          '#{pane_dead}:#{pane_dead_status}#{pane_dead_signal}',
        ).trim(),
      ),
    exitStatus() {
      const [status = '', signal = ''] = tmux(
        'display-message',
        '-p',
        '-t',
        'w',
        '#{pane_dead_status}:#{pane_dead_signal}',
      )
        .trim()
        .split(':');
      if (status !== '') return Number(status);
      // Killed by a signal: the shell's convention, so a test failure says which.
      return signal === '' ? undefined : 128 + Number(signal);
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return terminal;
}
