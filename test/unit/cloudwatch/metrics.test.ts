import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateByPeriod, MetricStore, statisticOf } from '../../../src/local-cloud/cloudwatch/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 2, 7, 9, 0, 0);
const dims = [{ Name: 'StreamName', Value: 's' }];

describe('the metric store', () => {
  it('keeps one aggregate a minute, groups periods from the start time, and leaves out periods without data', () => {
    const store = new MetricStore();
    for (const [minute, value] of [
      [0, 5],
      [0, 1],
      [1, 7],
      [4, 2],
    ] as const)
      store.put('AWS/Kinesis', 'IncomingRecords', dims, value, 'Count', T0 + minute * 60_000 + 30_000);
    const series = store.find('AWS/Kinesis', 'IncomingRecords', [...dims]);
    if (!series) throw new Error('no series');
    const byTwo = aggregateByPeriod(series, T0, T0 + 10 * 60_000, 120);
    expect(
      byTwo.map((p) => [
        (p.time - T0) / 60_000,
        statisticOf(p.aggregate, 'Sum'),
        statisticOf(p.aggregate, 'Maximum'),
      ]),
    ).toEqual([
      [0, 13, 7],
      [4, 2, 2],
    ]);
    expect(statisticOf(byTwo[0]?.aggregate ?? { sum: 0, count: 0, min: 0, max: 0 }, 'Average')).toBeCloseTo(
      13 / 3,
    );
    // A period under the metric's resolution groups by the resolution.
    expect(aggregateByPeriod(series, T0, T0 + 2 * 60_000, 10).map((p) => p.aggregate.sum)).toEqual([6, 7]);
    // The same dimensions in another order name the same metric.
    store.put(
      'N',
      'M',
      [
        { Name: 'a', Value: '1' },
        { Name: 'b', Value: '2' },
      ],
      1,
      'Count',
      T0,
    );
    expect(
      store.find('N', 'M', [
        { Name: 'b', Value: '2' },
        { Name: 'a', Value: '1' },
      ]),
    ).toBeDefined();
  });

  it('comes back from its file after a restart, and starts empty from a file cut short', () => {
    const path = join(dir, 'metrics.json');
    const first = new MetricStore(path);
    first.put('AWS/Firehose', 'DeliveryToS3.Records', [], 40, 'Count', Date.now());
    first.stop();
    const again = new MetricStore(path);
    expect(again.find('AWS/Firehose', 'DeliveryToS3.Records', [])?.buckets.size).toBe(1);
    writeFileSync(path, '{"series": [');
    const logged: string[] = [];
    const broken = new MetricStore(path, (m) => logged.push(m));
    expect([...broken.all()]).toEqual([]);
    expect(logged[0]).toMatch(/starting without past metrics/);
  });
});
