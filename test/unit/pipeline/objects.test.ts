import { describe, expect, it } from 'vitest';
import {
  eventIdIn,
  parseJsonRecords,
  toDeliveredRecord,
  toFailedRecord,
} from '../../../src/pipeline/objects.js';

describe('reading delivered objects', () => {
  it('reads newline-delimited and concatenated JSON alike', () => {
    const a = { event_id: 'a', category: 'Books', note: 'has } and { and "quotes\\"" inside' };
    const b = { event_id: 'b', category: 'Clothing' };
    const expected = [a, b, a];
    expect(
      parseJsonRecords(`${JSON.stringify(a)}\n${JSON.stringify(b)}\n${JSON.stringify(a)}\n`).values,
    ).toEqual(expected);
    expect(parseJsonRecords(`${JSON.stringify(a)}${JSON.stringify(b)}${JSON.stringify(a)}`).values).toEqual(
      expected,
    );
    expect(
      parseJsonRecords(`${JSON.stringify(a)}\r\n  ${JSON.stringify(b)}${JSON.stringify(a)}`).values,
    ).toEqual(expected);
  });

  it('notes what is not JSON and keeps reading', () => {
    const parsed = parseJsonRecords('{"event_id":"a"}\nnot json here\n{"event_id":"b"}{"broken":\n');
    expect(parsed.values).toEqual([{ event_id: 'a' }, { event_id: 'b' }]);
    expect(parsed.errors.map((e) => e.text)).toEqual(['not json here', '{"broken":\n']);
  });

  it('takes the category and event id of a transformed record', () => {
    expect(toDeliveredRecord({ event_id: 'x', category: 'Books', action: 'checkout' })).toEqual({
      eventId: 'x',
      category: 'Books',
      action: 'checkout',
    });
    // Whatever a transform of the user's own writes is counted as written; none is "(none)".
    expect(toDeliveredRecord({ event_id: 'x', category: 'Sports' })?.category).toBe('Sports');
    expect(toDeliveredRecord({ event_id: 'x' })?.category).toBe('(none)');
    expect(toDeliveredRecord({ event_id: 'x', segment: 'gold' }, 'segment')?.category).toBe('gold');
    // Without event_id the record's fields are kept: verify matches it by content.
    expect(toDeliveredRecord({ user_id: 'u1', item_id: 512, category: 'Electronics', price: 40.5 })).toEqual({
      eventId: undefined,
      category: 'Electronics',
      action: undefined,
      fields: { user_id: 'u1', item_id: 512, category: 'Electronics', price: 40.5 },
    });
    expect(toDeliveredRecord('text')).toBeUndefined();
  });
});

describe('reading processing-failed records', () => {
  const raw = 'malformed record 0b7e3f5e-8c4a-4b6f-9e37-2f1b2c3d4e5f (not JSON, sent on purpose)';
  const line = {
    attemptsMade: 4,
    arrivalTimestamp: 1764165909000,
    errorCode: 'Lambda.ProcessingFailed',
    errorMessage: 'The Lambda function returned ProcessingFailed',
    attemptEndingTimestamp: 1764165910000,
    rawData: Buffer.from(raw).toString('base64'),
    lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:kinesis-tui-transform',
  };

  it('decodes the raw record and finds the event id in it', () => {
    expect(toFailedRecord(line)).toEqual({
      eventId: '0b7e3f5e-8c4a-4b6f-9e37-2f1b2c3d4e5f',
      errorCode: 'Lambda.ProcessingFailed',
      errorMessage: 'The Lambda function returned ProcessingFailed',
      raw,
      attemptsMade: 4,
      arrivalTimestamp: 1764165909000,
    });
  });

  it('accepts the documented string-typed numbers, and binary data', () => {
    const parsed = toFailedRecord({
      ...line,
      attemptsMade: '4',
      arrivalTimestamp: '1764165909000',
      rawData: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
    });
    expect(parsed?.attemptsMade).toBe(4);
    expect(parsed?.raw).toBe('(3 bytes of binary data)');
    expect(parsed?.eventId).toBeUndefined();
  });

  it('prefers the event_id of a JSON record', () => {
    expect(eventIdIn(JSON.stringify({ event_id: 'abc', user_id: 'x' }))).toBe('abc');
  });
});
