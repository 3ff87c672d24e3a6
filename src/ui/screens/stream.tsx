// Stream: the live table of sent events (newest on top), the producer's counters and a rate sparkline.
// Everything here is read from the StreamController's store, which publishes a few times a second. On AWS
// the stream waits for a key before sending anything, and says so.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { messageOf } from '../../config/errors.js';
import type { TemplateChoice } from '../../pipeline/event-template/bundled.js';
import { DEFAULT_RATE } from '../../pipeline/pacing.js';
import type { ProducerState } from '../../pipeline/producer.js';
import { Chooser } from '../components/chooser.js';
import { type Line, Lines, lineText, plain, wrapped } from '../components/lines.js';
import { Sparkline } from '../components/sparkline.js';
import { type Column, Table } from '../components/table.js';
import { clip, clock, count, rate } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { type KeyHint, typeInto } from '../keys.js';
import type { StreamController, StreamRow } from '../state/stream.js';
import { SYMBOLS, type Tone } from '../theme.js';
import { EventPicker, withOwn } from './event-picker.js';
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

/** A template's events have no fixed fields: each row shows the event itself. */
const TEMPLATE_COLUMNS: ReadonlyArray<Column<StreamRow>> = [
  { title: 'time', width: 8, value: (r) => clock(r.time) },
  { title: 'event', value: (r) => r.fields ?? r.action },
  { title: 'shard', width: 20, value: (r) => r.shard },
];
/** Below 81 columns the sequence number goes (too little of it would show to tell records apart). */
const NARROW_COLUMNS = COLUMNS.slice(0, -1);
const rowKey = (r: StreamRow) => `${r.eventId}-${r.sequence}`;

