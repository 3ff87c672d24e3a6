// Ink 6 has no useWindowSize: the terminal's size from Ink's stdout, kept current on 'resize'.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** What we assume when the stream does not say (piped output, test doubles). */
export const FALLBACK_SIZE: TerminalSize = { columns: 80, rows: 24 };

export function sizeOf(stream: { columns?: number; rows?: number }): TerminalSize {
  return {
    columns: stream.columns && stream.columns > 0 ? stream.columns : FALLBACK_SIZE.columns,
    rows: stream.rows && stream.rows > 0 ? stream.rows : FALLBACK_SIZE.rows,
  };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () =>
      setSize((previous) => {
        const next = sizeOf(stdout);
        return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
      });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
