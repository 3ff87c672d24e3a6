import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../src/pipeline/journal.js';

describe('journal', () => {
  it('reads acknowledgements, failures, runs and events whose acknowledgement was lost', () => {
    const text = [
      JSON.stringify({ run: { started: 1, stream: 's', seed: 4 } }),
      JSON.stringify({ pending: ['a', 'b', 'c', 'd'], time: 2 }),
      JSON.stringify({ event_id: 'a', shard: 'shardId-0', seq: '1', time: 3, category: 'Books' }),
      JSON.stringify({ failed: 'b', reason: 'InternalFailure', time: 4 }),
      JSON.stringify({
        event_id: 'c',
        shard: 'shardId-0',
        seq: '2',
        time: 5,
        category: 'Other',
        malformed: true,
      }),
      '{"event_id":"d","sha', // torn by a crash
    ].join('\n');
    const journal = parseJournal(text);
    expect([...journal.acknowledged.keys()]).toEqual(['a', 'c']);
    expect(journal.acknowledged.get('c')?.malformed).toBe(true);
    expect(journal.failed.get('b')?.reason).toBe('InternalFailure');
    expect([...journal.unconfirmed]).toEqual(['d']);
    expect(journal.unreadable).toEqual([6]);
    expect(journal.runs).toEqual([{ started: 1, stream: 's', seed: 4 }]);
  });

  it('counts an event acknowledged after an earlier give-up as acknowledged', () => {
    const journal = parseJournal(
      [
        JSON.stringify({ failed: 'x', reason: 'r', time: 1 }),
        JSON.stringify({ event_id: 'x', shard: 's', seq: '9', time: 2, category: 'Books' }),
      ].join('\n'),
    );
    expect(journal.failed.size).toBe(0);
    expect(journal.acknowledged.has('x')).toBe(true);
  });
});
