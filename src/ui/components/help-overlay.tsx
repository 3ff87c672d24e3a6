import { Box } from 'ink';
import { GLOBAL_KEYS, type KeyHint, SCREEN_KEYS } from '../keys.js';
import { type Line, Lines, plain, wrapped } from './lines.js';
import { wrappedLines } from './wrapped.js';

/** The sections in two columns about as tall as each other at any width. */
const COLUMNS: Array<Array<[string, KeyHint[]]>> = [
  [
    ['Anywhere', GLOBAL_KEYS],
    ['Deploy', SCREEN_KEYS.deploy],
    ['Cleanup', SCREEN_KEYS.cleanup],
  ],
  [
    ['Stream', SCREEN_KEYS.stream],
    ['Verify', SCREEN_KEYS.verify],
  ],
];

/** A section as lines for a width: its title, then each key and what it does, wrapped under itself. */
function sectionLines(title: string, keys: KeyHint[], width: number): Line[] {
  const keyWidth = Math.max(...keys.map((k) => k.keys.length));
  const lines: Line[] = [plain(title, undefined, true)];
  for (const k of keys) {
    const text = wrappedLines(k.does, Math.max(8, width - keyWidth - 2));
    text.forEach((t, i) => {
      lines.push([{ text: ` ${(i === 0 ? k.keys : '').padEnd(keyWidth)} `, tone: 'accent' }, { text: t }]);
    });
  }
  return lines;
}

/**
 * Every key of the wizard, in two columns so it fits the minimum terminal size; descriptions wrap, never
 * cut. It replaces the screen's body while
 * open, so it never makes the frame taller than the terminal.
 */
export function HelpOverlay({ logPath, width }: { logPath?: string | undefined; width: number }) {
  const column = Math.floor((width - 2) / 2);
  const [left, right] = COLUMNS.map((sections) =>
    sections.flatMap(([title, keys]) => sectionLines(title, keys, column)),
  );
  return (
    <Box flexDirection="column">
      <Lines lines={[plain('Keys (Esc or ? closes)', 'accent', true)]} />
      <Box>
        <Box width={column} marginRight={2}>
          <Lines lines={left ?? []} />
        </Box>
        <Box width={column}>
          <Lines lines={right ?? []} />
        </Box>
      </Box>
      {logPath ? <Lines lines={wrapped(`Debug log: ${logPath}`, width, 'muted', '  ')} /> : null}
    </Box>
  );
}
