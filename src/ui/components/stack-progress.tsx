// A stack operation's live progress, CDK-style: [done/total], the phase, elapsed time, resources in
// progress, failure reasons pinned (in full, wrapped) above the latest events. Deploy and Cleanup share it.
// Every line is laid out for the width: long text wraps at spaces, and the events' resource types are left
// out when a line would not hold them.
import { Box, Text } from 'ink';
import { duration } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import type { StackProgressView } from '../state/progress.js';
import { SYMBOLS, statusTone, type Tone, tone } from '../theme.js';
import { wrappedLines } from './wrapped.js';

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
  const done = progress.outcome && progress.outcome !== 'failed';
  const mark = progress.outcome === 'failed' ? SYMBOLS.failed : done ? SYMBOLS.done : '…';
  const counter = `${mark} [${progress.done}/${progress.total || '?'}]`;
  const headline = wrappedLines(
    `${counter} ${progress.phase} · ${duration(elapsed)}${
      progress.inProgress.length ? ` · in progress: ${progress.inProgress.join(', ')}` : ''
    }`,
    width,
    '  ',
  );
  const pinned: Array<{ text: string; tone: Tone }> = [
    ...progress.notes.flatMap((note) =>
      wrappedLines(`${SYMBOLS.done} ${note}`, width, '  ').map((text) => ({ text, tone: 'ok' as Tone })),
    ),
    ...progress.failures.flatMap((f) =>
      wrappedLines(`${SYMBOLS.failed} ${f.logicalId} ${f.status}: ${f.reason ?? ''}`, width, '  ').map(
        (text) => ({ text, tone: 'bad' as Tone }),
      ),
    ),
    ...(progress.error
      ? wrappedLines(progress.error, width, '  ').map((text) => ({ text, tone: 'bad' as Tone }))
      : []),
  ];
  // A blank line above (marginTop), the headline, what is pinned, then as many of the newest events as fit.
  const room = Math.max(0, height - 1 - headline.length - pinned.length);
  const events = progress.events.slice(-room);
  const statusWidth = Math.max(0, ...events.map((e) => e.status.length));
  const idWidth = Math.max(0, ...events.map((e) => e.logicalId.length));
  const withType = events.every((e) => 9 + statusWidth + 1 + idWidth + 1 + e.type.length <= width);
  return (
    <Box flexDirection="column" marginTop={1}>
      {headline.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: wrapped lines are positional
        <Text key={`h${i}`}>
          {i === 0 ? (
            <>
              <Text bold color={tone(progress.outcome === 'failed' ? 'bad' : done ? 'ok' : 'busy')}>
                {line.slice(0, counter.length)}
              </Text>
              {line.slice(counter.length)}
            </>
          ) : (
            line
          )}
        </Text>
      ))}
      {pinned.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: wrapped lines are positional
        <Text key={`p${i}`} color={tone(line.tone)}>
          {line.text}
        </Text>
      ))}
      {events.map((e) => (
        <Text key={e.id}>
          <Text color={tone('muted')}>{e.time.toISOString().slice(11, 19)}</Text>{' '}
          <Text color={tone(statusTone(e.status))}>{e.status.padEnd(statusWidth)}</Text>{' '}
          {withType ? e.logicalId.padEnd(idWidth) : e.logicalId}
          {withType ? <Text color={tone('muted')}> {e.type}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
