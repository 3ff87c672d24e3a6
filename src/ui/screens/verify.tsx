// Verify: what reached the bucket, reconciled with what was sent. The objects (newest first, Enter previews
// one as a table), category counts as bars over everything delivered, the reconciliation with the
// processing-failed records decoded, and while Firehose buffers, what is awaited and a countdown.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { CATEGORIES } from '../../../lambda/records.js';
import type { BucketObject, VerifyReport } from '../../pipeline/verify.js';
import { BarChart } from '../components/bar-chart.js';
import { type Column, Table } from '../components/table.js';
import { bytes, clip, clock, count, duration, tail } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { KeyHint } from '../keys.js';
import {
  awaited,
  type Preview,
  type PreviewRow,
  type VerifyController,
  type VerifyView,
} from '../state/verify.js';
import { SYMBOLS, tone } from '../theme.js';
import type { ScreenProps } from './props.js';

const OBJECT_COLUMNS: ReadonlyArray<Column<BucketObject>> = [
  { title: 'key', keepEnd: true, value: (o) => o.key },
  { title: 'size', width: 9, align: 'right', value: (o) => bytes(o.size) },
  { title: 'time', width: 8, value: (o) => clock(o.time) },
];

/** Preview column widths; the one left out takes what remains. */
const PREVIEW_WIDTHS: Record<string, number> = {
  timestamp: 19,
  action: 11,
  user_id: 9,
  item_id: 7,
  category: 11,
  price: 7,
  errorCode: 24,
  errorMessage: 36,
  attempts: 8,
};

function previewColumns(preview: Preview): Array<Column<PreviewRow>> {
  return preview.columns.map((c) => ({
    title: c,
    ...(PREVIEW_WIDTHS[c] ? { width: PREVIEW_WIDTHS[c] } : {}),
    ...(c === 'event_id' ? { keepEnd: true } : {}),
    ...(c === 'price' || c === 'item_id' || c === 'attempts' ? { align: 'right' as const } : {}),
    value: (row: PreviewRow) => row[c] ?? '',
  }));
}

