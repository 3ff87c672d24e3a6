// Verify: what reached the bucket, reconciled with what was sent. The summary (counts, latency, what is
// awaited and until when, why events may be late), category counts (bars on a tall terminal, one wrapped
// line on a short one), processing failures (the unexpected ones in full), and the objects: kind, time and
// size a line, the selected one's whole key under them, paged with PgUp/PgDn/Home/End, filtered with f.
// Enter previews an object's records, one a line, the selected one in full under them.
import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { categoryNames, matchingSummary } from '../../pipeline/reconcile.js';
import type { BucketObject, VerifyReport } from '../../pipeline/verify.js';
import { BarChart } from '../components/bar-chart.js';
import { Chooser } from '../components/chooser.js';
import { diagnosisLines } from '../components/diagnosis.js';
import { type Line, Lines, plain, windowed, wrapped } from '../components/lines.js';
import { wrappedLines } from '../components/wrapped.js';
import { bytes, cell, clock, count, duration, plural } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { KeyHint } from '../keys.js';
import {
  awaited,
  DELIVERY_ALLOWANCE_S,
  filterObjects,
  type ObjectFilter,
  type Preview,
  type VerifyController,
  type VerifyView,
} from '../state/verify.js';
import { SYMBOLS, type Tone } from '../theme.js';
import type { ScreenProps } from './props.js';

/** "1 object", "2 objects". */

/** A latency from S3's object times, which are to the second: under a second is said so, not "0 ms". */
function latency(ms: number): string {
  return ms < 1000 ? '<1s' : duration(ms);
}

/** Where a movement key takes a selection among `length` items, `page` a screenful. */
function moved(
  index: number,
  length: number,
  page: number,
  key: Parameters<Parameters<typeof useScreenKeys>[0]>[1],
) {
  if (key.upArrow) return Math.max(0, index - 1);
  if (key.downArrow) return Math.min(length - 1, index + 1);
  if (key.pageUp) return Math.max(0, index - page);
  if (key.pageDown) return Math.min(length - 1, index + page);
  if (key.home) return 0;
  if (key.end) return Math.max(0, length - 1);
  return undefined;
}

const FILTER_WORDS: Record<ObjectFilter, string> = {
  all: 'all',
  failed: 'showing processing-failed only',
  delivered: 'showing delivered only',
};

export function VerifyScreen({ session, width, height }: ScreenProps) {
  const state = useStore(session.store);
  const pipeline = state.stack?.pipeline;
  const { pick } = state;
  // Several delivery streams could be meant (for the chosen stream, or in all): ask which to read.
  const candidates = (pipeline?.deliveryStreams ?? []).filter(
    (d) => !pick.stream || d.source === pick.stream,
  );
  if (candidates.length > 1 && !pick.deliveryStream) {
    return (
      <Chooser
        title={`${candidates.length} delivery streams${pick.stream ? ` read ${pick.stream}` : ''}: which one should Verify read?`}
        choices={candidates.map((d) => ({
          name: d.name,
          detail: `reads ${d.source ?? '?'}, writes ${d.destination}`,
        }))}
        width={width}
        onChoose={(name) => session.choose({ deliveryStream: name })}
      />
    );
  }
  const controller = session.verification;
  if (!controller) return <Text>Deploy the stack first: there is no bucket to read.</Text>;
  return <Verify controller={controller} width={width} height={height} />;
}

