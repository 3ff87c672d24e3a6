// The pipeline's logs laid out as lines for a width: time, which log, the line (a multi-line message, such
// as a Python traceback, a line each); errors marked and in red. The newest that fit, at the bottom.
import type { LogLine } from '../../pipeline/logs.js';
import { clip, clock } from '../format.js';
import { SYMBOLS } from '../theme.js';
import { type Line, plain } from './lines.js';

const LABEL = { transform: 'transform', firehose: 'firehose ' } as const;
const INDENT = ' '.repeat(21);

export function logLines(lines: readonly LogLine[], width: number, rows: number): Line[] {
  const all = lines.flatMap((line) =>
    line.message
      .split('\n')
      .map((text, i) =>
        plain(
          clip(
            (i === 0
              ? `${clock(line.time)} ${LABEL[line.kind]} ${line.error ? SYMBOLS.warn : ' '} ${text}`
              : INDENT + text
            ).replace(/\t/g, ' '),
            width,
          ),
          line.error ? 'bad' : undefined,
        ),
      ),
  );
  return all.slice(-Math.max(0, rows));
}
