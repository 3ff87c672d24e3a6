import { Box, Text } from 'ink';
import { GLOBAL_KEYS, type KeyHint, SCREEN_KEYS } from '../keys.js';
import { tone } from '../theme.js';

function Section({ title, keys, keyWidth }: { title: string; keys: KeyHint[]; keyWidth: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {keys.map((k) => (
        <Text key={k.keys} wrap="truncate">
          {' '}
          <Text color={tone('accent')}>{k.keys.padEnd(keyWidth)}</Text> {k.does}
        </Text>
      ))}
    </Box>
  );
}

/**
 * Every key of the wizard, in two columns so it fits the minimum terminal size. It replaces the screen's
 * body while open, so it never makes the frame taller than the terminal.
 */
export function HelpOverlay({ logPath, width }: { logPath?: string | undefined; width: number }) {
  const all = [GLOBAL_KEYS, ...Object.values(SCREEN_KEYS)].flat();
  const keyWidth = Math.max(...all.map((k) => k.keys.length));
  const column = Math.floor(width / 2);
  return (
    <Box flexDirection="column">
      <Text bold color={tone('accent')}>
        Keys (Esc or ? closes)
      </Text>
      <Box>
        <Box flexDirection="column" width={column}>
          <Section title="Anywhere" keys={GLOBAL_KEYS} keyWidth={keyWidth} />
          <Section title="Deploy" keys={SCREEN_KEYS.deploy} keyWidth={keyWidth} />
          <Section title="Cleanup" keys={SCREEN_KEYS.cleanup} keyWidth={keyWidth} />
        </Box>
        <Box flexDirection="column" width={width - column}>
          <Section title="Stream" keys={SCREEN_KEYS.stream} keyWidth={keyWidth} />
          <Section title="Verify" keys={SCREEN_KEYS.verify} keyWidth={keyWidth} />
        </Box>
      </Box>
      {logPath ? <Text color={tone('muted')}>Debug log: {logPath}</Text> : null}
    </Box>
  );
}
