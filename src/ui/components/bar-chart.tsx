import { Box, Text } from 'ink';
import { cell, count } from '../format.js';
import { tone } from '../theme.js';

export interface Bar {
  label: string;
  value: number;
  /** Shown after the value, e.g. "sent 120". */
  note?: string;
  /** Marks a bar whose value is not what was expected. */
  mismatch?: boolean;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar `value / max` of `width` cells, in eighths of a cell. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0) || width <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

export function BarChart({ bars, width }: { bars: readonly Bar[]; width: number }) {
  const labelWidth = Math.max(...bars.map((b) => b.label.length), 1);
  const valueWidth = Math.max(...bars.map((b) => count(b.value).length), 1);
  const noteWidth = Math.max(0, ...bars.map((b) => (b.note ? b.note.length + 1 : 0)));
  const barWidth = Math.max(4, width - labelWidth - valueWidth - noteWidth - 4);
  const max = Math.max(0, ...bars.map((b) => b.value));
  return (
    <Box flexDirection="column">
      {bars.map((b) => (
        <Text key={b.label}>
          {cell(b.label, labelWidth)}{' '}
          <Text color={tone(b.mismatch ? 'warn' : 'accent')}>
            {cell(bar(b.value, max, barWidth), barWidth)}
          </Text>{' '}
          {cell(count(b.value), valueWidth, 'right')}
          {b.note ? <Text color={tone(b.mismatch ? 'warn' : 'muted')}> {b.note}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
