import { describe, expect, it } from 'vitest';
import { MIB, ShardBudgets } from '../../../src/local-cloud/kinesis/throughput.js';

describe('shard write budget', () => {
  it('takes a one-second burst of 1,000 records, then 1,000 a second', () => {
    const budgets = new ShardBudgets();
    const t0 = 1_000_000;
    let admitted = 0;
    for (let i = 0; i < 1500; i++) if (budgets.admitWrite('s/0', 10, t0)) admitted++;
    expect(admitted).toBe(1000);
    // Half a second later, half a second of budget is back.
    admitted = 0;
    for (let i = 0; i < 1000; i++) if (budgets.admitWrite('s/0', 10, t0 + 500)) admitted++;
    expect(admitted).toBe(500);
    // A steady writer at the rate is never refused.
    for (let ms = 1; ms <= 5000; ms++) expect(budgets.admitWrite('s/0', 10, t0 + 10_000 + ms)).toBe(true);
  });

  it('takes at most 1 MiB a second, counting data plus partition key', () => {
    const budgets = new ShardBudgets();
    expect(budgets.admitWrite('s/0', 600 * 1024, 0)).toBe(true);
    expect(budgets.admitWrite('s/0', 600 * 1024, 0)).toBe(false);
    // A smaller record still fits what is left.
    expect(budgets.admitWrite('s/0', 400 * 1024, 0)).toBe(true);
    expect(budgets.admitWrite('s/0', 600 * 1024, 1000)).toBe(true);
  });

  it('keeps each shard to its own budget, and forgets a deleted stream', () => {
    const budgets = new ShardBudgets();
    expect(budgets.admitWrite('a/0', MIB, 0)).toBe(true);
    expect(budgets.admitWrite('a/0', 1, 0)).toBe(false);
    expect(budgets.admitWrite('a/1', MIB, 0)).toBe(true);
    expect(budgets.admitWrite('b/0', MIB, 0)).toBe(true);
    budgets.forget('a/');
    expect(budgets.admitWrite('a/0', MIB, 0)).toBe(true);
    expect(budgets.admitWrite('b/0', 1, 0)).toBe(false);
  });
});

describe('shard read budget', () => {
  it('takes 5 GetRecords calls a second', () => {
    const budgets = new ShardBudgets();
    const calls = Array.from({ length: 7 }, () => budgets.admitRead('s/0', 0));
    expect(calls).toEqual([true, true, true, true, true, false, false]);
    expect(budgets.admitRead('s/0', 200)).toBe(true);
  });

  it('refuses calls while a large read is paid off at 2 MiB a second', () => {
    const budgets = new ShardBudgets();
    expect(budgets.admitRead('s/0', 0)).toBe(true);
    budgets.spendRead('s/0', 10 * MIB, 0);
    expect(budgets.admitRead('s/0', 1000)).toBe(false);
    expect(budgets.admitRead('s/0', 3900)).toBe(false);
    expect(budgets.admitRead('s/0', 4100)).toBe(true);
  });
});