function Verify({
  controller,
  width,
  height,
}: {
  controller: VerifyController;
  width: number;
  height: number;
}) {
  const view = useStore(controller.store);
  const [selectedKey, setSelectedKey] = useState<string>();
  const [record, setRecord] = useState(0);
  const page = useRef({ objects: 5, records: 5 });
  // Checks run while the screen is open (auto-refresh), and stop when it closes.
  useEffect(() => {
    controller.resume();
    return () => controller.pause();
  }, [controller]);

  // The countdown moves every second while something is awaited.
  const now = useNow(1000, awaited(view.report, view.delivery) !== undefined);
  const objects = filterObjects(view.report?.objects ?? [], view.filter);
  const found = objects.findIndex((o) => o.key === selectedKey);
  const selected = found === -1 ? 0 : found;
  const preview = view.preview;
  const previewing = preview !== undefined;

  const hints: KeyHint[] = previewing
    ? [
        { keys: '↑↓/PgUp/PgDn', does: 'record' },
        { keys: 'Esc', does: 'back' },
      ]
    : [
        ...(objects.length
          ? [
              { keys: '↑↓/PgUp/PgDn', does: 'object' },
              { keys: 'Enter', does: 'preview' },
            ]
          : []),
        { keys: 'f', does: 'filter' },
        { keys: 'r', does: 'refresh' },
        { keys: 'a', does: `auto-refresh ${view.auto ? 'off' : 'on'}` },
      ];

  useScreenKeys((input, key) => {
    if (preview) {
      const next = moved(record, preview.rows.length, page.current.records, key);
      if (next !== undefined) setRecord(next);
      else if (key.escape || key.return) controller.closePreview();
      else if (input === 'r') void controller.refresh();
      else return false;
      return true;
    }
    const next = moved(selected, objects.length, page.current.objects, key);
    if (next !== undefined) setSelectedKey(objects[next]?.key);
    else if (key.return && objects[selected]) {
      setRecord(0);
      void controller.preview(objects[selected].key);
    } else if (input === 'f') {
      controller.cycleFilter();
      setSelectedKey(undefined);
    } else if (input === 'r') void controller.refresh();
    else if (input === 'a') controller.toggleAuto();
    else return false;
    return true;
  }, hints);

  const report = view.report;
  if (!report) {
    return (
      <Box flexDirection="column">
        {view.error ? (
          <Lines
            lines={wrapped(`${SYMBOLS.failed} Could not read the bucket: ${view.error}`, width, 'bad', '  ')}
          />
        ) : (
          <Text>Reading the bucket…</Text>
        )}
      </Box>
    );
  }

  // A tall terminal gets bars and a blank line between sections; a short one gives that room to the list,
  // and while previewing shows only the counts above the records.
  const tall = height >= 30;
  const compact = previewing && !tall;
  const gap = tall ? 1 : 0;
  const summary = summaryLines(view, report, width, now, compact);
  const categories = compact ? [] : tall && !previewing ? undefined : categoryLine(report, width);
  // The category field's values: ours, or whatever the transform writes.
  const names = categoryNames(report.reconciliation.categories);
  const categoryRows = (categories ? categories.length : 1 + names.length) + (compact ? 0 : gap);
  const failures = compact ? [] : failureLines(report, width, tall ? 10 : 5);
  const failureRows = failures.length ? failures.length + gap : 0;
  const room = Math.max(4, height - summary.length - categoryRows - failureRows - gap);

  return (
    <Box flexDirection="column">
      <Lines lines={summary} />
      {categories && categories.length === 0 ? null : (
        <Box marginTop={gap} flexDirection="column">
          {categories ? (
            <Lines lines={categories} />
          ) : (
            <>
              <Text bold>
                Categories <Text dimColor>(records delivered, of those sent)</Text>
              </Text>
              <BarChart
                width={Math.min(width, 100)}
                bars={names.map((c) => ({
                  label: c,
                  value: report.reconciliation.categories.delivered[c] ?? 0,
                  note: `of ${count(report.reconciliation.categories.sent[c] ?? 0)} sent`,
                  mismatch:
                    report.reconciliation.complete &&
                    report.reconciliation.categories.delivered[c] !==
                      report.reconciliation.categories.sent[c],
                }))}
              />
            </>
          )}
        </Box>
      )}
      {failures.length ? (
        <Box marginTop={gap}>
          <Lines lines={failures} />
        </Box>
      ) : null}
      <Box marginTop={gap}>
        {preview ? (
          <Lines lines={previewLines(preview, record, width, room, page)} />
        ) : (
          <Lines lines={objectLines(report, objects, view.filter, selected, width, room, page)} />
        )}
      </Box>
    </Box>
  );
}

