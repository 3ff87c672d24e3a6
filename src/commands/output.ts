// What commands print: readable lines for people, or with --json one JSON object a line (NDJSON) with a
// `type`, for scripts. Errors go to stderr as a line (`kinesis-tui <command>: <message>`, the one form
// every error takes), or to stdout as a `{"type":"error"}` object. With --json every command's last line
// is `{"type":"result","ok":..,"exitCode":..}` (and what the command concluded), whatever happened.

export interface Output {
  readonly json: boolean;
  /** A fact: an object for scripts, and `text` (if any) for people. */
  event(type: string, data: Record<string, unknown>, text?: string | string[]): void;
  /** A line for people only. */
  info(text: string): void;
  error(message: string, exitCode: number): void;
  /** Facts for the closing `result` line (--json), such as verify's outcome. */
  conclude(data: Record<string, unknown>): void;
  /** The closing line (--json only): how it ended. Written once, last. */
  result(exitCode: number): void;
}

export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export function createOutput(command: string, json: boolean, streams: Streams = process): Output {
  let concluded: Record<string, unknown> = {};
  let ended = false;
  return {
    json,
    event(type, data, text) {
      if (json) streams.stdout.write(`${JSON.stringify({ type, ...data })}\n`);
      else if (text !== undefined) {
        for (const line of Array.isArray(text) ? text : [text]) streams.stdout.write(`${line}\n`);
      }
    },
    info(text) {
      if (!json) streams.stdout.write(`${text}\n`);
    },
    error(message, exitCode) {
      if (json) streams.stdout.write(`${JSON.stringify({ type: 'error', message, exitCode })}\n`);
      else streams.stderr.write(`kinesis-tui ${command}: ${message}\n`);
    },
    conclude(data) {
      concluded = { ...concluded, ...data };
    },
    result(exitCode) {
      if (!json || ended) return;
      ended = true;
      streams.stdout.write(
        `${JSON.stringify({ type: 'result', ok: exitCode === 0, exitCode, ...concluded })}\n`,
      );
    },
  };
}

/** 1234567 -> "1,234,567". */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as "850 ms", "12.3 s", "2 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "1 object", "2,000 objects". */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}
