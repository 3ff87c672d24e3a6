import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cause } from '../../src/pipeline/diagnosis/causes.js';
import type { LogLine } from '../../src/pipeline/logs.js';
import type { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { DiagnosisPanel } from '../../src/ui/components/diagnosis-panel.js';
import { LogView } from '../../src/ui/components/log-view.js';
import { hotShards, MetricsPanel } from '../../src/ui/components/metrics-panel.js';

afterEach(() => cleanup());

const widest = (frame: string) => Math.max(...frame.split('\n').map((l) => [...l].length));

const METRICS: PipelineMetrics = {
  periodSeconds: 60,
  from: 0,
  stream: { incoming: [0, 900, 1800, 2000, 1950], throttled: [0, 0, 120, 300, 250] },
  shardLevel: true,
  shards: [
    { shardId: 'shardId-000000000000', incoming: [0, 100, 200, 150, 160], throttled: [0, 0, 0, 0, 0] },
    {
      shardId: 'shardId-000000000001',
      incoming: [0, 800, 1600, 1850, 1790],
      throttled: [0, 0, 120, 300, 250],
    },
  ],
  firehose: {
    recordsIn: [0, 900, 1800, 2000, 1950],
    delivered: [0, 0, 900, 1800, 2000],
    freshness: [undefined, 40, 55, 61, 58],
  },
};

describe('troubleshooting panels at 80 columns', () => {
  it('metrics: a sparkline a series, the hot shard first and marked, Firehose in, out and freshness', () => {
    expect(hotShards(METRICS)).toEqual(new Set(['shardId-000000000001']));
    const { lastFrame } = render(<MetricsPanel metrics={METRICS} width={80} />);
    const frame = lastFrame() ?? '';
    expect(widest(frame)).toBeLessThanOrEqual(80);
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/CloudWatch, last 5 min, a bar a min/);
    expect(lines[1]).toMatch(/^stream in .*[▁▂▃▄▅▆▇█].* 1,950\/min · throttled 670/);
    expect(lines[2]).toMatch(/^!shard 0001 .* 6,040 in · 670 thr hot/);
    expect(lines[3]).toMatch(/^ shard 0000 .* 610 in · 0 thr\s*$/);
    expect(frame).toMatch(/firehose in .* 6,650 records/);
    expect(frame).toMatch(/delivered .* 4,700 · fresh 58s/);
  });

  it('metrics without shard-level metrics say how to turn them on', () => {
    const { lastFrame } = render(
      <MetricsPanel metrics={{ ...METRICS, shardLevel: false, shards: [] }} width={80} />,
    );
    expect(lastFrame()).toMatch(/per shard: off \(e turns on shard-level metrics; billed per shard on AWS\)/);
    expect(widest(lastFrame() ?? '')).toBeLessThanOrEqual(80);
  });

  it('diagnosis: the cause, what shows it and the fix, wrapped to the width; others by title', () => {
    const causes: Cause[] = [
      {
        id: 'function-error',
        title: "The transform fails on its batches: KeyError: 'Records'",
        evidence: ["t log: KeyError: 'Records' (3 times)", 'at index.py line 19: records = event["Records"]'],
        fix: "Firehose sends its records under event['records'] (lower case; event['Records'] is what S3, SQS and Kinesis triggers send): read event['records'], then deploy again.",
      },
      {
        id: 'stream-throttling',
        title: 'The stream throttled writes: 12 events were never taken',
        evidence: [],
        fix: 'add shards',
      },
    ];
    const { lastFrame } = render(<DiagnosisPanel causes={causes} width={80} height={10} />);
    const frame = lastFrame() ?? '';
    expect(widest(frame)).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/^Why: The transform fails on its batches: KeyError: 'Records'/);
    expect(frame).toContain('  seen: at index.py line 19: records = event["Records"]');
    expect(frame).toMatch(/ {2}fix: {2}Firehose sends its records under event\['records'\]/);
    expect(frame).toContain('also: The stream throttled writes: 12 events were never taken');
    const short = render(<DiagnosisPanel causes={causes} width={80} height={3} />).lastFrame() ?? '';
    expect(short.split('\n')).toHaveLength(3);
    expect(short).toMatch(/… \(kinesis-tui verify prints it all\)$/);
  });

  it('logs: newest at the bottom, errors marked, each line cut to the width', () => {
    const line = (i: number, message: string, error = false): LogLine => ({
      kind: i % 2 ? 'firehose' : 'transform',
      group: 'g',
      stream: 's',
      time: new Date(2026, 2, 7, 9, 5, i).getTime(),
      message,
      error,
      id: String(i),
    });
    const lines = [
      line(0, 'START RequestId: 1 Version: $LATEST'),
      line(
        1,
        '{"errorCode":"Lambda.FunctionError","message":"The Lambda function was successfully invoked but it returned an error result."}',
        true,
      ),
      line(2, "[ERROR] KeyError: 'Records'\nTraceback (most recent call last):", true),
    ];
    const { lastFrame } = render(<LogView lines={lines} width={80} height={3} />);
    const rows = (lastFrame() ?? '').split('\n');
    expect(widest(lastFrame() ?? '')).toBeLessThanOrEqual(80);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^09:05:01 firehose {2}! \{"errorCode":"Lambda\.FunctionError".*…$/);
    expect(rows[1]).toBe("09:05:02 transform ! [ERROR] KeyError: 'Records'");
    expect(rows[2]).toMatch(/^ {21}Traceback \(most recent call last\):/);
  });
});
