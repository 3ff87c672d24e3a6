import { describe, expect, it } from 'vitest';
import { bar } from '../../../src/ui/components/bar-chart.js';
import { sparkline } from '../../../src/ui/components/sparkline.js';
import { columnWidths } from '../../../src/ui/components/table.js';
import { bytes, cell, clip, count, duration, rate, tail, wrap } from '../../../src/ui/format.js';
import { blankKey, keystrokes } from '../../../src/ui/input.js';
import { typeInto } from '../../../src/ui/keys.js';
import { noWizardMessage, whyNoWizard } from '../../../src/ui/run.js';
import type { SessionState } from '../../../src/ui/state/session.js';
import { RingBuffer, Store } from '../../../src/ui/state/store.js';
import { nextRate } from '../../../src/ui/state/stream.js';
import { awaited, DELIVERY_ALLOWANCE_S, previewColumns, previewRows } from '../../../src/ui/state/verify.js';
import { cycleStep, stepStates } from '../../../src/ui/steps.js';
import { colorsEnabled } from '../../../src/ui/theme.js';

describe('RingBuffer', () => {
  it('keeps the newest items, newest first, and filters', () => {
    const ring = new RingBuffer<number>(3);
    for (const n of [1, 2, 3, 4, 5]) ring.push(n);
    expect(ring.newestFirst()).toEqual([5, 4, 3]);
    expect(ring.newestFirst(2)).toEqual([5, 4]);
    expect(ring.newestFirst(3, (n) => n % 2 === 1)).toEqual([5, 3]);
    expect(ring.size).toBe(3);
  });

  it('keeps only what fits from a large batch and counts every push as a change', () => {
    const ring = new RingBuffer<number>(4);
    const before = ring.version;
    ring.pushAll(Array.from({ length: 1000 }, (_, i) => i));
    expect(ring.newestFirst()).toEqual([999, 998, 997, 996]);
    expect(ring.version - before).toBe(1000);
  });
});

describe('Store', () => {
  it('tells listeners about new values only', () => {
    const store = new Store({ n: 1 });
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.update({ n: 2 });
    store.set((v) => v);
    expect(calls).toBe(1);
    expect(store.get().n).toBe(2);
    off();
    store.update({ n: 3 });
    expect(calls).toBe(1);
  });
});

describe('formatting', () => {
  it('formats counts, rates, durations and sizes for people', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(rate(5000)).toBe('5,000/s');
    expect(rate(Number.POSITIVE_INFINITY)).toBe('max');
    expect(duration(950)).toBe('950ms');
    expect(duration(4200)).toBe('4.2s');
    expect(duration(65_000)).toBe('1m 05s');
    expect(duration(3_720_000)).toBe('1h 02m');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
  });

  it('fits text to a width, keeping the end of ids', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(cell('ab', 4, 'right')).toBe('  ab');
    expect(cell('abcdef', 4)).toBe('abc…');
    expect(tail('49634000000000000000012345', 6)).toBe('…12345');
  });
});

describe('charts', () => {
  it('scales a sparkline to its largest value', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe(' ▁▂▄█');
    expect(sparkline([5], 3)).toBe('  █');
    expect(sparkline([], 2)).toBe('  ');
  });

  it('draws bars in proportion, in eighths of a cell', () => {
    expect(bar(10, 10, 4)).toBe('████');
    expect(bar(5, 10, 4)).toBe('██');
    expect(bar(1, 16, 4)).toBe('▎');
    expect(bar(0, 10, 4)).toBe('');
  });

  it('gives the flexible column what the fixed ones leave', () => {
    expect(columnWidths([{ width: 8 }, {}, { width: 4 }], 40)).toEqual([8, 26, 4]);
  });
});

describe('rates', () => {
  it('steps through the rate ladder and stops at its ends', () => {
    expect(nextRate(50, 1)).toBe(100);
    expect(nextRate(50, -1)).toBe(20);
    expect(nextRate(70, 1)).toBe(100);
    expect(nextRate(1, -1)).toBe(1);
    expect(nextRate(10_000, 1)).toBe(10_000);
  });
});

function state(patch: Partial<SessionState>): SessionState {
  return {
    connection: 'ready',
    stackName: 'kinesis-tui',
    stack: null,
    done: { deploy: false, stream: false, verify: false, cleanup: false },
    sent: { sent: 0, acknowledged: 0, failed: 0 },
    pick: {},
    ...patch,
  };
}

