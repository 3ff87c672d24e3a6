// The built binary in a real terminal (a tmux session of its own, see tmux-session.ts): keys sent with
// send-keys, screens read with capture-pane, and how the program ended.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTmuxSession } from './tmux-session.js';

export interface Terminal {
  /** The screen as text. */
  screen(): string;
  /**
   * The lines scrolled off the top, then the screen: tmux 3.3 scrolls a dead pane's screen by a line (its
   * "Pane is dead" notice), so what a program left at the top is there.
   */
  scrollback(): string;
  /** Sends tmux key names ('q', 'Escape', 'C-c', 'Space') or literal text with `literal`. */
  keys(keys: string[], literal?: boolean): void;
  resize(columns: number, rows: number): void;
  /** Waits for a screen satisfying `predicate`, returning it, or fails showing the last screen. */
  waitFor(predicate: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** True once the program has exited (the pane stays, showing its last screen). */
  exited(): boolean;
  exitStatus(): number | undefined;
  /** The program's process id (the child of the shell that records its exit status). */
  pid(): number;
  close(): void;
}

export function openTerminal(
  command: string[],
  options: { columns: number; rows: number; env?: Record<string, string> },
): Terminal {
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
  const session = openTmuxSession(
    'trap : INT TERM; "$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"',
    [statusFile, ...command],
    { ...options, prefix: 'kinesis-tui-test' },
  );
  const terminal: Terminal = {
    screen: session.screen,
    scrollback: session.scrollback,
    keys: session.keys,
    resize: session.resize,
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
    pid() {
      const shell = session.tmux('display-message', '-p', '-t', session.target, '#{pane_pid}').trim();
      const children = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (children.length !== 1) throw new Error(`the terminal's shell runs ${children.length} programs`);
      return Number(children[0]);
    },
    close() {
      session.close();
      rmSync(statusDir, { recursive: true, force: true });
    },
  };
  return terminal;
}
