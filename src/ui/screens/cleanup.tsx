// Cleanup: empty the bucket and delete the stack.
import { Box } from 'ink';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { ScreenProps } from './props.js';
import { Unavailable } from './unavailable.js';

export function CleanupScreen({ session }: ScreenProps) {
  const state = useStore(session.store);
  useScreenKeys(() => false, []);
  return (
    <Box flexDirection="column">
      <Unavailable
        what="Tearing down"
        why={state.unavailable.cleanup ?? 'the engine cannot delete the stack yet'}
      />
    </Box>
  );
}
