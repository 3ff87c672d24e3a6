import { Box, Text } from 'ink';
import { wrap } from '../format.js';
import { type Tone, tone } from '../theme.js';

/**
 * Text wrapped at spaces to `width` (never cut), at most `maxLines` lines (the last says how much is left
 * out when it must stop). `indent` starts every line after the first.
 */
export function wrappedLines(text: string, width: number, indent = '', maxLines = Number.POSITIVE_INFINITY) {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const first = wrap(paragraph, width)[0] ?? '';
    lines.push(first);
    // The rest of the paragraph, from where the first line ended (a break at a space drops that space),
    // wrapped again at the indented width.
    const rest = paragraph.slice(first.length).replace(/^ /, '');
    if (rest) lines.push(...wrap(rest, Math.max(1, width - indent.length)).map((l) => indent + l));
  }
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
