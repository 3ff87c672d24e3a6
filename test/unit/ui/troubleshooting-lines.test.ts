import { describe, expect, it } from 'vitest';
import type { Cause } from '../../../src/pipeline/diagnosis/causes.js';
import type { LogLine } from '../../../src/pipeline/logs.js';
import type { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import { diagnosisLines } from '../../../src/ui/components/diagnosis.js';
import { type Line, lineText } from '../../../src/ui/components/lines.js';
import { logLines } from '../../../src/ui/components/logs.js';
import { hotShards, metricsLines } from '../../../src/ui/components/metrics.js';

const texts = (lines: Line[]) => lines.map(lineText);
const widest = (lines: Line[]) => Math.max(...texts(lines).map((l) => [...l].length));

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

describe('troubleshooting lines at 80 columns', () => {
  it('metrics: a sparkline a series, the hot shard first and marked, Firehose in, out and freshness', () => {
    expect(hotShards(METRICS)).toEqual(new Set(['shardId-000000000001']));
    const lines = metricsLines(METRICS, 80);
    expect(widest(lines)).toBeLessThanOrEqual(80);
    const [heading, stream, hot, cold, inLine, outLine] = texts(lines);
    expect(heading).toMatch(/CloudWatch, last 5 min, a bar a min/);
    expect(stream).toMatch(/^stream in .*[▁▂▃▄▅▆▇█].* 1,950\/min · throttled 670/);
    expect(hot).toMatch(/^!shard 0001 .* 6,040 in · 670 thr hot/);
    expect(cold).toMatch(/^ shard 0000 .* 610 in · 0 thr\s*$/);
    expect(inLine).toMatch(/^firehose in .* 6,650 records/);
    expect(outLine).toMatch(/^delivered .* 4,700 · fresh 58s/);
    const off = texts(metricsLines({ ...METRICS, shardLevel: false, shards: [] }, 80));
    expect(off[2]).toMatch(/per shard: off \(e turns on shard-level metrics; billed per shard on AWS\)/);
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
    const lines = diagnosisLines(causes, 80, 20);
    expect(widest(lines)).toBeLessThanOrEqual(80);
    const all = texts(lines).join('\n');
    expect(all).toMatch(/^Why: The transform fails on its batches: KeyError: 'Records'/);
    expect(all).toContain('  seen: at index.py line 19: records = event["Records"]');
    expect(all).toMatch(/ {2}fix: {2}Firehose sends its records under event\['records'\]/);
    expect(all).toContain('also: The stream throttled writes: 12 events were never taken');
    // Short of room, the evidence gives way before the fix.
    const short = texts(diagnosisLines(causes, 80, 5));
    expect(short).toHaveLength(5);
    expect(short[0]).toMatch(/^Why: /);
    expect(short.slice(1, 4).join(' ')).toMatch(
      /^ {2}fix: {2}Firehose sends its records .* then deploy again\.$/,
    );
    expect(short[4]).toBe('… (kinesis-tui verify prints it all)');
    const tiny = texts(diagnosisLines(causes, 80, 3));
    expect(tiny).toHaveLength(3);
    expect(tiny[2]).toBe('… (kinesis-tui verify prints it all)');
  });

  it('logs: newest at the bottom, errors marked, each line wrapped to the width (Firehose records by their code)', () => {
    const line = (i: number, message: string, error = false): LogLine => ({
      kind: i % 2 ? 'firehose' : 'transform',
      group: 'g',
      stream: 's',
      time: new Date(2026, 2, 7, 9, 5, i).getTime(),
      message,
      error,
      id: String(i),
    });
    const lines = logLines(
      [
        line(0, 'START RequestId: 1 Version: $LATEST'),
        line(
          1,
          '{"errorCode":"Lambda.FunctionError","message":"The Lambda function was successfully invoked but it returned an error result."}',
          true,
        ),
        line(2, "[ERROR] KeyError: 'Records'\nTraceback (most recent call last):", true),
      ],
      80,
      3,
    );
    expect(widest(lines)).toBeLessThanOrEqual(80);
    const rows = texts(lines);
    // Firehose's record as its code and message, wrapped under itself (the newest 3 rows shown).
    expect(rows[0]).toBe(`${' '.repeat(21)}invoked but it returned an error result.`);
    expect(rows[1]).toBe("09:05:02 transform ! [ERROR] KeyError: 'Records'");
    expect(rows[2]).toMatch(/^ {21}Traceback \(most recent call last\):/);
    expect(lines[1]?.[0]?.tone).toBe('bad');
    const all = texts(
      logLines(
        [
          line(
            1,
            '{"errorCode":"Lambda.FunctionError","message":"The Lambda function was successfully invoked but it returned an error result."}',
            true,
          ),
        ],
        80,
        10,
      ),
    );
    expect(all).toEqual([
      '09:05:01 firehose  ! Lambda.FunctionError: The Lambda function was successfully',
      `${' '.repeat(21)}invoked but it returned an error result.`,
    ]);
  });
});
