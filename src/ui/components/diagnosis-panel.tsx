// Why events are missing or failed, as verify's diagnosis found it: each cause in plain words, what shows
// it, and what to do; the first (most specific) one in full, the rest by title when space is short.
import { Box, Text } from 'ink';
import type { Cause } from '../../pipeline/diagnosis/causes.js';
import { clip } from '../format.js';
import { tone } from '../theme.js';

export interface DiagnosisPanelProps {
  causes: readonly Cause[];
  width: number;
  /** Lines it may take. */
  height: number;
}

/** Text broken into lines of at most `width` characters at spaces (a word longer than that is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!line) line = clip(word, width);
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = clip(word, width);
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function DiagnosisPanel({ causes, width, height }: DiagnosisPanelProps) {
  if (causes.length === 0) return null;
  const [first, ...rest] = causes;
  if (!first) return null;
  const inner = Math.max(20, width - 8);
  const lines: Array<{ key: string; text: string; tone?: 'bad' | 'warn' | 'muted' | 'ok' }> = [];
  const add = (text: string, lineTone?: 'bad' | 'warn' | 'muted' | 'ok') =>
    lines.push({ key: `line-${lines.length}`, text, ...(lineTone ? { tone: lineTone } : {}) });
  const severe = first.id !== 'buffering';
  add(`Why: ${first.title}`, severe ? 'bad' : 'warn');
  for (const seen of first.evidence)
    for (const [i, l] of wrap(seen, inner).entries()) add(`${i ? '        ' : '  seen: '}${l}`, 'muted');
  for (const [i, l] of wrap(first.fix, inner).entries()) add(`${i ? '        ' : '  fix:  '}${l}`, 'ok');
  for (const cause of rest) add(`also: ${clip(cause.title, width - 6)}`, 'warn');
  const shown =
    lines.length > height
      ? [
          ...lines.slice(0, Math.max(1, height - 1)),
          { key: 'more', text: '… (kinesis-tui verify prints it all)', tone: 'muted' as const },
        ]
      : lines;
  return (
    <Box flexDirection="column">
      {shown.map((line) => (
        <Text key={line.key} color={line.tone ? tone(line.tone) : undefined}>
          {clip(line.text, width)}
        </Text>
      ))}
    </Box>
  );
}
