// A stack operation's live progress, CDK-style: [done/total], the phase, elapsed time, resources in
// progress, failure reasons pinned above the latest events, outputs at the end. Deploy and Cleanup share it.
import { Box, Text } from 'ink';
import { clip, duration } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import type { StackProgressView } from '../state/progress.js';
import { SYMBOLS, statusTone, tone } from '../theme.js';

export function StackProgressPanel({
  progress,
  width,
  height,
  running,
}: {
  progress: StackProgressView;
  width: number;
  height: number;
  running: boolean;
}) {
  const now = useNow(1000, running);
  const elapsed = (progress.finishedAt ?? now) - progress.startedAt;
  const outputs = Object.entries(progress.outputs ?? {});
  const fixed =
    3 +
    progress.notes.length +
    progress.failures.length +
    (progress.error ? 1 : 0) +
    (outputs.length ? outputs.length + 1 : 0);
  const room = Math.max(0, height - fixed);
  const events = progress.events.slice(-room);
  const done = progress.outcome && progress.outcome !== 'failed';
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold color={tone(progress.outcome === 'failed' ? 'bad' : done ? 'ok' : 'busy')}>
          {progress.outcome === 'failed' ? SYMBOLS.failed : done ? SYMBOLS.done : '…'} [{progress.done}/
          {progress.total || '?'}]
        </Text>{' '}
        {progress.phase} · {duration(elapsed)}
        {progress.inProgress.length ? (
          <Text color={tone('busy')}> · in progress: {progress.inProgress.join(', ')}</Text>
        ) : null}
      </Text>
      {progress.notes.map((note) => (
        <Text key={note} wrap="truncate">
          {SYMBOLS.done} {note}
        </Text>
      ))}
      {progress.failures.map((f) => (
        <Text key={f.id} color={tone('bad')} wrap="truncate">
          {SYMBOLS.failed} {f.logicalId} {f.status}: {f.reason}
        </Text>
      ))}
      {progress.error ? (
        <Text color={tone('bad')} wrap="wrap">
          {clip(progress.error, width * 2)}
        </Text>
      ) : null}
      {events.map((e) => (
        <Text key={e.id} wrap="truncate">
          <Text color={tone('muted')}>{e.time.toISOString().slice(11, 19)}</Text>{' '}
          <Text color={tone(statusTone(e.status))}>{e.status.padEnd(20)}</Text> {e.logicalId.padEnd(22)}{' '}
          <Text color={tone('muted')}>{e.type}</Text>
        </Text>
      ))}
      {outputs.length ? (
        <Box flexDirection="column">
          <Text bold>Outputs</Text>
          {outputs.map(([k, v]) => (
            <Text key={k} wrap="truncate">
              {'  '}
              {k.padEnd(20)} {v}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