describe('steps', () => {
  it('opens Stream and Verify only on a deployed stack, Cleanup on any stack', () => {
    const none = stepStates(state({ stack: null }));
    expect(none.map((s) => s.reachable)).toEqual([true, false, false, false]);
    expect(none[1]?.why).toBe('deploy the stack first');
    expect(none[3]?.why).toBe('there is no stack to delete');
    const failed = stepStates(state({ stack: { name: 'k', status: 'ROLLBACK_COMPLETE', outputs: {} } }));
    expect(failed.map((s) => s.reachable)).toEqual([true, false, false, true]);
    const ready = stepStates(
      state({
        stack: { name: 'k', status: 'CREATE_COMPLETE', outputs: { StreamName: 's', BucketName: 'b' } },
      }),
    );
    expect(ready.every((s) => s.reachable)).toBe(true);
    expect(stepStates(state({ connection: 'connecting' })).every((s) => !s.reachable)).toBe(true);
  });

  it('cycles through reachable steps only', () => {
    const steps = stepStates(state({ stack: { name: 'k', status: 'ROLLBACK_COMPLETE', outputs: {} } }));
    expect(cycleStep(steps, 'deploy', 1)).toBe('cleanup');
    expect(cycleStep(steps, 'cleanup', 1)).toBe('deploy');
    expect(cycleStep(steps, 'deploy', -1)).toBe('cleanup');
  });
});

describe('where the wizard may be mounted', () => {
  const tty = { isTTY: true };
  const out = { isTTY: true, write: () => true };
  it('needs both ends to be terminals and CI unset', () => {
    expect(whyNoWizard({ stdin: tty, stdout: out, env: {} })).toBeUndefined();
    expect(whyNoWizard({ stdin: tty, stdout: out, env: { CI: 'true' } })).toBe('CI is set');
    expect(whyNoWizard({ stdin: {}, stdout: out, env: {} })).toBe('standard input is not a terminal');
    expect(whyNoWizard({ stdin: tty, stdout: { write: () => true }, env: {} })).toBe(
      'standard output is not a terminal',
    );
    expect(noWizardMessage('CI is set')).toMatch(/kinesis-tui deploy[\s\S]*kinesis-tui teardown/);
  });

  it('drops colours with NO_COLOR', () => {
    expect(colorsEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled({})).toBe(true);
  });
});

describe('typing into a field', () => {
  const key = (over: Record<string, boolean> = {}) =>
    ({ backspace: false, delete: false, ctrl: false, meta: false, ...over }) as Parameters<
      typeof typeInto
    >[2];
  it('applies backspaces and text that arrive in one chunk, dropping other control characters', () => {
    expect(typeInto('60', '\u007f\u007f0', key())).toBe('0');
    expect(typeInto('ab', 'c\r', key())).toBe('abc');
    expect(typeInto('ab', '', key({ backspace: true }))).toBe('a');
    expect(typeInto('', '\u007f', key())).toBe('');
    expect(typeInto('ab', 'c', key({ ctrl: true }))).toBe('ab');
  });
});

