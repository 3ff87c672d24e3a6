// The wizard's debug log. While the wizard owns the terminal nothing else may write to it: console output
// and anything written to stderr (SDK warnings, Node warnings) go to this file instead, and the screen
// shows the file's path in the help overlay and on a crash.
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import { makeDirs } from '../config/paths.js';

export interface DebugLog {
  readonly path: string;
  write(line: string): void;
  /** Sends console.* and process.stderr to the log; returns the function that puts them back. */
  capture(): () => void;
}

export function openDebugLog(path: string): DebugLog {
  let usable = true;
  try {
    makeDirs(dirname(path));
  } catch {
    usable = false;
  }
  const write = (line: string) => {
    if (!usable) return;
    try {
      appendFileSync(path, `${new Date().toISOString()} ${line.replace(/\n$/, '')}\n`, { mode: 0o600 });
    } catch {
      usable = false;
    }
  };
  return {
    path,
    write,
    capture() {
      const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
      const saved = methods.map((m) => [m, console[m]] as const);
      for (const m of methods) console[m] = (...args: unknown[]) => write(`console.${m}: ${format(...args)}`);
      const stderrWrite = process.stderr.write;
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        write(`stderr: ${typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')}`);
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof process.stderr.write;
      return () => {
        for (const [m, fn] of saved) console[m] = fn as never;
        process.stderr.write = stderrWrite;
      };
    },
  };
}
