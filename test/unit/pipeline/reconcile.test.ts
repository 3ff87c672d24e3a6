import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../src/pipeline/journal.js';
import {
  type DeliveredWithTime,
  matchingText,
  percentile,
  reconcile,
} from '../../../src/pipeline/reconcile.js';

const ack = (id: string, category: string, time = 1_000, malformed = false) =>
  JSON.stringify({
    event_id: id,
    shard: 'shardId-0',
    seq: id,
    time,
    category,
    ...(malformed ? { malformed } : {}),
  });

function delivered(id: string | undefined, category: string, objectTime = 3_000): DeliveredWithTime {
  return {
    eventId: id,
    category,
    action: 'view_item',
    objectTime,
    key: 'k',
  };
}

const failure = (id: string) => ({
  eventId: id,
  errorCode: 'Lambda.ProcessingFailed',
  errorMessage: 'data is not JSON',
  raw: `malformed record ${id}`,
  attemptsMade: 1,
  arrivalTimestamp: 1,
  key: 'errors/processing-failed/x',
});

describe('reconcile', () => {
  it('says when the longest-waiting missing event was acknowledged (where a buffering countdown starts)', () => {
    const journal = parseJournal(
      [ack('early', 'Books', 1_000), ack('waiting', 'Books', 5_000), ack('later', 'Books', 8_000)].join('\n'),
    );
    expect(reconcile(journal, [delivered('early', 'Books')], []).oldestMissingAt).toBe(5_000);
    const all = ['early', 'waiting', 'later'].map((id) => delivered(id, 'Books'));
    expect(reconcile(journal, all, []).oldestMissingAt).toBeUndefined();
  });

  it('accounts for every acknowledged event: delivered, duplicated, failed, missing', () => {
    const journal = parseJournal(
      [
        ack('a', 'Books'),
        ack('b', 'Books'),
        ack('c', 'Clothing'),
        ack('d', 'Electronics'),
        ack('m', 'Other', 1_000, true),
        ack('f', 'Books'),
        JSON.stringify({ pending: ['lost-ack'], time: 1 }),
        JSON.stringify({ failed: 'gave-up', reason: 'InternalFailure', time: 1 }),
      ].join('\n'),
    );
    const result = reconcile(
      journal,
      [
        delivered('a', 'Books', 2_000),
        delivered('b', 'Books', 3_000),
        delivered('b', 'Books', 9_000),
        delivered('c', 'Clothing', 11_000),
        delivered('lost-ack', 'Instruments'),
        delivered('stranger', 'Books'),
      ],
      [failure('m'), failure('f')],
    );
    expect(result).toMatchObject({
      acknowledged: 6,
      delivered: 3,
      duplicates: 1,
      missing: 1,
      missingIds: ['d'],
      processingFailed: 2,
      expectedFailures: 1,
      lateAcknowledged: 1,
      producerFailed: 1,
      unknown: 1,
      complete: false,
      ok: false,
    });
    expect(result.categories.sent).toEqual({
      Clothing: 1,
      Instruments: 0,
      Electronics: 1,
      Books: 3,
      Other: 0,
    });
    expect(result.categories.delivered).toEqual({
      Clothing: 1,
      Instruments: 1,
      Electronics: 0,
      Books: 3,
      Other: 0,
    });
    expect(result.latency).toEqual({ p50: 2_000, p90: 10_000, p99: 10_000, max: 10_000, count: 3 });
  });

  it('is ok when everything arrived and only deliberately malformed records failed', () => {
    const journal = parseJournal([ack('a', 'Books'), ack('m', 'Other', 1, true)].join('\n'));
    const result = reconcile(journal, [delivered('a', 'Books')], [failure('m')]);
    expect(result).toMatchObject({
      complete: true,
      ok: true,
      missing: 0,
      processingFailed: 1,
      expectedFailures: 1,
    });
  });

  it('marks the failures of records sent malformed on purpose, and lists the unexpected ones first', () => {
    const journal = parseJournal([ack('m', 'Other', 1, true), ack('b', 'Books')].join('\n'));
    const result = reconcile(journal, [], [failure('m'), failure('b')]);
    expect(result.failures.map((f) => [f.eventId, f.onPurpose ?? false])).toEqual([
      ['b', false],
      ['m', true],
    ]);
    expect(result).toMatchObject({ processingFailed: 2, expectedFailures: 1, ok: false });
  });

  it('leaves out of the latency what the local cloud delivered after a restart (after the run had ended)', () => {
    const run = (started: number, ended?: number) =>
      JSON.stringify({ run: { started, stream: 's' } }) +
      (ended === undefined ? '' : `\n${JSON.stringify({ ended })}`);
    const journal = parseJournal(
      [
        run(0, 10_000),
        ack('a', 'Books', 1_000),
        ack('b', 'Books', 2_000),
        run(600_000),
        ack('c', 'Books', 600_500),
      ].join('\n'),
    );
    expect(journal.runs[0]?.ended).toBe(10_000);
    const arrived = [
      delivered('a', 'Books', 3_000),
      // Still buffered when the command (and the local cloud) stopped; written on the next start.
      delivered('b', 'Books', 601_000),
      delivered('c', 'Books', 602_000),
    ];
    const local = reconcile(journal, arrived, [], { stopsWithRuns: true });
    expect(local.latencyLeftOut).toBe(1);
    expect(local.latency).toMatchObject({ count: 2, max: 2_000 });
    expect(local.delivered).toBe(3);
    // Elsewhere (AWS, an endpoint) delivery goes on between runs: every event counts.
    const aws = reconcile(journal, arrived, []);
    expect(aws.latencyLeftOut).toBe(0);
    expect(aws.latency).toMatchObject({ count: 3, max: 599_000 });
  });

  it('counts records of a pipeline without a transform (no category field) under the categories they were sent with', () => {
    const journal = parseJournal([ack('a', 'Books'), ack('b', 'Clothing'), ack('c', 'Books')].join('\n'));
    const result = reconcile(journal, [delivered('a', '(none)'), delivered('b', '(none)')], []);
    expect(result.categories.delivered).toMatchObject({ Books: 1, Clothing: 1 });
    expect(result.categories.delivered['(none)']).toBeUndefined();
    // A transform that writes categories for some records only: those without one stay apart.
    const partly = reconcile(journal, [delivered('a', 'Books'), delivered('b', '(none)')], []);
    expect(partly.categories.delivered).toMatchObject({ Books: 1, Clothing: 0, '(none)': 1 });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
  });
  it('counts processing-failed records that are not in the journal apart, without failing the check', () => {
    const journal = parseJournal([ack('a', 'Books'), ack('m', 'Other', 1_000, true)].join('\n'));
    const foreign = { ...failure('x'), eventId: undefined, raw: 'not json at all' };
    const result = reconcile(
      journal,
      [delivered('a', 'Books')],
      [failure('m'), foreign, { ...foreign, raw: '{"truncated": ' }, failure('stranger')],
    );
    expect(result).toMatchObject({ unknownFailed: 3, processingFailed: 1, expectedFailures: 1, ok: true });
  });
});

