import { Box, Text } from 'ink';
import type { KeyHint } from '../keys.js';
import { tone } from '../theme.js';

const join = (hints: KeyHint[]) => hints.map((h) => `${h.keys} ${h.does}`).join('  ');

/** The screen's hints that fit beside `global` in `width`. */
function fitting(screen: KeyHint[], global: KeyHint[], width: number): KeyHint[] {
  const room = width - join(global).length - 3;
  const shown: KeyHint[] = [];
  for (const hint of screen) {
    if (join([...shown, hint]).length > room) break;
    shown.push(hint);
  }
  return shown;
}

/**
 * The keys that work now: the screen's on the left, the global ones on the right. When the screen's do
 * not all fit, the step keys' hint goes first (the step bar shows the numbers); what still does not fit is
 * in the help (?).
 */
export function Footer({ screen, global, width }: { screen: KeyHint[]; global: KeyHint[]; width: number }) {
  let right = global;
  let shown = fitting(screen, right, width);
  if (shown.length < screen.length && global.length > 2) {
    right = global.slice(1);
    shown = fitting(screen, right, width);
  }
  return (
    <Box justifyContent="space-between" width={width}>
      <Text>{join(shown)}</Text>
      <Text color={tone('muted')}>{join(right)}</Text>
    </Box>
  );
}
