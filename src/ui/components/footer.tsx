import { Box, Text } from 'ink';
import type { KeyHint } from '../keys.js';
import { tone } from '../theme.js';

const join = (hints: KeyHint[]) => hints.map((h) => `${h.keys} ${h.does}`).join('  ');

/** The keys that work now: the screen's on the left (as many as fit), the global ones on the right. */
export function Footer({ screen, global, width }: { screen: KeyHint[]; global: KeyHint[]; width: number }) {
  const right = join(global);
  const room = width - right.length - 3;
  const shown: KeyHint[] = [];
  for (const hint of screen) {
    if (join([...shown, hint]).length > room) break;
    shown.push(hint);
  }
  return (
    <Box justifyContent="space-between" width={width}>
      <Text>{join(shown)}</Text>
      <Text color={tone('muted')}>{right}</Text>
    </Box>
  );
}
