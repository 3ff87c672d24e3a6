// Screens laid out as lines: each screen works out the lines it shows for its width (wrapping text at
// spaces, never cutting it) so it knows their count and can fit them to its height; this draws them.
import { Box, Text } from 'ink';
import { type Tone, tone } from '../theme.js';
import { wrappedLines } from './wrapped.js';

/** One line of a screen: pieces of text, each in a tone. */
export type Line = Array<{ text: string; tone?: Tone; bold?: boolean }>;

export const plain = (text: string, t?: Tone, bold?: boolean): Line => [
  { text, ...(t ? { tone: t } : {}), ...(bold ? { bold } : {}) },
];

/** Text wrapped to `width` as lines in one tone; lines after the first start with `indent`. */
export const wrapped = (text: string, width: number, t?: Tone, indent = ''): Line[] =>
  wrappedLines(text, width, indent).map((l) => plain(l, t));

/** The text of a line. */
export const lineText = (line: Line): string => line.map((p) => p.text).join('');

/** The window of `lines` that fits `rows`, keeping line `at` in view (centred when it can be). */
export function windowed(lines: Line[], rows: number, at: number): Line[] {
  if (lines.length <= rows) return lines;
  const start = Math.min(Math.max(0, at - Math.floor(rows / 2)), lines.length - rows);
  return lines.slice(start, start + rows);
}

export function Lines({ lines }: { lines: Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // Truncated, never wrapped: lines are laid out for the width already, and one that is not (a bug)
        // must not push the rest of the frame down.
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={i} wrap="truncate-end">
          {line.map((part, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional
            <Text key={j} bold={part.bold ?? false} {...(part.tone ? { color: tone(part.tone) } : {})}>
              {part.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
