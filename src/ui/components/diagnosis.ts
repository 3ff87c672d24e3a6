// Why events are missing or failed, as the diagnosis found it, laid out as lines for a width: the first
// (most specific) cause with what shows it and what to do, wrapped; the others by their title. When the
// room is short the evidence gives way first: what is wrong and what to do are what a user needs.
import type { Cause } from '../../pipeline/diagnosis/causes.js';
import { clip } from '../format.js';
import { type Line, plain, wrapped } from './lines.js';

const MORE = '… (kinesis-tui verify prints it all)';

/** At most `rows` lines (a line then says where the rest is). */
export function diagnosisLines(causes: readonly Cause[], width: number, rows: number): Line[] {
  const [first, ...rest] = causes;
  if (!first || rows <= 0) return [];
  const title = wrapped(`Why: ${first.title}`, width, first.id === 'buffering' ? 'warn' : 'bad', '     ');
  const evidence = first.evidence.flatMap((seen) => wrapped(`  seen: ${seen}`, width, 'muted', '        '));
  const fix = wrapped(`  fix:  ${first.fix}`, width, 'ok', '        ');
  const also = rest.map((cause) => plain(clip(`also: ${cause.title}`, width), 'warn'));
  const all = [...title, ...evidence, ...fix, ...also];
  if (all.length <= rows) return all;
  const more = plain(clip(MORE, width), 'muted');
  // Title and fix first; the evidence what room is left (with the line saying where the rest is).
  const room = rows - title.length - fix.length - 1;
  if (room >= 0) return [...title, ...evidence.slice(0, room), ...fix, more];
  return [...[...title, ...fix].slice(0, Math.max(0, rows - 1)), more];
}
