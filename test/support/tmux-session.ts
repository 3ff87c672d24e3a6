// A tmux server of its own per session (so nothing ever touches a user's tmux), one window of a given size
// running a shell script, kept on screen after the program exits. The tests' Terminal (tmux.ts) and the
// benchmarks' BenchTerminal (bench/support/terminal.ts) are built on it; each brings its own script.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export interface TmuxSession {
  /** Runs a tmux command against this session's server. */
  tmux(...args: string[]): string;
  /** The arguments that reach this session's server, for a tmux process of one's own (a control client). */
  readonly server: string[];
  /** The session's name, for `-t`. */
  readonly target: string;
  /** The screen as text. */
  screen(): string;
  /** The lines scrolled off the top, then the screen. */
  scrollback(): string;
  /** Sends tmux key names ('q', 'Escape', 'C-c', 'Space') or literal text with `literal`. */
  keys(keys: string[], literal?: boolean): void;
  resize(columns: number, rows: number): void;
  /** Stops the server and what runs in it. */
  close(): void;
}

export interface TmuxSessionOptions {
  columns: number;
  rows: number;
  /** Variables for the script, on top of the environment this process has. */
  env?: Record<string, string>;
  /** Names the server's socket: `<prefix>-<random>`. */
  prefix: string;
}

/**
 * Starts `sh -c script ...args` in a new session. CI is unset (with it the wizard refuses to start) and TERM
 * is a colour terminal, as a user's would be.
 */
export function openTmuxSession(script: string, args: string[], options: TmuxSessionOptions): TmuxSession {
  const server = ['-L', `${options.prefix}-${randomUUID().slice(0, 8)}`, '-f', '/dev/null'];
  const target = 'w';
  const tmux = (...tmuxArgs: string[]) =>
    execFileSync('tmux', [...server, ...tmuxArgs], { encoding: 'utf8' });
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  tmux(
    'new-session',
    '-d',
    '-s',
    target,
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
    script,
    ...args,
  );
  tmux('set-option', '-t', target, 'remain-on-exit', 'on');
  return {
    tmux,
    server,
    target,
    screen: () => tmux('capture-pane', '-p', '-t', target),
    scrollback: () => tmux('capture-pane', '-p', '-S', '-', '-t', target),
    keys(keys, literal = false) {
      tmux('send-keys', '-t', target, ...(literal ? ['-l'] : []), ...keys);
    },
    resize(columns, rows) {
      tmux('resize-window', '-t', target, '-x', String(columns), '-y', String(rows));
    },
    close() {
      try {
        execFileSync('tmux', [...server, 'kill-server'], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  };
}
