// The built binary in a real pseudo-terminal: a tmux session of its own (test/support/tmux-session.ts,
// shared with the tests), with a control-mode client attached so the program's output arrives as it is
// written (`%output` lines), timed to the millisecond without polling the screen. The command waits for a
// key before it starts, so the launch is timed from the moment we press it.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { openTmuxSession } from '../../test/support/tmux-session.js';

export interface BenchTerminal {
  /** Starts the command (it waits on a `read` until now); returns the time it was started. */
  launch(): number;
  /** The program's process id (the pane's process, which execs the command). */
  pid(): number;
  /** Resolves with the time (performance.now()) the output seen since launch first contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<number>;
  keys(keys: string[], literal?: boolean): void;
  screen(): string;
  /** Bytes the program wrote since launch. */
  outputBytes(): number;
  /** True once the program has exited (the pane stays, showing what the terminal last showed). */
  exited(): boolean;
  close(): void;
}

/** Control mode escapes bytes below 32 and the backslash as \ooo. */
export function decodeControlOutput(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function tmuxAvailable(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed (apt-get install tmux)';
  }
}

export function openBenchTerminal(
  command: string[],
  options: { columns: number; rows: number; env?: Record<string, string> },
): BenchTerminal {
  const quoted = command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  // exec: the pane's process is the program, so its pid is the one to measure.
  const session = openTmuxSession(`read go; exec ${quoted}`, [], { ...options, prefix: 'kinesis-tui-bench' });
  const control: ChildProcessWithoutNullStreams = spawn(
    'tmux',
    [...session.server, '-C', 'attach', '-t', session.target],
    { stdio: 'pipe' },
  );
  let launched = false;
  let window = '';
  let bytes = 0;
  let waiter: { test(text: string): boolean; resolve(time: number): void } | undefined;
  let partial = '';
  control.stdout.setEncoding('utf8');
  control.stdout.on('data', (chunk: string) => {
    const now = performance.now();
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!launched || !line.startsWith('%output ')) continue;
      const text = decodeControlOutput(line.slice(line.indexOf(' ', 8) + 1));
      bytes += Buffer.byteLength(text);
      // A rolling window: enough to find a frame's text, bounded however long the program runs.
      window = (window + text).slice(-64 * 1024);
      if (waiter?.test(window)) {
        const w = waiter;
        waiter = undefined;
        w.resolve(now);
      }
    }
  });
  const terminal: BenchTerminal = {
    launch() {
      launched = true;
      const at = performance.now();
      session.keys(['Enter']);
      return at;
    },
    pid: () => Number(session.tmux('display-message', '-p', '-t', session.target, '#{pane_pid}').trim()),
    waitForOutput(text, timeoutMs = 60_000) {
      const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
      if (test(window)) return Promise.resolve(performance.now());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(
            new Error(
              `the program wrote no "${text}" within ${timeoutMs / 1000} s; screen:\n${terminal.screen()}`,
            ),
          );
        }, timeoutMs);
        waiter = {
          test,
          resolve: (time) => {
            clearTimeout(timer);
            resolve(time);
          },
        };
      });
    },
    keys: session.keys,
    screen: session.screen,
    outputBytes: () => bytes,
    exited: () => session.tmux('display-message', '-p', '-t', session.target, '#{pane_dead}').trim() === '1',
    close() {
      control.kill();
      session.close();
    },
  };
  return terminal;
}
