// The Logs view, opened from Stream and Verify with l: the transform's and Firehose's log lines as they
// come (polled while the view is open), newest at the bottom, errors marked in red, filtered by text.
// PgUp/PgDn look back; End (or new lines once back at the bottom) follows again.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { messageOf } from '../../config/errors.js';
import { type Line, Lines, plain, wrapped } from '../components/lines.js';
import { logLines } from '../components/logs.js';
import { clock, count } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { type KeyHint, typeInto } from '../keys.js';
import type { LogsController } from '../state/logs.js';
import { tone } from '../theme.js';
import type { ScreenProps } from './props.js';

export function LogsScreen({ session, width, height, onClose }: ScreenProps & { onClose: () => void }) {
  const [controller, setController] = useState<LogsController>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    let opened: LogsController | undefined;
    session.logs().then(
      (c) => {
        if (!live) return;
        opened = c;
        c.start();
        setController(c);
      },
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
      opened?.stop();
    };
  }, [session]);

  if (!controller) {
    return (
      <Closable onClose={onClose} text={error ? `The logs cannot be read: ${error}` : 'Opening the logs…'} />
    );
  }
  return <Tail controller={controller} width={width} height={height} onClose={onClose} />;
}

/** Until the logs are open, Esc still goes back. */
function Closable({ text, onClose }: { text: string; onClose: () => void }) {
  useScreenKeys(
    (_input, key) => {
      if (!key.escape) return false;
      onClose();
      return true;
    },
    [{ keys: 'Esc', does: 'back' }],
  );
  return <Text>{text}</Text>;
}

function Tail({
  controller,
  width,
  height,
  onClose,
}: {
  controller: LogsController;
  width: number;
  height: number;
  onClose: () => void;
}) {
  const view = useStore(controller.store);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  // Lines scrolled back from the newest (0: following).
  const [back, setBack] = useState(0);
  const filtering = draft !== undefined;

  const top: Line[] = [
    ...wrapped(
      `Logs of ${view.sources.map((s) => `${s.kind} ${s.group}${s.stream ? ` (${s.stream})` : ''}`).join(' · ') || 'nothing: the stack names no transform or delivery stream'}`,
      width,
      'muted',
      '  ',
    ),
    ...wrapped(
      `${count(view.lines.length)} lines · ${count(view.errors)} errors${view.filter ? ` · ${count(view.shown.length)} match "${view.filter}"` : ''}${view.updatedAt ? ` · read ${clock(view.updatedAt)}` : ' · reading…'}${back ? ` · ${count(back)} lines back (End follows)` : ''}`,
      width,
      view.errors ? 'bad' : undefined,
      '  ',
    ),
    ...(view.missing.length
      ? wrapped(`nothing logged yet in ${view.missing.join(', ')}`, width, 'muted', '  ')
      : []),
    ...(view.error
      ? wrapped(`reading the logs failed: ${view.error} (tried again)`, width, 'bad', '  ')
      : []),
    filtering ? plain(`filter: ${draft}▌`, 'accent') : plain(`filter: ${view.filter || 'none'}`, 'muted'),
  ];
  const rows = Math.max(1, height - top.length);
  const all = logLines(view.shown, width, Number.POSITIVE_INFINITY);
  const from = Math.max(0, all.length - rows - back);
  const shown = all.slice(from, from + rows);

  const hints: KeyHint[] = filtering
    ? [
        { keys: 'type', does: 'text to keep' },
        { keys: 'Enter', does: 'apply' },
        { keys: 'Esc', does: 'clear' },
      ]
    : [
        { keys: '/', does: 'filter' },
        { keys: 'PgUp/PgDn', does: 'back/forward' },
        { keys: 'End', does: 'follow' },
        { keys: 'Esc', does: 'back' },
      ];

  useScreenKeys(
    (input, key) => {
      if (filtering) {
        if (key.escape) {
          setDraft(undefined);
          controller.setFilter('');
        } else if (key.return) setDraft(undefined);
        else {
          const current = controller.store.get().filter;
          const next = typeInto(current, input, key);
          if (next !== current) {
            setDraft(next);
            controller.setFilter(next);
            setBack(0);
          }
        }
        return true;
      }
      const most = Math.max(0, all.length - rows);
      if (input === '/') setDraft(view.filter);
      else if (key.escape) onClose();
      else if (key.pageUp || key.upArrow)
        setBack((b) => Math.min(most, b + (key.pageUp ? Math.max(1, rows - 1) : 1)));
      else if (key.pageDown || key.downArrow)
        setBack((b) => Math.max(0, b - (key.pageDown ? Math.max(1, rows - 1) : 1)));
      else if (key.end) setBack(0);
      else if (key.home) setBack(most);
      else return false;
      return true;
    },
    hints,
    filtering,
  );

  return (
    <Box flexDirection="column">
      <Lines lines={top} />
      {shown.length ? (
        <Lines lines={shown} />
      ) : (
        <Text color={tone('muted')}>
          {view.filter
            ? `no line matches "${view.filter}"`
            : 'no log lines yet: the transform logs when Firehose invokes it, Firehose when delivery fails'}
        </Text>
      )}
    </Box>
  );
}
