// What to write to a full-screen terminal to turn one frame into the next: only the lines that changed,
// each addressed by its row (so nothing drifts when a character's width is not what we measured), and
// nothing at all when nothing changed. Pure: the screen (screen.ts) writes what this returns.

const ESC = '\u001B[';
/** Moves to a row (1-based), first column. */
const row = (n: number) => `${ESC}${n};1H`;
/** Erases the whole line. Before the text, not after: after a line as wide as the terminal, an erase
 * "to the end of the line" would take the last character with it. */
const ERASE_LINE = `${ESC}2K`;
const CLEAR_SCREEN = `${ESC}H${ESC}2J`;

/** A frame as lines, at most `rows` of them (a frame taller than the screen is cut, never scrolled). */
export function frameLines(frame: string, rows: number): string[] {
  return frame.split('\n').slice(0, Math.max(0, rows));
}

/**
 * The bytes that turn `previous` into `next` on screen; '' when they are the same. Without a previous
 * frame (the first, or after a resize, when the terminal may have moved things) the screen is cleared and
 * every line written.
 */
export function frameUpdate(previous: readonly string[] | undefined, next: readonly string[]): string {
  const out: string[] = [];
  if (!previous) {
    out.push(CLEAR_SCREEN);
    next.forEach((line, i) => {
      if (line !== '') out.push(row(i + 1), line);
    });
    return out.join('');
  }
  const rows = Math.max(previous.length, next.length);
  for (let i = 0; i < rows; i++) {
    const line = next[i] ?? '';
    if (line === (previous[i] ?? '')) continue;
    out.push(row(i + 1), ERASE_LINE, line);
  }
  return out.join('');
}
