import { describe, expect, it } from 'vitest';
import type { LogLine, LogPoll } from '../../../src/pipeline/logs.js';
import { LINES_KEPT, LogsController } from '../../../src/ui/state/logs.js';

const line = (i: number, message: string, error = false): LogLine => ({
  kind: 'transform',
  group: '/aws/lambda/t',
  stream: 's',
  time: i,
  message,
  error,
  id: String(i),
});

function feed(polls: LogPoll[]) {
  return {
    sources: [{ kind: 'transform' as const, group: '/aws/lambda/t' }],
    poll: async () => polls.shift() ?? { lines: [], missingGroups: [] },
  };
}

describe('the Logs view state', () => {
  it('keeps new lines after the old, the newest LINES_KEPT, counting errors', async () => {
    const many = Array.from({ length: LINES_KEPT + 10 }, (_, i) => line(i, `line ${i}`, i % 100 === 0));
    const c = new LogsController(
      feed([
        { lines: many.slice(0, 20), missingGroups: ['/aws/kinesisfirehose/d'] },
        { lines: many.slice(20), missingGroups: [] },
      ]),
      1000,
    );
    await c.poll();
    expect(c.store.get()).toMatchObject({ missing: ['/aws/kinesisfirehose/d'], errors: 1 });
    await c.poll();
    const view = c.store.get();
    expect(view.lines).toHaveLength(LINES_KEPT);
    expect(view.lines[0]?.message).toBe('line 10');
    expect(view.lines.at(-1)?.message).toBe(`line ${LINES_KEPT + 9}`);
    expect(view.errors).toBe(5);
  });

  it('filters what it keeps by text, any case, at once and as new lines come', async () => {
    const c = new LogsController(
      feed([
        { lines: [line(1, 'START'), line(2, "[ERROR] KeyError: 'Records'", true)], missingGroups: [] },
        { lines: [line(3, 'keyerror again', true), line(4, 'END')], missingGroups: [] },
      ]),
      1000,
    );
    await c.poll();
    c.setFilter('KEYERROR');
    expect(c.store.get().shown.map((l) => l.time)).toEqual([2]);
    await c.poll();
    expect(c.store.get().shown.map((l) => l.time)).toEqual([2, 3]);
    c.setFilter('');
    expect(c.store.get().shown).toHaveLength(4);
  });

  it('says when a poll fails, and clears it on the next that works', async () => {
    let calls = 0;
    const c = new LogsController(
      {
        sources: [],
        poll: async () => {
          calls++;
          if (calls === 1) throw new Error('ThrottlingException: Rate exceeded');
          return { lines: [], missingGroups: [] };
        },
      },
      1000,
    );
    await c.poll();
    expect(c.store.get().error).toBe('ThrottlingException: Rate exceeded');
    await c.poll();
    expect(c.store.get().error).toBeUndefined();
  });
});