/** The summary as lines: where, the counts, latency, what is awaited or how it ended, diagnosis, errors. */
function summaryLines(
  view: VerifyView,
  report: VerifyReport,
  width: number,
  now: number,
  countsOnly = false,
): Line[] {
  const r = report.reconciliation;
  const waiting = awaited(report, view.delivery);
  // Missing, not awaited: past their due time, or with no delivery stream to carry them.
  const overdue = Boolean(waiting?.never) || (waiting?.dueAt !== undefined && now > waiting.dueAt);
  const lines: Line[] = [];
  if (!countsOnly)
    lines.push(
      ...wrapped(
        `s3://${report.bucket} · checked ${clock(report.checkedAt)}${view.checking ? ' (checking…)' : ''} · auto-refresh ${view.auto ? 'on' : 'off'}`,
        width,
        undefined,
        '  ',
      ),
    );
  const failedUnexpectedly = r.processingFailed - r.expectedFailures;
  const counts = [
    `sent ${count(r.acknowledged)}`,
    `delivered ${count(r.delivered)}`,
    overdue ? `missing ${count(r.missing)}` : `awaiting ${count(r.missing)}`,
    `duplicates ${count(r.duplicates)}`,
    `processing-failed ${count(r.processingFailed)}${r.expectedFailures ? ` (${count(r.expectedFailures)} on purpose)` : ''}`,
  ].join(' · ');
  lines.push(...wrapped(counts, width, overdue || failedUnexpectedly > 0 ? 'warn' : undefined, '  '));
  // How exact those counts are, when the transform dropped event_id.
  if (r.matching.by === 'content' || r.matching.by === 'count')
    lines.push(
      ...wrapped(matchingSummary(r.matching), width, r.matching.by === 'count' ? 'warn' : 'muted', '  '),
    );
  if (countsOnly) return lines;
  const extras = [
    r.latency
      ? `latency, acknowledged -> written (S3 times are to the second): p50 ${latency(r.latency.p50)} · p99 ${latency(r.latency.p99)}`
      : '',
    r.latencyLeftOut
      ? `${plural(r.latencyLeftOut, 'event')} delivered after the local cloud restarted left out of it`
      : '',
    r.lateAcknowledged ? `${count(r.lateAcknowledged)} delivered whose acknowledgement was lost` : '',
    r.producerFailed ? `${count(r.producerFailed)} the producer gave up on` : '',
    r.unknown ? `${plural(r.unknown, 'delivered record')} not in the journal` : '',
    r.unknownFailed ? `${plural(r.unknownFailed, 'failed record')} not sent by kinesis-tui` : '',
  ].filter(Boolean);
  if (extras.length) lines.push(...wrapped(extras.join(' · '), width, 'muted', '  '));

  const d = view.delivery;
  if (r.acknowledged === 0) {
    lines.push(...wrapped('Nothing sent yet: stream some events first (step 2).', width, 'muted'));
  } else if (waiting?.never) {
    lines.push(
      ...wrapped(
        `${SYMBOLS.failed} Nothing will arrive: ${waiting.never}. ${plural(waiting.events, 'event')} cannot be delivered.`,
        width,
        'bad',
        '  ',
      ),
    );
  } else if (waiting) {
    const buffers = d
      ? `Firehose buffers ${d.bufferIntervalSeconds ?? '?'}s or ${d.bufferSizeMB ?? '?'} MB${d.processorIntervalSeconds !== undefined ? `, the transform ${d.processorIntervalSeconds}s` : ''}, then up to ${DELIVERY_ALLOWANCE_S}s to write`
      : 'Firehose buffers records before writing them';
    const left = waiting.dueAt === undefined ? undefined : waiting.dueAt - now;
    const when =
      left === undefined ? '' : left > 0 ? `due within ${duration(left)}` : `due ${duration(-left)} ago`;
    lines.push(
      ...wrapped(
        overdue
          ? `${SYMBOLS.warn} ${plural(waiting.events, 'event')} missing: ${when} (${buffers})`
          : `⧗ Awaiting ${plural(waiting.events, 'event')}${when ? `, ${when}` : ''} (${buffers})`,
        width,
        overdue ? 'warn' : 'busy',
        '  ',
      ),
    );
    // The diagnosis for a buffer still filling: nothing is wrong, and how not to wait next time.
    if (!overdue && waiting.bufferSeconds >= 30)
      lines.push(
        ...wrapped(
          `Nothing is wrong yet: Firehose holds records up to ${waiting.bufferSeconds}s before writing. To see objects within seconds, deploy with BufferIntervalSeconds and ProcessorBufferIntervalSeconds at 0 (step 1).`,
          width,
          'muted',
          '  ',
        ),
      );
  } else {
    const text = `Every sent event is accounted for${
      failedUnexpectedly > 0
        ? `, but ${count(failedUnexpectedly)} failed processing unexpectedly`
        : r.expectedFailures
          ? ` (${count(r.expectedFailures)} malformed on purpose, in processing-failed)`
          : ''
    }.`;
    lines.push(
      ...wrapped(`${r.ok ? SYMBOLS.done : SYMBOLS.warn} ${text}`, width, r.ok ? 'ok' : 'warn', '  '),
    );
  }
  if (view.diagnosis?.length) lines.push(...diagnosisLines(view.diagnosis, width, 8));
  if (view.diagnosisError)
    lines.push(
      ...wrapped(`${SYMBOLS.warn} Could not find out why: ${view.diagnosisError}`, width, 'warn', '  '),
    );
  if (view.error)
    lines.push(...wrapped(`${SYMBOLS.failed} The last check failed: ${view.error}`, width, 'bad', '  '));
  return lines;
}