export function StreamScreen({ session, width, height }: ScreenProps) {
  const state = useStore(session.store);
  const streams = state.stack?.pipeline?.streams ?? [];
  // Several streams and none chosen yet: ask which, as `stream --stream` says it.
  if (!session.stream && streams.length > 1 && !state.pick.stream) {
    const readers = state.stack?.pipeline?.deliveryStreams ?? [];
    return (
      <Chooser
        title={`The stack has ${streams.length} Kinesis streams: which one should the events go to?`}
        choices={streams.map((name) => {
          const read = readers.filter((d) => d.source === name).map((d) => d.name);
          return { name, detail: read.length ? `read by ${read.join(', ')}` : 'no delivery stream reads it' };
        })}
        width={width}
        onChoose={(name) => session.choose({ stream: name })}
      />
    );
  }
  // The endpoint did not make everything (a delivery stream, say): sending still works; say what will not.
  const problems = state.stack?.pipeline?.problems ?? [];
  if (problems.length === 0) return <OpenStream session={session} width={width} height={height} />;
  const warning = `${SYMBOLS.warn} ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more: Deploy lists them)` : ''}`;
  return (
    <Box flexDirection="column">
      <Lines lines={[plain(clip(warning, width), 'warn')]} />
      <OpenStream session={session} width={width} height={height - 1} />
    </Box>
  );
}

function OpenStream({ session, width, height }: ScreenProps) {
  const [controller, setController] = useState<StreamController | undefined>(session.stream);
  const [error, setError] = useState<string>();
  const [picking, setPicking] = useState<TemplateChoice[]>();
  const [switching, setSwitching] = useState(false);
  useEffect(() => {
    if (controller || switching) return;
    let live = true;
    session.openStream(DEFAULT_RATE).then(
      (c) => live && setController(c),
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [session, controller, switching]);

  if (error) {
    return (
      <Lines lines={wrapped(`${SYMBOLS.failed} The stream could not start: ${error}`, width, 'bad', '  ')} />
    );
  }
  if (picking) {
    const current = session.events?.choice.path;
    return (
      <EventPicker
        templates={picking}
        current={current}
        width={width}
        height={height}
        check={(path) => session.eventTemplates([path])[0] ?? { name: path, path, error: 'not checked' }}
        onCancel={() => setPicking(undefined)}
        onPick={(template) => {
          setPicking(undefined);
          setSwitching(true);
          const rate = controller?.store.get().stats.targetRate ?? DEFAULT_RATE;
          session
            .switchEvents(template, rate)
            .then(setController, (e) => setError(messageOf(e)))
            .finally(() => setSwitching(false));
        }}
      />
    );
  }
  if (switching) return <Text>Finishing the events in flight, then sending the new ones…</Text>;
  if (!controller) return <Text>Opening the stream…</Text>;
  const pick = () => {
    const own = session.events?.choice.path;
    const bundled = session.eventTemplates();
    setPicking([
      ...withOwn(
        bundled,
        own && !bundled.some((t) => t.path === own) ? session.eventTemplates([own])[0] : undefined,
      ),
    ]);
  };
  return (
    <LiveStream
      controller={controller}
      width={width}
      height={height}
      events={session.events?.name}
      onPick={pick}
    />
  );
}

function LiveStream({
  controller,
  width,
  height,
  events,
  onPick,
}: {
  controller: StreamController;
  width: number;
  height: number;
  /** The template sending, by name (undefined: the built-in events). */
  events: string | undefined;
  onPick: () => void;
}) {
  const view = useStore(controller.store);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const filtering = draft !== undefined;
  const { stats } = view;
  const idle = stats.state === 'idle';

  const hints: KeyHint[] = filtering
    ? [
        {
          keys: 'type',
          does: events
            ? 'text in the event'
            : 'an action (login, view_item, add_to_cart, checkout, malformed)',
        },
        { keys: 'Enter', does: 'apply' },
        { keys: 'Esc', does: 'clear' },
      ]
    : [
        { keys: 'space', does: idle ? 'start' : stats.state === 'paused' ? 'resume' : 'pause' },
        { keys: '+/-', does: 'rate' },
        { keys: 'b', does: 'burst' },
        { keys: 'm', does: 'malformed' },
        { keys: '/', does: 'filter' },
        { keys: 't', does: 'events' },
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
      else if (input === 't') onPick();
      else return false;
      return true;
    },
    hints,
    filtering,
  );

  const state = stateWords(stats.state);
  // The first line: what the producer is doing, where to, how fast; the rate history beside it when it fits.
  const headline: Line = [
    { text: state.mark, tone: state.tone, bold: true },
    {
      text: idle
        ? ` · stream ${controller.streamName} · target ${rate(stats.targetRate)}`
        : ` · stream ${controller.streamName} · target ${rate(stats.targetRate)} · actual ${rate(stats.state === 'running' || stats.state === 'draining' ? stats.rate : 0)}`,
    },
    ...(stats.shardLimitedRate !== undefined
      ? [{ text: ` · shards take ~${rate(stats.shardLimitedRate)}`, tone: 'warn' as Tone }]
      : []),
  ];
  const headlineWidth = lineText(headline).length;
  const sparkWidth = Math.min(60, width - headlineWidth - 2);
  const top: Line[] =
    headlineWidth <= width ? [headline] : wrapped(lineText(headline), width, state.tone, '  ');
  if (idle) {
    top.push(
      ...wrapped(
        `Nothing is sent until you say so${controller.billed ? ' (on AWS each PutRecords call is billed)' : ''}: space starts sending at ${rate(stats.targetRate)}, + and - change the rate, b sends a burst of 100, m one malformed record.`,
        width,
        'accent',
        '  ',
      ),
    );
  }
  top.push(
    ...wrapped(
      `sent ${count(stats.sent)} · acknowledged ${count(stats.acknowledged)} · retried ${count(stats.retried)} · throttled ${count(stats.throttled)} · failed ${count(stats.failed)} · in flight ${count(stats.outstanding)}`,
      width,
      stats.failed ? 'bad' : undefined,
      '  ',
    ),
  );
  const malformed = view.malformed.length
    ? ` · malformed sent on purpose: ${view.malformed.length} (last ${view.malformed[0]})`
    : '';
  if (!filtering) {
    top.push(
      ...wrapped(
        `events: ${events ?? 'built-in'} (t changes) · filter: ${view.filter || 'none'}${malformed}`,
        width,
        'muted',
        '  ',
      ),
    );
  } else {
    top.push([
      { text: `filter: ${draft}▌`, tone: 'accent' },
      { text: malformed, tone: 'muted' },
    ]);
  }
  const pinned = view.failures[0];
  if (pinned) {
    top.push(
      ...wrapped(
        `${SYMBOLS.failed} ${pinned.eventId ? `event ${pinned.eventId}: ` : ''}${pinned.reason}`,
        width,
        'bad',
        '  ',
      ),
    );
  }
  const columns = events ? TEMPLATE_COLUMNS : width >= 65 + 16 ? COLUMNS : NARROW_COLUMNS;
  return (
    <Box flexDirection="column">
      {sparkWidth >= 10 && top.length > 0 && headlineWidth <= width ? (
        <Box>
          <Lines lines={[headline]} />
          <Text> </Text>
          <Sparkline values={view.rateHistory} width={sparkWidth} />
        </Box>
      ) : (
        <Lines lines={top.slice(0, 1)} />
      )}
      <Lines lines={top.slice(1)} />
      <Table
        columns={columns}
        rows={view.rows}
        width={width}
        maxRows={Math.max(0, height - top.length - 1)}
        rowKey={rowKey}
        empty={
          view.filter
            ? `no recent event matches "${view.filter}"`
            : idle
              ? 'nothing sent yet'
              : 'waiting for the first acknowledgement…'
        }
      />
    </Box>
  );
}

function stateWords(state: ProducerState): { mark: string; tone: Tone } {
  switch (state) {
    case 'idle':
      return { mark: '❚❚ not started', tone: 'warn' };
    case 'paused':
      return { mark: '❚❚ paused', tone: 'warn' };
    case 'running':
      return { mark: '▶ sending', tone: 'ok' };
    case 'draining':
      return { mark: '■ finishing', tone: 'muted' };
    default:
      return { mark: '■ stopped', tone: 'muted' };
  }
}
