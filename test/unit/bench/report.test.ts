import { describe, expect, it } from 'vitest';
import {
  type BenchResults,
  figureResult,
  formatTable,
  README_END,
  README_START,
  withBenchSection,
} from '../../../bench/report.js';
import { meets, summarize } from '../../../bench/scenario.js';

const machine = {
  cpus: 2,
  model: 'Test CPU',
  memoryGiB: 8,
  node: 'v20.0.0',
  os: 'Linux 6',
  loadBefore: 1,
  loadAfter: 2,
};

function results(): BenchResults {
  return {
    startedAt: '2025-01-02T03:04:05.000Z',
    seconds: 42,
    machine,
    settings: { runs: 3, scale: 1 },
    scenarios: [
      {
        id: 'producer',
        title: 'Producer',
        seconds: 10,
        notes: ['4 shards'],
        figures: [
          figureResult(
            { id: 'ratio', label: 'ours / baseline', unit: 'x', target: { op: '>=', value: 50 }, digits: 1 },
            [60, 40, 55],
          ),
          figureResult({ id: 'rate', label: 'events/s', unit: 'events/s' }, [12_000, 13_000]),
          figureResult(
            { id: 'lat', label: 'latency', unit: 's', target: { op: '<', value: 15 } },
            [16, 17, 18],
          ),
        ],
      },
      {
        id: 'wizard',
        title: 'Wizard',
        seconds: 1,
        notes: [],
        error: 'tmux is not installed',
        figures: [figureResult({ id: 'cpu', label: 'CPU', unit: '%', target: { op: '<=', value: 25 } }, [])],
      },
    ],
  };
}

describe('bench statistics', () => {
  it('gives the median (middle two averaged for an even count), min and max, ignoring non-numbers', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(summarize([Number.NaN, 5])).toEqual({ median: 5, min: 5, max: 5 });
    expect(summarize([])).toBeUndefined();
  });

  it('holds the median to the target', () => {
    expect(meets(50, { op: '>=', value: 50 })).toBe(true);
    expect(meets(15, { op: '<', value: 15 })).toBe(false);
    const ratio = figureResult(
      { id: 'r', label: 'r', unit: 'x', target: { op: '>=', value: 50 } },
      [60, 40, 55],
    );
    expect(ratio).toMatchObject({ median: 55, min: 40, max: 60, met: true, target: '≥ 50 x' });
    expect(figureResult({ id: 'n', label: 'n', unit: '' }, [1]).met).toBeUndefined();
  });
});

describe('the bench table', () => {
  it('shows every figure with median, min, max, target and whether it is met; errors and notes after', () => {
    const table = formatTable(results());
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| figure +\| median \| +min \| +max \| unit +\| target +\| status \|$/);
    expect(table).toMatch(
      /\| Producer: ours \/ baseline +\| +55\.0 \| +40\.0 \| +60\.0 \| x +\| ≥ 50 x +\| met +\|/,
    );
    expect(table).toMatch(/\| Producer: events\/s +\| +12,500 \| +12,000 \| +13,000 \| events\/s \| +\| +\|/);
    expect(table).toMatch(/\| Producer: latency +\| +17\.00 \|.*\| < 15 s +\| MISSED \|/);
    expect(table).toMatch(/\| Wizard: CPU +\| +- \| +- \| +- \| % +\| ≤ 25 % +\| error +\|/);
    expect(table).toContain('- Wizard: stopped: tmux is not installed');
    expect(table).toContain('- Producer: 4 shards');
  });

  it('replaces the README section between its markers, or adds one', () => {
    const table = formatTable(results());
    const fresh = withBenchSection('# App\n\ntext\n', results(), table);
    expect(fresh).toContain('## Benchmarks');
    expect(fresh).toContain('on 2 × Test CPU, 8 GiB, Linux 6, Node v20.0.0');
    const again = withBenchSection(
      `${fresh}\n## After\n`,
      { ...results(), startedAt: '2026-05-06T00:00:00Z' },
      'NEW',
    );
    expect(again.match(new RegExp(README_START, 'g'))).toHaveLength(1);
    expect(again).toContain('Last run 2026-05-06');
    expect(again).toContain(`NEW\n${README_END}`);
    expect(again).not.toContain('Last run 2025-01-02');
    expect(again).toContain('## After');
  });
});