/** The categories on one wrapped line (a short terminal): delivered of sent. */
function categoryLine(report: VerifyReport, width: number): Line[] {
  const r = report.reconciliation;
  const names = categoryNames(r.categories);
  const mismatch = names.some((c) => r.complete && r.categories.delivered[c] !== r.categories.sent[c]);
  const text = `Categories, delivered of sent: ${names
    .map((c) => `${c} ${count(r.categories.delivered[c] ?? 0)}/${count(r.categories.sent[c] ?? 0)}`)
    .join(' · ')}`;
  return wrapped(text, width, mismatch ? 'warn' : undefined, '  ');
}

/** Processing failures: the unexpected ones in full (up to `most` lines), those sent malformed on purpose in a line. */
function failureLines(report: VerifyReport, width: number, most: number): Line[] {
  const r = report.reconciliation;
  if (r.processingFailed === 0) return [];
  const unexpected = r.failures.filter((f) => !f.onPurpose);
  const lines: Line[] = [];
  if (unexpected.length === 0 || r.processingFailed === r.expectedFailures) {
    return wrapped(
      `${plural(r.expectedFailures, 'record')} sent malformed on purpose ${r.expectedFailures === 1 ? 'is' : 'are'} in processing-failed, as ${r.expectedFailures === 1 ? 'it' : 'they'} should be.`,
      width,
      'muted',
      '  ',
    );
  }
  lines.push(
    plain(
      `Processing failed unexpectedly: ${count(r.processingFailed - r.expectedFailures)}${r.expectedFailures ? ` (and ${count(r.expectedFailures)} malformed on purpose)` : ''}`,
      'bad',
      true,
    ),
  );
  // The first in full (its reason never cut); its raw record and the others as far as room goes.
  const more = plain(
    '  (f lists the processing-failed objects; Enter on one shows all its records)',
    'muted',
  );
  for (const [n, f] of unexpected.entries()) {
    const reason = wrapped(
      `${SYMBOLS.failed} ${f.eventId ?? '(no event id)'} ${f.errorCode}: ${f.errorMessage}`,
      width,
      'bad',
      '  ',
    );
    const raw = wrapped(`  raw ${JSON.stringify(f.raw)}`, width, undefined, '    ');
    if (n > 0 && lines.length + reason.length + 1 > most) {
      lines.push(more);
      break;
    }
    lines.push(...reason);
    if (lines.length + raw.length + 1 > most) {
      lines.push(more);
      break;
    }
    lines.push(...raw);
  }
  return lines;
}

