// Where verify looks for a delivery stream's objects and how it tells delivered from processing-failed,
// from Prefix / ErrorOutputPrefix as a user's template sets them (or leaves them out).
import { describe, expect, it } from 'vitest';
import {
  evaluatedPrefixes,
  keyClassifier,
  keyLayout,
  listPrefixes,
  minimalPrefixes,
  prefixText,
  staticPart,
} from '../../../src/pipeline/delivery-keys.js';

const at = (iso: string) => Date.parse(iso);

describe('delivery keys', () => {
  it('applies Firehose defaults when there is no prefix: objects by hour at the root, failures under processing-failed/', () => {
    const layout = keyLayout(undefined, undefined);
    expect(prefixText(layout.delivered)).toBe('!{timestamp:yyyy/MM/dd/HH/}');
    expect(prefixText(layout.failed)).toBe('!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH/}');
    const kind = keyClassifier(layout, 'seed-stream');
    expect(kind('2026/12/06/20/seed-stream-1-2026-12-06-20-14-03-0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(
      'delivered',
    );
    expect(
      kind(
        'processing-failed/2026/12/06/20/seed-stream-1-2026-12-06-20-14-03-0f8fad5b-d9cb-469f-a165-70867728950e',
      ),
    ).toBe('failed');
    // Another delivery stream's objects, or a file someone put there, are neither.
    expect(
      kind('2026/12/06/20/other-stream-1-2026-12-06-20-14-03-0f8fad5b-d9cb-469f-a165-70867728950e'),
    ).toBe(undefined);
    expect(kind('notes/readme.txt')).toBe(undefined);
    // LocalStack writes no version in the name.
    expect(kind('2026/12/06/20/seed-stream-2026-12-06-20-14-03-0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(
      'delivered',
    );
  });

  it('reads our layout: events/ and errors/<error type>/ with timestamp expressions', () => {
    const layout = keyLayout(
      'events/!{timestamp:yyyy/MM/dd/HH}/',
      'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
    );
    expect(staticPart(layout.delivered)).toBe('events/');
    expect(staticPart(layout.failed)).toBe('errors/');
    const kind = keyClassifier(layout, 'ds');
    expect(kind('events/2026/12/06/20/ds-1-2026-12-06-20-00-00-0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(
      'delivered',
    );
    expect(
      kind(
        'errors/processing-failed/2026/12/06/20/ds-1-2026-12-06-20-00-00-0f8fad5b-d9cb-469f-a165-70867728950e',
      ),
    ).toBe('failed');
    // Without a range, the literal parts are listed (what verify listed before discovery).
    expect(listPrefixes(layout)).toEqual(['errors/processing-failed/', 'events/']);
  });

  it('a prefix without a timestamp gets yyyy/MM/dd/HH/ appended, and failures go under it', () => {
    const layout = keyLayout('raw/', undefined);
    expect(prefixText(layout.delivered)).toBe('raw/!{timestamp:yyyy/MM/dd/HH/}');
    expect(prefixText(layout.failed)).toBe('raw/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH/}');
    const kind = keyClassifier(layout);
    expect(kind('raw/2026/01/02/03/any-name')).toBe('delivered');
    expect(kind('raw/processing-failed/2026/01/02/03/any-name')).toBe('failed');
  });

  it('evaluates timestamps over the journal time range into a few list prefixes', () => {
    const layout = keyLayout(undefined, undefined);
    const range = { from: at('2026-12-06T20:50:00Z'), to: at('2026-12-06T21:10:00Z') };
    expect(listPrefixes(layout, range)).toEqual([
      '2026/12/06/20/',
      '2026/12/06/21/',
      'processing-failed/2026/12/06/20/',
      'processing-failed/2026/12/06/21/',
    ]);
    // In the delivery stream's time zone (CustomTimeZone).
    expect(evaluatedPrefixes(layout.delivered, { ...range, to: range.from, timeZone: 'Asia/Tokyo' })).toEqual(
      ['2026/12/07/05/'],
    );
  });

  it('falls back to the literal part when evaluation would give too many prefixes or cannot go on', () => {
    const bySecond = keyLayout('s/!{timestamp:yyyy-MM-dd-HH-mm-ss}/', 'e/!{firehose:error-output-type}/');
    const hour = { from: at('2026-12-06T20:00:00Z'), to: at('2026-12-06T21:00:00Z') };
    // Minute by minute gives 61 values here: more than is worth listing one by one.
    expect(evaluatedPrefixes(bySecond.delivered, hour)).toEqual(['s/']);
    const random = keyLayout(
      'r/!{firehose:random-string}/!{timestamp:yyyy}/',
      'e/!{firehose:error-output-type}/',
    );
    expect(evaluatedPrefixes(random.delivered, hour)).toEqual(['r/']);
    const partitioned = keyLayout('p/!{partitionKeyFromQuery:customer}/', 'e/!{firehose:error-output-type}/');
    expect(keyClassifier(partitioned)('p/acme/2026/12/06/20/x')).toBe('delivered');
  });

  it('lists each key once: a prefix that another one starts is dropped', () => {
    expect(minimalPrefixes(['', 'processing-failed/'])).toEqual(['']);
    expect(minimalPrefixes(['events/', 'errors/', 'events/2026/'])).toEqual(['errors/', 'events/']);
  });
});
