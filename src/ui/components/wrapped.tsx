import { Box, Text } from 'ink';
import { wrap } from '../format.js';
import { type Tone, tone } from '../theme.js';

/**
 * Text wrapped at spaces to `width` (never cut), at most `maxLines` lines (the last says how much is left
 * out when it must stop). `indent` starts every line after the first.
 */
export function wrappedLines(text: string, width: number, indent = '', maxLines = Number.POSITIVE_INFINITY) {
  const first = wrap(text, width);
  // Lines after the first are indented: wrap them again at the narrower width.
  const lines =
    indent && first.length > 1
      ? [first[0] ?? '', ...wrap(first.slice(1).join(' '), width - indent.length).map((l) => indent + l)]
      : first;
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  kept[kept.length - 1] = `${indent}(${lines.length - kept.length + 1} more lines)`;
  return kept;
}

export function Wrapped({
  text,
  width,
  indent = '',
  maxLines,
  color,
  bold,
}: {
  text: string;
  width: number;
  indent?: string;
  maxLines?: number;
  color?: Tone;
  bold?: boolean;
}) {
  return (
    <Box flexDirection="column">
      {wrappedLines(text, width, indent, maxLines).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: wrapped lines are positional
        <Text key={i} bold={bold ?? false} {...(color ? { color: tone(color) } : {})}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
