// Stream: the live table of sent events (newest on top), the producer's counters and a rate sparkline.
// Everything here is read from the StreamController's store, which publishes a few times a second.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { messageOf } from '../../config/errors.js';
import { Sparkline } from '../components/sparkline.js';
import { type Column, Table } from '../components/table.js';
import { clock, count, rate, tail } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { type KeyHint, typeInto } from '../keys.js';
import { DEFAULT_RATE, type StreamController, type StreamRow } from '../state/stream.js';
import { SYMBOLS, tone } from '../theme.js';
import type { ScreenProps } from './props.js';

const COLUMNS: ReadonlyArray<Column<StreamRow>> = [
  { title: 'time', width: 8, value: (r) => clock(r.time) },
  { title: 'action', width: 11, value: (r) => r.action },
  { title: 'user', width: 9, value: (r) => r.user },
  { title: 'item', width: 4, align: 'right', value: (r) => (r.item === null ? '-' : String(r.item)) },
  { title: 'price', width: 7, align: 'right', value: (r) => (r.price === null ? '-' : r.price.toFixed(2)) },
  { title: 'shard', width: 20, value: (r) => r.shard },
  { title: 'sequence', keepEnd: true, value: (r) => r.sequence },
];

export function StreamScreen({ session, width, height }: ScreenProps) {
  const [controller, setController] = useState<StreamController | undefined>(session.stream);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (controller) return;
    let live = true;
    session.openStream(DEFAULT_RATE).then(
      (c) => live && setController(c),
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [session, controller]);

  if (error) {
    return (
      <Box flexDirection="column">
        <Text color={tone('bad')}>The stream could not start: {error}</Text>
      </Box>
    );
  }
  if (!controller) return <Text>Opening the stream…</Text>;
  return <LiveStream controller={controller} width={width} height={height} />;
}

function LiveStream({
  controller,
  width,
  height,
}: {
  controller: StreamController;
  width: number;
  height: number;
}) {
  const view = useStore(controller.store);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const filtering = draft !== undefined;
  const { stats } = view;

  const hints: KeyHint[] = filtering
    ? [
        { keys: 'type', does: 'an action (login, view_item, add_to_cart, checkout, malformed)' },
        { keys: 'Enter', does: 'apply' },
        { keys: 'Esc', does: 'clear' },
      ]
    : [
        { keys: 'space', does: stats.state === 'paused' ? 'resume' : 'pause' },
        { keys: '+/-', does: 'rate' },
        { keys: 'b', does: 'burst 100' },
        { keys: 'm', does: 'malformed' },
        { keys: '/', does: 'filter' },
      ];

  useScreenKeys(
    (input, key) => {
      if (filtering) {
        if (key.escape) {
          setDraft(undefined);
          controller.setFilter('');
        } else if (key.return) setDraft(undefined);
        else {
          // The store, not this render's draft: several keys can arrive before the next render.
          const current = controller.store.get().filter;
          const next = typeInto(current, input, key);
          if (next !== current) {
            setDraft(next);
            controller.setFilter(next);
          }
        }
        return true;
      }
      if (input === ' ') controller.togglePause();
      else if (input === '+' || input === '=') controller.changeRate(1);
      else if (input === '-' || input === '_') controller.changeRate(-1);
      else if (input === 'b') controller.burst();
      else if (input === 'm') controller.sendMalformed();
      else if (input === '/') setDraft(view.filter);
      else return false;
      return true;
    },
    hints,
    filtering,
  );

  const limited =
    stats.shardLimitedRate !== undefined ? `· shards take ~${rate(stats.shardLimitedRate)} ` : '';
  const sparkWidth = Math.max(10, Math.min(60, width - 70 - limited.length));
  const state =
    stats.state === 'paused'
      ? 'paused'
      : stats.state === 'done'
        ? 'stopped'
        : stats.state === 'draining'
          ? 'finishing'
          : 'sending';
  const pinned = view.failures[0];
  const fixedRows = 4 + (pinned ? 1 : 0);
  return (
    <Box flexDirection="column">
      <Box>
        <Text>
          <Text bold color={tone(state === 'paused' ? 'warn' : state === 'sending' ? 'ok' : 'muted')}>
            {state === 'paused' ? '❚❚ paused' : state === 'sending' ? '▶ sending' : `■ ${state}`}
          </Text>
          {` to ${controller.streamName} · target ${rate(stats.targetRate)} · actual ${rate(stats.rate)} `}
          {limited ? <Text color={tone('warn')}>{limited}</Text> : null}
        </Text>
        <Sparkline values={view.rateHistory} width={sparkWidth} />
      </Box>
      <Text>
        sent <Text bold>{count(stats.sent)}</Text> · acknowledged{' '}
        <Text bold>{count(stats.acknowledged)}</Text> · retried {count(stats.retried)} · throttled{' '}
        <Text color={tone(stats.throttled ? 'warn' : 'muted')}>{count(stats.throttled)}</Text> · failed{' '}
        <Text color={tone(stats.failed ? 'bad' : 'muted')}>{count(stats.failed)}</Text> · in flight{' '}
        {count(stats.outstanding)}
      </Text>
      <Text color={tone('muted')}>
        {filtering ? (
          <Text color={tone('accent')}>filter: {draft}▌</Text>
        ) : view.filter ? (
          `filter: ${view.filter}`
        ) : (
          'filter: none'
        )}
        {view.malformed.length > 0
          ? ` · malformed sent: ${view.malformed.length} (last ${tail(view.malformed[0] ?? '', 13)})`
          : ''}
      </Text>
      {pinned ? (
        <Text color={tone('bad')}>
          {SYMBOLS.failed} {pinned.eventId ? `event ${tail(pinned.eventId, 13)}: ` : ''}
          {pinned.reason}
        </Text>
      ) : null}
      <Table
        columns={COLUMNS}
        rows={view.rows}
        width={width}
        maxRows={Math.max(0, height - fixedRows - 1)}
        rowKey={(r) => `${r.eventId}-${r.sequence}`}
        empty={
          view.filter ? `no recent event matches "${view.filter}"` : 'waiting for the first acknowledgement…'
        }
      />
    </Box>
  );
}
