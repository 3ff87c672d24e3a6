import { Box, Text } from 'ink';
import type { TerminalSize } from '../hooks/use-terminal-size.js';
import { tone } from '../theme.js';

export const MIN_SIZE: TerminalSize = { columns: 80, rows: 20 };

export function isTooSmall(size: TerminalSize): boolean {
  return size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
}

/** Below the minimum the frame cannot lay out: say so in as few lines as fit. */
export function TooSmall({ size }: { size: TerminalSize }) {
  return (
    <Box flexDirection="column">
      <Text color={tone('warn')}>
        Terminal too small: {size.columns}x{size.rows}.
      </Text>
      <Text>
        kinesis-tui needs {MIN_SIZE.columns}x{MIN_SIZE.rows}; make the window bigger.
      </Text>
      <Text color={tone('muted')}>q quits. Everything keeps running meanwhile.</Text>
    </Box>
  );
}
