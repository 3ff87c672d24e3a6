// The pipeline's logs laid out as lines for a width: time, which log, the line (a multi-line message, such
// as a Python traceback, a line each), wrapped under itself rather than cut; errors marked and in red. A
// Firehose error record (one JSON object a line, its code deep inside) shows as its code and message first.
// The newest that fit, at the bottom.
import type { LogLine } from '../../pipeline/logs.js';
import { clock } from '../format.js';
import { SYMBOLS } from '../theme.js';
import { type Line, plain } from './lines.js';
import { wrappedLines } from './wrapped.js';

const LABEL = { transform: 'transform', firehose: 'firehose ' } as const;
const INDENT = ' '.repeat(21);

/** Firehose's `{"errorCode": ..., "message": ...}` as `code: message`; any other text as it is. */
export function readableMessage(line: Pick<LogLine, 'kind' | 'message'>): string {
  if (line.kind !== 'firehose' || !line.message.startsWith('{')) return line.message;
  try {
    const record = JSON.parse(line.message) as Record<string, unknown>;
    const code = typeof record.errorCode === 'string' ? record.errorCode : undefined;
    const message = record.message ?? record.errorMessage;
    if (!code) return line.message;
    return typeof message === 'string' ? `${code}: ${message}` : code;
  } catch {
    return line.message;
  }
}

export function logLines(lines: readonly LogLine[], width: number, rows: number): Line[] {
  const all = lines.flatMap((line) =>
    readableMessage(line)
      .replace(/\t/g, ' ')
      .split('\n')
      .flatMap((text, i) =>
        wrappedLines(
          i === 0
            ? `${clock(line.time)} ${LABEL[line.kind]} ${line.error ? SYMBOLS.warn : ' '} ${text}`
            : INDENT + text,
          width,
          INDENT,
        ),
      )
      .map((text) => plain(text, line.error ? 'bad' : undefined)),
  );
  return all.slice(-Math.max(0, rows));
}
