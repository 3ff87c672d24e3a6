// Verify: what reached the bucket, reconciled with what was sent.
import { Box } from 'ink';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { ScreenProps } from './props.js';
import { Unavailable } from './unavailable.js';

export function VerifyScreen({ session }: ScreenProps) {
  const state = useStore(session.store);
  useScreenKeys(() => false, []);
  return (
    <Box flexDirection="column">
      <Unavailable
        what="Verifying"
        why={state.unavailable.verify ?? 'the engine does not read the bucket yet'}
      />
    </Box>
  );
}