describe('what Verify awaits', () => {
  const report = (missing: number, oldestMissingAt?: number) =>
    ({
      reconciliation: { missing, ...(oldestMissingAt !== undefined ? { oldestMissingAt } : {}) },
    }) as Parameters<typeof awaited>[0];
  it('is due both buffer intervals and the time to deliver after the longest-waiting event, with AWS defaults when unknown', () => {
    expect(awaited(report(0, 1_000))).toBeUndefined();
    expect(
      awaited(report(3, 10_000), {
        status: 'ACTIVE',
        bufferIntervalSeconds: 60,
        processorIntervalSeconds: 5,
      }),
    ).toEqual({ events: 3, bufferSeconds: 65, dueAt: 75_000 + DELIVERY_ALLOWANCE_S * 1000 });
    expect(awaited(report(1, 0))).toEqual({
      events: 1,
      bufferSeconds: 360,
      dueAt: 360_000 + DELIVERY_ALLOWANCE_S * 1000,
    });
    // Buffers at 0: not due at once (Firehose still reads, transforms and writes), so not overdue either.
    expect(
      awaited(report(2, 5_000), { status: 'ACTIVE', bufferIntervalSeconds: 0, processorIntervalSeconds: 0 })
        ?.dueAt,
    ).toBe(5_000 + DELIVERY_ALLOWANCE_S * 1000);
  });

  it('previews delivered records by field and failed ones decoded', () => {
    expect(
      previewRows('delivered', [{ event_id: 'e1', price: 12.5, item_id: null, category: 'Books' }]),
    ).toEqual([{ event_id: 'e1', item_id: '', category: 'Books', price: '12.5' }]);
    // A transform of the user's own: its fields, ours first in their order, then the others.
    const seed = [
      { user_id: 'user_1', item_id: 512, category: 'Electronics', price: 40.5 },
      { user_id: 'user_2', item_id: 120, category: 'Clothing', price: 12, discount: 0.1 },
    ];
    expect(previewColumns('delivered', seed)).toEqual([
      'user_id',
      'item_id',
      'category',
      'price',
      'discount',
    ]);
    expect(previewRows('delivered', seed)[1]).toEqual({
      user_id: 'user_2',
      item_id: '120',
      category: 'Clothing',
      price: '12',
      discount: '0.1',
    });
    const failed = {
      attemptsMade: 4,
      errorCode: 'Lambda.ProcessingFailed',
      errorMessage: 'refused',
      rawData: Buffer.from('not json').toString('base64'),
    };
    expect(previewRows('failed', [failed, 'junk'])).toEqual([
      { errorCode: 'Lambda.ProcessingFailed', errorMessage: 'refused', attempts: '4', raw: 'not json' },
      { errorCode: '(unreadable)', errorMessage: '', attempts: '', raw: 'junk' },
    ]);
  });
});

describe('wrapping', () => {
  it('breaks at spaces, never cuts a word, and breaks a long identifier after a separator', () => {
    expect(wrap('Firehose writes an object at least this often', 20)).toEqual([
      'Firehose writes an',
      'object at least this',
      'often',
    ]);
    expect(wrap('arn:aws:kinesis:us-east-1:000000000000:stream/kinesis-tui-events', 50)).toEqual([
      'arn:aws:kinesis:us-east-1:000000000000:stream/',
      'kinesis-tui-events',
    ]);
    expect(wrap('short', 80)).toEqual(['short']);
    expect(wrap('one\ntwo', 80)).toEqual(['one', 'two']);
    expect(wrap('    indented text here', 12)).toEqual(['    indented', 'text here']);
    expect(wrap('        x', 4)).toEqual(['   x']);
  });
});

describe('keystrokes in one read', () => {
  const plain = (input: string) => keystrokes(input, blankKey());
  it('takes a paste apart: text, Enter, Backspace, Tab and Ctrl-letters each on their own', () => {
    const keys = plain('0\r');
    expect(keys.map((k) => k.input)).toEqual(['0', '']);
    expect(keys[1]?.key.return).toBe(true);
    expect(plain('e\u007f\u007f').map((k) => [k.input, k.key.delete])).toEqual([
      ['e', false],
      ['', true],
      ['', true],
    ]);
    const ctrlC = plain('ab\u0003')[2];
    expect([ctrlC?.input, ctrlC?.key.ctrl]).toEqual(['c', true]);
    expect(plain('\t')).toHaveLength(1);
    expect(plain('q')).toEqual([{ input: 'q', key: blankKey() }]);
  });

  it('reads Esc pressed together with an arrow as Esc, then the arrow', () => {
    const keys = keystrokes('', { ...blankKey(), downArrow: true, meta: true });
    expect(keys.map((k) => [k.key.escape, k.key.downArrow, k.key.meta])).toEqual([
      [true, false, true],
      [false, true, false],
    ]);
  });
});

describe('wrapped lines with an indent', () => {
  it('indents the lines after the first, and never adds a space where a word was broken', async () => {
    const { wrappedLines } = await import('../../../src/ui/components/wrapped.js');
    expect(wrappedLines('{"event_id":"abc","category":"Books","price":"49.33"}', 30, '  ')).toEqual([
      '{"event_id":"abc","category":',
      '  "Books","price":"49.33"}',
    ]);
    expect(wrappedLines('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
  });
});
