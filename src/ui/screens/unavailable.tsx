import { Box, Text } from 'ink';
import { SYMBOLS, tone } from '../theme.js';

/** A step this build cannot do on this target, saying why and what works instead. */
export function Unavailable({ what, why }: { what: string; why: string }) {
  return (
    <Box flexDirection="column">
      <Text color={tone('warn')}>
        {SYMBOLS.warn} {what} is not available here: {why}
      </Text>
    </Box>
  );
}
