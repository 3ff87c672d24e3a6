import { Box, Text } from 'ink';
import { memo } from 'react';
import { cell, tail } from '../format.js';
import { tone } from '../theme.js';

export interface Column<Row> {
  title: string;
  /** Fixed width; the one column without one takes what is left. */
  width?: number;
  align?: 'left' | 'right';
  /** Cut long values at the start instead of the end (ids that differ at their end). */
  keepEnd?: boolean;
  value: (row: Row) => string;
}

/** Column widths for a total width: fixed ones as given, the flexible one the rest (at least 4). */
export function columnWidths(columns: ReadonlyArray<{ width?: number }>, total: number): number[] {
  const gaps = Math.max(0, columns.length - 1);
  const fixed = columns.reduce((sum, c) => sum + (c.width ?? 0), 0);
  const flexible = columns.filter((c) => c.width === undefined).length;
  const rest = Math.max(4, Math.floor((total - fixed - gaps) / Math.max(1, flexible)));
  return columns.map((c) => c.width ?? rest);
}

export interface TableProps<Row> {
  columns: ReadonlyArray<Column<Row>>;
  rows: readonly Row[];
  width: number;
  /** Rows shown at most (the header not counted). */
  maxRows: number;
  rowKey: (row: Row, index: number) => string;
  /** The selected row's index, marked with ›. */
  selected?: number;
  /** Shown when there are no rows. */
  empty?: string;
}

/**
 * A table drawn as one line of text a row. Memoized: a screen that re-renders for its counters five
 * times a second does not redraw a table whose rows did not move (give it stable columns and rowKey).
 */
export const Table = memo(TableRows) as typeof TableRows;

function TableRows<Row>({ columns, rows, width, maxRows, rowKey, selected, empty }: TableProps<Row>) {
  const marker = selected !== undefined ? 2 : 0;
  const widths = columnWidths(columns, width - marker);
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return cell(columns[i]?.keepEnd ? tail(v, w) : v, w, columns[i]?.align);
      })
      .join(' ');
  // Keep the selected row in view: scroll the window so it stays on screen.
  const shown = Math.max(0, maxRows);
  const start =
    selected !== undefined && selected >= shown ? Math.min(selected - shown + 1, rows.length - shown) : 0;
  const visible = rows.slice(start, start + shown);
  return (
    <Box flexDirection="column">
      <Text bold color={tone('muted')}>
        {' '.repeat(marker)}
        {line(columns.map((c) => c.title))}
      </Text>
      {visible.length === 0 && empty ? <Text color={tone('muted')}>{empty}</Text> : null}
      {visible.map((row, i) => {
        const index = start + i;
        const isSelected = selected === index;
        return (
          <Text key={rowKey(row, index)} {...(isSelected ? { color: tone('accent'), bold: true } : {})}>
            {marker ? (isSelected ? '› ' : '  ') : ''}
            {line(columns.map((c) => c.value(row)))}
          </Text>
        );
      })}
    </Box>
  );
}
