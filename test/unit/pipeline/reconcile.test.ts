import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../src/pipeline/journal.js';
import { type DeliveredWithTime, percentile, reconcile } from '../../../src/pipeline/reconcile.js';

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
    category: category as DeliveredWithTime['category'],
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
