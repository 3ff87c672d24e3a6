// The pipeline's logs, newest at the bottom: time, which log (transform or Firehose), the line; errors
// marked with ! and in red. Lines are cut to the width, not wrapped, so the view keeps its height.
import { Box, Text } from 'ink';
import type { LogLine } from '../../pipeline/logs.js';
import { clip, clock } from '../format.js';
import { SYMBOLS, tone } from '../theme.js';

export interface LogViewProps {
  lines: readonly LogLine[];
  width: number;
  /** Lines it may take; the newest that fit are shown. */
  height: number;
}

const LABEL = { transform: 'transform', firehose: 'firehose ' } as const;

export function LogView({ lines, width, height }: LogViewProps) {
  // A multi-line message (a Python traceback) is shown by its lines, each as a line of the view.
  const rows = lines.flatMap((line) =>
    line.message.split('\n').map((text, i) => ({
      text:
        i === 0
          ? `${clock(line.time)} ${LABEL[line.kind]} ${line.error ? SYMBOLS.warn : ' '} ${text}`
          : `${' '.repeat(21)}${text}`,
      error: line.error,
      key: `${line.id}/${i}`,
    })),
  );
  const shown = rows.slice(-Math.max(1, height));
  return (
    <Box flexDirection="column">
      {shown.map((row) => (
        <Text key={row.key} color={row.error ? tone('bad') : undefined}>
          {clip(row.text.replace(/\t/g, ' '), width)}
        </Text>
      ))}
    </Box>
  );
}