describe('reconcile when the transform drops event_id (matching by content)', () => {
  /** An acknowledgement with the event as sent (what `stream` journals). */
  const sent = (id: string, event: Record<string, unknown>, time = 1_000) =>
    JSON.stringify({
      event_id: id,
      shard: 'shardId-0',
      seq: id,
      time,
      category: event.item_id === 512 ? 'Electronics' : event.item_id === 120 ? 'Clothing' : 'Other',
      event: { event_id: id, timestamp: '2026-12-06 20:00:00', session_id: `s-${id}`, ...event },
    });
  /** What the classic homework's transform writes: user_id, item_id, category, price. */
  const shaped = (user: string, item: number | null, price: number | null, objectTime = 3_000) => {
    const category = item === 512 ? 'Electronics' : item === 120 ? 'Clothing' : 'Other';
    const fields = { user_id: user, item_id: item, category, price };
    return { eventId: undefined, category, action: undefined, fields, objectTime, key: 'k' };
  };

  it('matches on the fields the transform kept, exactly where keys are unique, and says so', () => {
    const journal = parseJournal(
      [
        sent('a', { user_id: 'u1', action: 'view_item', item_id: 512, price: 40.5 }, 1_000),
        sent('b', { user_id: 'u2', action: 'add_to_cart', item_id: 120, price: 12 }, 2_000),
        sent('c', { user_id: 'u3', action: 'checkout', item_id: 512, price: 99.99 }, 3_000),
        // Two logins of one user look alike once the transform keeps only these fields.
        sent('d', { user_id: 'u4', action: 'login', item_id: null, price: null }, 4_000),
        sent('e', { user_id: 'u4', action: 'login', item_id: null, price: null }, 5_000),
      ].join('\n'),
    );
    const result = reconcile(
      journal,
      [
        shaped('u1', 512, 40.5, 2_000),
        shaped('u1', 512, 40.5, 9_000), // Firehose delivered it twice
        shaped('u2', 120, 12, 4_000),
        shaped('u4', null, null),
        shaped('stranger', 512, 1), // not sent by us
      ],
      [],
    );
    expect(result.matching).toEqual({
      by: 'content',
      fields: ['user_id', 'item_id', 'price'],
      changed: [],
      exact: 3,
      ambiguous: 2,
    });
    expect(result).toMatchObject({
      acknowledged: 5,
      delivered: 3,
      duplicates: 1,
      missing: 2,
      // Only the event whose key is its own can be named; one of the two logins is missing, not known which.
      missingIds: ['c'],
      unknown: 1,
      complete: false,
    });
    // The missing login is taken to be the later one (records arrive in order).
    expect(result.oldestMissingAt).toBe(3_000);
    expect(result.latency).toMatchObject({ count: 2, max: 2_000 });
    // The repeat is not counted twice; the stranger's record is.
    expect(result.categories.delivered).toMatchObject({ Electronics: 2, Clothing: 1, Other: 1 });
    expect(matchingText(result.matching)).toBe(
      'matched by content on user_id+item_id+price (the transform drops event_id): exact for 3 of 5 events (keys no other event shares); 2 share their key with another event and are matched by count per key',
    );
  });

  it('leaves out a field the transform changed, and is complete once every key arrived', () => {
    const journal = parseJournal(
      [
        sent('a', { user_id: 'u1', action: 'view_item', item_id: 512, price: 40.5 }),
        sent('b', { user_id: 'u2', action: 'view_item', item_id: 120, price: 12 }),
      ].join('\n'),
    );
    const upper = (user: string, item: number, price: number) => {
      const r = shaped(user, item, price);
      return { ...r, fields: { ...r.fields, user_id: user.toUpperCase() } };
    };
    const result = reconcile(journal, [upper('u1', 512, 40.5), upper('u2', 120, 12)], []);
    expect(result.matching).toMatchObject({
      by: 'content',
      fields: ['item_id', 'price'],
      changed: ['user_id'],
    });
    expect(result).toMatchObject({ delivered: 2, missing: 0, complete: true, ok: true });
  });

  it('falls back to counts per category when nothing kept identifies an event, and says why', () => {
    const journal = parseJournal(
      [
        sent('a', { user_id: 'u1', action: 'view_item', item_id: 512, price: 40.5 }),
        sent('b', { user_id: 'u2', action: 'view_item', item_id: 512, price: 12 }),
        sent('c', { user_id: 'u3', action: 'view_item', item_id: 120, price: 13 }),
      ].join('\n'),
    );
    const only = (category: string) => ({
      eventId: undefined,
      category,
      action: undefined,
      fields: { category, seen_at: 'today' },
      objectTime: 3_000,
      key: 'k',
    });
    const result = reconcile(journal, [only('Electronics'), only('Electronics')], []);
    expect(result.matching).toEqual({
      by: 'count',
      field: 'category',
      why: 'none of the fields the transform writes (category, seen_at) carries a value that was sent',
    });
    expect(result).toMatchObject({ delivered: 2, missing: 1, missingIds: [], complete: false });
    expect(matchingText(result.matching)).toMatch(/compared counts per category instead/);
  });

  it('says so when the journal predates event contents', () => {
    const journal = parseJournal(
      JSON.stringify({ event_id: 'a', shard: 'shardId-0', seq: '1', time: 1, category: 'Electronics' }),
    );
    const result = reconcile(journal, [shaped('u1', 512, 40.5)], []);
    expect(result.matching).toMatchObject({
      by: 'count',
      why: 'the journal holds no event contents (it was written by an earlier kinesis-tui)',
    });
    expect(result).toMatchObject({ delivered: 1, missing: 0 });
  });

  it('counts categories by the field the transform writes them in', () => {
    const journal = parseJournal(
      [
        sent('a', { user_id: 'u1', action: 'view_item', item_id: 512, price: 40.5 }),
        sent('b', { user_id: 'u2', action: 'checkout', item_id: 120, price: 12 }),
      ].join('\n'),
    );
    const byAction = (action: string, user: string) => ({
      eventId: undefined,
      category: action,
      action,
      fields: { user_id: user, kind: action },
      objectTime: 3_000,
      key: 'k',
    });
    const result = reconcile(journal, [byAction('view_item', 'u1')], [], { categoryField: 'action' });
    expect(result.categoryField).toBe('action');
    expect(result.categories.sent).toMatchObject({ view_item: 1, checkout: 1 });
    expect(result.categories.delivered).toMatchObject({ view_item: 1, checkout: 0 });
    expect(result).toMatchObject({ delivered: 1, missing: 1, missingIds: ['b'] });
  });
});
