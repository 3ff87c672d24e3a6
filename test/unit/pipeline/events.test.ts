import { describe, expect, it } from 'vitest';
import { type Action, categoryOf } from '../../../lambda/records.js';
import { ACTION_WEIGHTS, createEventSource, formatTimestamp } from '../../../src/pipeline/events.js';

const N = 20_000;

function sample(seed: number, users = 1000, n = N) {
  const source = createEventSource({ seed, users, now: () => new Date('2026-11-26T14:05:09.123Z') });
  return Array.from({ length: n }, () => source.next());
}

describe('event source', () => {
  const events = sample(42);

  it('picks actions with the weights of DESIGN.md (login 0.2, view_item 0.3, add_to_cart 0.4, checkout 0.1)', () => {
    const counts = new Map<Action, number>();
    for (const e of events) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    for (const [action, weight] of Object.entries(ACTION_WEIGHTS) as Array<[Action, number]>) {
      const share = (counts.get(action) ?? 0) / N;
      // Four standard deviations of a binomial share: a correct generator fails this about once in 15,000 seeds.
      const sigma = Math.sqrt((weight * (1 - weight)) / N);
      expect(Math.abs(share - weight), `${action}: ${share}`).toBeLessThan(4 * sigma);
    }
  });

  it('gives shopping actions an integer item 100-999 and a price 10.00-100.00 in cents; login neither', () => {
    for (const e of events) {
      if (e.action === 'login') {
        expect(e.item_id).toBeNull();
        expect(e.price).toBeNull();
        continue;
      }
      expect(Number.isInteger(e.item_id)).toBe(true);
      expect(e.item_id).toBeGreaterThanOrEqual(100);
      expect(e.item_id).toBeLessThanOrEqual(999);
      expect(e.price).toBeGreaterThanOrEqual(10);
      expect(e.price).toBeLessThanOrEqual(100);
      expect(Math.round((e.price ?? 0) * 100) / 100).toBe(e.price);
    }
  });

  it('spreads items evenly, so categories come in proportion to their id bands', () => {
    const shopping = events.filter((e) => e.action !== 'login');
    const share = (category: string) =>
      shopping.filter((e) => categoryOf(e.item_id) === category).length / shopping.length;
    expect(share('Clothing')).toBeCloseTo(150 / 900, 1);
    expect(share('Instruments')).toBeCloseTo(250 / 900, 1);
    expect(share('Electronics')).toBeCloseTo(250 / 900, 1);
    expect(share('Books')).toBeCloseTo(250 / 900, 1);
    expect(shopping.some((e) => categoryOf(e.item_id) === 'Other')).toBe(false);
    const prices = shopping.map((e) => e.price ?? 0);
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
    expect(mean).toBeGreaterThan(53);
    expect(mean).toBeLessThan(57);
  });

  it('draws users from a pool of the configured size, so partition keys repeat', () => {
    const small = sample(7, 25, 2_000);
    const users = new Set(small.map((e) => e.user_id));
    expect(users.size).toBe(25);
    expect(new Set(events.map((e) => e.user_id)).size).toBeLessThanOrEqual(1000);
    expect(new Set(events.map((e) => e.user_id)).size).toBeGreaterThan(990);
  });

  it('keeps a user in one session until they log in again', () => {
    const lastSession = new Map<string, string>();
    let kept = 0;
    for (const e of events) {
      const before = lastSession.get(e.user_id);
      if (before && e.action !== 'login') {
        expect(e.session_id).toBe(before);
        kept++;
      }
      if (before && e.action === 'login') expect(e.session_id).not.toBe(before);
      lastSession.set(e.user_id, e.session_id);
    }
    expect(kept).toBeGreaterThan(N / 2);
  });

  it('repeats the same events for the same seed, and different ones for another', () => {
    expect(sample(42, 1000, 50)).toEqual(events.slice(0, 50));
    expect(sample(43, 1000, 50)).not.toEqual(events.slice(0, 50));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(N);
  });

  it('stamps events in UTC as YYYY-MM-DD HH:MM:SS', () => {
    expect(events[0]?.timestamp).toBe('2026-11-26 14:05:09');
    expect(formatTimestamp(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05');
  });

  it('refuses a user pool that is not a positive whole number', () => {
    expect(() => createEventSource({ users: 0 })).toThrow(/whole number/);
    expect(() => createEventSource({ users: 1.5 })).toThrow(/whole number/);
  });
});
