// Deploy: the template's resources and parameters, the stack's state.
import { Box, Text } from 'ink';
import { clip } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { statusTone, tone } from '../theme.js';
import type { ScreenProps } from './props.js';
import { Unavailable } from './unavailable.js';

export function DeployScreen({ session, width, height }: ScreenProps) {
  const state = useStore(session.store);
  useScreenKeys(() => false, []);
  const template = session.template;
  const resources = template?.resources ?? [];
  const parameters = Object.entries(template?.parameters ?? {});
  const why = state.unavailable.deploy;
  const room = Math.max(0, height - 4 - (why ? 2 : 0));
  return (
    <Box flexDirection="column">
      <Text>
        Stack <Text bold>{state.stackName}</Text>:{' '}
        <Text color={tone(state.stack ? statusTone(state.stack.status) : 'muted')}>
          {state.stack === null ? 'not deployed' : (state.stack?.status ?? 'unknown')}
        </Text>
        {state.stack?.reason ? ` (${state.stack.reason})` : ''}
      </Text>
      {why ? <Unavailable what="Deploying" why={why} /> : null}
      <Box marginTop={1}>
        <Box flexDirection="column" width={Math.floor(width / 2)}>
          <Text bold>Resources ({resources.length})</Text>
          {resources.slice(0, room).map((r) => (
            <Text key={r.id}>{clip(`${r.id.padEnd(22)} ${r.type}`, Math.floor(width / 2) - 1)}</Text>
          ))}
        </Box>
        <Box flexDirection="column">
          <Text bold>Parameters ({parameters.length})</Text>
          {parameters.slice(0, room).map(([key, p]) => (
            <Text key={key}>{clip(`${key} = ${String(p.Default ?? '')}`, Math.floor(width / 2) - 1)}</Text>
          ))}
        </Box>
      </Box>
    </Box>
  );
}