export function VerifyScreen({ session, width, height }: ScreenProps) {
  const controller = session.verification;
  if (!controller)
    return <Text color={tone('muted')}>Deploy the stack first: there is no bucket to read.</Text>;
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
  // Checks run while the screen is open (auto-refresh), and stop when it closes.
  useEffect(() => {
    controller.resume();
    return () => controller.pause();
  }, [controller]);

  const objects = view.report?.objects ?? [];
  const found = objects.findIndex((o) => o.key === selectedKey);
  const selected = found === -1 ? 0 : found;
  const previewing = view.preview !== undefined;

  const hints: KeyHint[] = previewing
    ? [{ keys: 'Esc', does: 'back to the objects' }]
    : [
        ...(objects.length
          ? [
              { keys: '↑/↓', does: 'object' },
              { keys: 'Enter', does: 'preview' },
            ]
          : []),
        { keys: 'r', does: 'refresh' },
        { keys: 'a', does: `auto-refresh ${view.auto ? 'off' : 'on'}` },
      ];

  useScreenKeys((input, key) => {
    if (previewing) {
      if (key.escape || key.return) controller.closePreview();
      else if (input === 'r') void controller.refresh();
      else return false;
      return true;
    }
    if (key.upArrow) setSelectedKey(objects[Math.max(0, selected - 1)]?.key);
    else if (key.downArrow) setSelectedKey(objects[Math.min(objects.length - 1, selected + 1)]?.key);
    else if (key.return && objects[selected]) void controller.preview(objects[selected].key);
    else if (input === 'r') void controller.refresh();
    else if (input === 'a') controller.toggleAuto();
    else return false;
    return true;
  }, hints);

  const report = view.report;
  if (!report) {
    return (
      <Box flexDirection="column">
        <Text>{view.error ? '' : 'Reading the bucket…'}</Text>
        {view.error ? <Text color={tone('bad')}>Could not read the bucket: {view.error}</Text> : null}
      </Box>
    );
  }
  const r = report.reconciliation;
  // On a short terminal the table (objects or a preview) keeps room: fewer failures, and no chart while
  // previewing.
  const short = height < 30;
  const failures = r.failures.slice(0, short ? 1 : 3);
  const showChart = !(short && view.preview);
  const summaryRows = 4 + (view.error ? 1 : 0) + Math.min(3, view.diagnosis?.length ?? 0);
  const chartRows = showChart ? 2 + CATEGORIES.length : 0;
  const failureRows = failures.length ? 2 + 2 * failures.length : 0;
  const tableRows = Math.max(1, height - summaryRows - chartRows - failureRows - 3);
  return (
    <Box flexDirection="column">
      <Summary view={view} report={report} width={width} />
      <Box marginTop={1} flexDirection="column" display={showChart ? 'flex' : 'none'}>
        <Text bold>
          Categories{' '}
          <Text color={tone('muted')}>(records delivered, over everything delivered; of those sent)</Text>
        </Text>
        <BarChart
          width={Math.min(width, 100)}
          bars={CATEGORIES.map((c) => ({
            label: c,
            value: r.categories.delivered[c],
            note: `of ${count(r.categories.sent[c])} sent`,
            mismatch: r.complete && r.categories.delivered[c] !== r.categories.sent[c],
          }))}
        />
      </Box>
      {failures.length ? (
        <Box marginTop={1} flexDirection="column">
          <Text bold>
            Processing failed ({count(r.processingFailed)}
            {r.expectedFailures ? `, ${count(r.expectedFailures)} malformed on purpose` : ''})
          </Text>
          {failures.map((f) => (
            <Box key={`${f.key}-${f.eventId ?? f.raw}`} flexDirection="column">
              <Text color={tone('bad')} wrap="truncate">
                {SYMBOLS.failed} {f.eventId ? tail(f.eventId, 13) : '(no id)'} {f.errorCode}: {f.errorMessage}
              </Text>
              <Text wrap="truncate">
                {'    '}raw {JSON.stringify(clip(f.raw, width - 12))}
              </Text>
            </Box>
          ))}
        </Box>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        {view.preview ? (
          <PreviewTable preview={view.preview} width={width} rows={tableRows} />
        ) : (
          <>
            <Text bold>
              Objects ({count(objects.length)}: {count(report.deliveredObjects)} delivered,{' '}
              {count(report.failedObjects)} processing-failed)
            </Text>
            <Table
              columns={OBJECT_COLUMNS}
              rows={objects}
              width={width}
              maxRows={tableRows}
              selected={selected}
              rowKey={(o) => o.key}
              empty="no object yet"
            />
          </>
        )}
      </Box>
    </Box>
  );
}

function Summary({ view, report, width }: { view: VerifyView; report: VerifyReport; width: number }) {
  const r = report.reconciliation;
  const waiting = awaited(report, view.delivery);
  const now = useNow(1000, waiting !== undefined);
  const d = view.delivery;
  let status: React.ReactNode;
  if (r.acknowledged === 0) {
    status = <Text color={tone('muted')}>Nothing sent yet: stream some events first (step 2).</Text>;
  } else if (waiting) {
    const left = waiting.dueAt === undefined ? undefined : waiting.dueAt - now;
    const buffer = d
      ? `Firehose writes every ${d.bufferIntervalSeconds ?? '?'}s or ${d.bufferSizeMB ?? '?'} MB, after the transform's ${d.processorIntervalSeconds ?? '?'}s buffer`
      : 'Firehose buffers records before writing them';
    status = (
      <Text color={tone('busy')} wrap="truncate">
        ⧗ Awaiting {count(waiting.events)} events from Firehose ·{' '}
        {left === undefined
          ? ''
          : left > 0
            ? `due in ${duration(left)} · `
            : `overdue by ${duration(-left)} · `}
        {buffer}
      </Text>
    );
  } else {
    status = (
      <Text color={tone(r.ok ? 'ok' : 'warn')}>
        {r.ok ? SYMBOLS.done : SYMBOLS.warn} Every sent event is accounted for
        {r.processingFailed > r.expectedFailures
          ? `, but ${count(r.processingFailed - r.expectedFailures)} failed processing unexpectedly`
          : r.expectedFailures
            ? ` (${count(r.expectedFailures)} malformed on purpose, in processing-failed)`
            : ''}
        .
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        s3://{report.bucket} · checked {clock(report.checkedAt)}
        {view.checking ? ' (checking…)' : ''} · auto-refresh {view.auto ? 'on' : 'off'}
      </Text>
      <Text wrap="truncate">
        sent <Text bold>{count(r.acknowledged)}</Text> · delivered <Text bold>{count(r.delivered)}</Text> ·
        missing <Text color={tone(r.missing ? 'warn' : 'muted')}>{count(r.missing)}</Text> · duplicates{' '}
        {count(r.duplicates)} · processing-failed{' '}
        <Text color={tone(r.processingFailed > r.expectedFailures ? 'bad' : 'muted')}>
          {count(r.processingFailed)}
        </Text>
      </Text>
      <Text color={tone('muted')} wrap="truncate">
        {r.latency
          ? `latency (acknowledged -> written) p50 ${duration(r.latency.p50)} · p99 ${duration(r.latency.p99)}`
          : 'latency: no delivery yet'}
        {r.lateAcknowledged ? ` · ${count(r.lateAcknowledged)} delivered whose acknowledgement was lost` : ''}
        {r.producerFailed ? ` · ${count(r.producerFailed)} the producer gave up on` : ''}
        {r.unknown ? ` · ${count(r.unknown)} delivered records not in the journal` : ''}
        {r.unknownFailed ? ` · ${count(r.unknownFailed)} failed records not sent by kinesis-tui` : ''}
      </Text>
      {status}
      {(view.diagnosis ?? []).slice(0, 3).map((line) => (
        <Text key={line} color={tone('warn')} wrap="truncate">
          {'  '}- {clip(line, width - 4)}
        </Text>
      ))}
      {view.error ? (
        <Text color={tone('bad')} wrap="truncate">
          {SYMBOLS.failed} The last check failed: {view.error}
        </Text>
      ) : null}
    </Box>
  );
}

function PreviewTable({ preview, width, rows }: { preview: Preview; width: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {preview.kind === 'failed' ? 'Processing-failed records' : 'Transformed records'} in{' '}
        {tail(preview.key, Math.max(10, width - 50))}
        {preview.loading ? ' (reading…)' : ` (${count(preview.rows.length)})`}
      </Text>
      {preview.error ? (
        <Text color={tone('bad')}>Could not read it: {preview.error}</Text>
      ) : (
        <Table
          columns={previewColumns(preview)}
          rows={preview.rows}
          width={width}
          maxRows={rows}
          rowKey={(_, i) => String(i)}
          empty={preview.loading ? 'reading…' : 'no records in this object'}
        />
      )}
    </Box>
  );
}