/** The object list: a title, the rows that fit (kind, time, size, and the key when every key fits), the selected key in full. */
function objectLines(
  report: VerifyReport,
  objects: BucketObject[],
  filter: ObjectFilter,
  selected: number,
  width: number,
  rows: number,
  page: { current: { objects: number } },
): Line[] {
  const all = report.objects.length;
  const fixed = 2 + 9 + 1 + 8 + 1 + 9;
  const withKeys = objects.every((o) => fixed + 2 + o.key.length <= width);
  const key = objects[selected]?.key;
  const keyLines = key && !withKeys ? wrapped(`s3://${report.bucket}/${key}`, width, 'muted', '  ') : [];
  const title = (position: string) =>
    wrappedLines(
      `Objects: ${count(all)} (${count(report.deliveredObjects)} delivered, ${count(report.failedObjects)} processing-failed)${filter === 'all' ? '' : ` · ${FILTER_WORDS[filter]}`}${position}`,
      width,
      '  ',
    ).map((l) => plain(l, undefined, true));
  const place = (shown: number) => {
    const first = Math.min(
      Math.max(0, selected - Math.floor(shown / 2)),
      Math.max(0, objects.length - shown),
    );
    const last = Math.min(objects.length, first + shown);
    return {
      first,
      text: objects.length > shown ? ` · ${count(first + 1)}-${count(last)} of ${count(objects.length)}` : '',
    };
  };
  // Saying where the list is may make the title a line longer: the list then gives that line back.
  let listRows = Math.max(1, rows - 2 - keyLines.length);
  let titled = title(place(listRows).text);
  if (titled.length > 1) {
    listRows = Math.max(1, listRows - (titled.length - 1));
    titled = title(place(listRows).text);
  }
  page.current.objects = listRows;
  const lines: Line[] = [
    ...titled,
    plain(
      `  ${cell('kind', 9)} ${cell('written', 8)} ${cell('size', 9, 'right')}${withKeys ? '  key' : ''}`,
      'muted',
      true,
    ),
  ];
  if (objects.length === 0) {
    lines.push(plain(all === 0 ? '  no object yet' : '  none of this kind (f shows the others)', 'muted'));
    return lines;
  }
  const { first } = place(listRows);
  objects.slice(first, first + listRows).forEach((o, i) => {
    const isSelected = first + i === selected;
    const emphasis = isSelected ? { tone: 'accent' as Tone, bold: true } : {};
    lines.push([
      { text: isSelected ? '› ' : '  ', ...emphasis },
      {
        text: cell(o.kind === 'failed' ? 'failed' : 'delivered', 9),
        tone: o.kind === 'failed' ? 'bad' : 'ok',
        ...(isSelected ? { bold: true } : {}),
      },
      {
        text: ` ${clock(o.time)} ${cell(bytes(o.size), 9, 'right')}${withKeys ? `  ${o.key}` : ''}`,
        ...emphasis,
      },
    ]);
  });
  lines.push(...keyLines);
  return lines;
}

/** Preview columns that fit in a line, in the transform's order; the rest is in the selected record's detail. */
const RECORD_COLUMNS: Array<[string, number]> = [
  ['timestamp', 19],
  ['action', 11],
  ['user_id', 9],
  ['item_id', 7],
  ['category', 11],
  ['price', 7],
];
const RIGHT = new Set(['price', 'item_id', 'attempts']);
const KNOWN_WIDTH = new Map(RECORD_COLUMNS);

/** The fields the records hold (a transform of the user's own writes its own): ours at their widths, others as wide as their values. */
function recordColumns(preview: Preview): Array<[string, number]> {
  // event_id is too long for a column: the selected record's detail shows it in full.
  return preview.columns
    .filter((c) => c !== 'event_id')
    .map((c): [string, number] => [
      c,
      KNOWN_WIDTH.get(c) ?? Math.min(24, Math.max(c.length, ...preview.rows.map((r) => (r[c] ?? '').length))),
    ]);
}

