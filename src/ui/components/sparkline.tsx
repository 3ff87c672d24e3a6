import { Text } from 'ink';
import { tone } from '../theme.js';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The last `width` values as bars scaled to the largest of them; zero is a blank. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(0, width));
  const max = Math.max(0, ...shown);
  const bars = shown.map((v) => {
    if (!(v > 0) || max === 0) return ' ';
    const index = Math.min(BARS.length - 1, Math.max(0, Math.ceil((v / max) * BARS.length) - 1));
    return BARS[index];
  });
  return bars.join('').padStart(width, ' ');
}

export function Sparkline({ values, width }: { values: readonly number[]; width: number }) {
  return <Text color={tone('accent')}>{sparkline(values, width)}</Text>;
}
