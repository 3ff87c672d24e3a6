// Why events are missing or failed, as the diagnosis found it, laid out as lines for a width: the first
// (most specific) cause with what shows it and what to do, wrapped; the others by their title.
import type { Cause } from '../../pipeline/diagnosis/causes.js';
import { clip } from '../format.js';
import { type Line, plain, wrapped } from './lines.js';

/** At most `rows` lines (the last then says where the rest is). */
export function diagnosisLines(causes: readonly Cause[], width: number, rows: number): Line[] {
  const [first, ...rest] = causes;
  if (!first || rows <= 0) return [];
  const lines: Line[] = [
    ...wrapped(`Why: ${first.title}`, width, first.id === 'buffering' ? 'warn' : 'bad', '     '),
    ...first.evidence.flatMap((seen) => wrapped(`  seen: ${seen}`, width, 'muted', '        ')),
    ...wrapped(`  fix:  ${first.fix}`, width, 'ok', '        '),
    ...rest.map((cause) => plain(clip(`also: ${cause.title}`, width), 'warn')),
  ];
  if (lines.length <= rows) return lines;
  return [
    ...lines.slice(0, Math.max(0, rows - 1)),
    plain(clip('… (kinesis-tui verify prints it all)', width), 'muted'),
  ];
}