/** The columns that fit in `width`, from the first. */
function fitting(columns: Array<[string, number]>, width: number): Array<[string, number]> {
  return columns.filter((_, i) => 2 + columns.slice(0, i + 1).reduce((n, [, w]) => n + w + 1, 0) <= width);
}

/** An object's records, one a line, the selected one in full under them. */
function previewLines(
  preview: Preview,
  selected: number,
  width: number,
  rows: number,
  page: { current: { records: number } },
): Line[] {
  const failed = preview.kind === 'failed';
  const name = preview.key.split('/').pop() ?? preview.key;
  const title = (position: string) =>
    wrappedLines(
      `${failed ? 'Processing-failed records' : 'Transformed records'}${width >= 100 ? ` in ${name}` : ''}${preview.loading ? ' (reading…)' : ` (${count(preview.rows.length)})`}${position}`,
      width,
      '  ',
    ).map((l) => plain(l, undefined, true));
  if (preview.error) {
    return [
      ...title(''),
      ...wrapped(`${SYMBOLS.failed} Could not read it: ${preview.error}`, width, 'bad', '  '),
    ];
  }
  if (preview.rows.length === 0) {
    return [...title(''), plain(preview.loading ? '  reading…' : '  no records in this object', 'muted')];
  }
  const row = preview.rows[Math.min(selected, preview.rows.length - 1)] ?? {};
  const detail = failed
    ? [
        ...wrapped(
          `${row.errorCode ?? ''}: ${row.errorMessage ?? ''}${row.attempts ? ` (attempts: ${row.attempts})` : ''}`,
          width,
          'bad',
          '  ',
        ),
        ...wrapped(`raw ${JSON.stringify(row.raw ?? '')}`, width, undefined, '  '),
      ]
    : wrapped(JSON.stringify(row), width, 'muted', '  ');
  const detailRows = Math.min(detail.length, Math.max(2, Math.floor(rows / 3)));
  const shownDetail =
    detail.length > detailRows
      ? [
          ...detail.slice(0, detailRows - 1),
          plain(`  (${detail.length - detailRows + 1} more lines on a taller terminal)`, 'muted'),
        ]
      : detail;
  const columns: Array<[string, number]> = failed
    ? [
        ['errorCode', 32],
        ['attempts', 8],
      ]
    : fitting(recordColumns(preview), width);
  const cells = (values: (c: string) => string) =>
    columns.map(([c, w]) => cell(values(c), w, RIGHT.has(c) ? 'right' : 'left')).join(' ');
  const lines = preview.rows.map((r, i): Line => {
    const isSelected = i === selected;
    return [
      {
        text: `${isSelected ? '› ' : '  '}${failed ? `#${String(i + 1).padEnd(4)}` : ''}${cells((c) => r[c] ?? '')}`,
        ...(isSelected ? { tone: 'accent' as Tone, bold: true } : {}),
      },
    ];
  });
  const header = plain(`  ${failed ? '#    ' : ''}${cells((c) => c)}`, 'muted', true);
  const place = (shown: number) => {
    const first = Math.min(Math.max(0, selected - Math.floor(shown / 2)), Math.max(0, lines.length - shown));
    const last = Math.min(lines.length, first + shown);
    return lines.length > shown
      ? ` · ${count(first + 1)}-${count(last)}${last < lines.length ? ', more below' : ''}`
      : '';
  };
  // Saying where the list is may make the title a line longer: the list then gives that line back.
  let listRows = Math.max(1, rows - 2 - shownDetail.length);
  let titled = title(place(listRows));
  if (titled.length > 1) {
    listRows = Math.max(1, listRows - (titled.length - 1));
    titled = title(place(listRows));
  }
  page.current.records = listRows;
  return [...titled, header, ...windowed(lines, listRows, selected), ...shownDetail];
}
