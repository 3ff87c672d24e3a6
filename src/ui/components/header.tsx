import { Box, Text } from 'ink';
import type { SessionState } from '../state/session.js';
import { statusTone, tone } from '../theme.js';

/** Where we are, in words: "local cloud 127.0.0.1:4566", "AWS 123456789012 (profile dev)", "endpoint URL". */
export function targetLabel(state: SessionState): string {
  const t = state.target;
  if (!t) return state.connection === 'failed' ? 'no target' : 'starting…';
  if (t.kind === 'local') return `local cloud ${t.endpoint?.replace(/^https?:\/\//, '') ?? ''}`.trim();
  if (t.kind === 'aws') return `AWS ${t.identity.account}${t.profile ? ` (profile ${t.profile})` : ''}`;
  return `endpoint ${t.endpoint ?? ''} · account ${t.identity.account}`;
}

export function stackLabel(state: SessionState): string {
  if (state.stack === null) return 'not deployed';
  if (state.stack === undefined) return state.connection === 'ready' ? 'unknown' : '…';
  return state.stack.status;
}

export function Header({ state }: { state: SessionState }) {
  const status = stackLabel(state);
  return (
    <Box>
      <Text bold color={tone('accent')}>
        kinesis-tui
      </Text>
      <Text>
        {'  '}
        {targetLabel(state)}
        {state.target ? ` · ${state.target.region}` : ''}
        {' · stack '}
        {state.stackName}{' '}
      </Text>
      <Text color={tone(state.stack ? statusTone(state.stack.status) : 'muted')}>{status}</Text>
    </Box>
  );
}
