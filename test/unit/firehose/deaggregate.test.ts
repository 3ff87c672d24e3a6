import { describe, expect, it } from 'vitest';
import { deaggregate } from '../../../src/local-cloud/firehose/deaggregate.js';
import { aggregateRecords } from '../../support/kpl.js';

const aggregate = (records: Array<{ partitionKey: string; data: string }>) => aggregateRecords(records).data;

const kinesisRecord = (data: Buffer) => ({ data, partitionKey: 'outer', sequenceNumber: '4963' });

describe('deaggregate', () => {
  it('splits a KPL aggregate into its user records, in order, each with its key and index', () => {
    const data = aggregate([
      { partitionKey: 'a', data: 'first' },
      { partitionKey: 'b', data: 'second' },
      { partitionKey: 'a', data: 'third' },
    ]);
    expect(data.subarray(0, 4).toString('hex')).toBe('f3899ac2');
    const parts = deaggregate(kinesisRecord(data));
    expect(parts.map((p) => ({ ...p, data: p.data.toString() }))).toEqual([
      { data: 'first', partitionKey: 'a', subsequenceNumber: 0 },
      { data: 'second', partitionKey: 'b', subsequenceNumber: 1 },
      { data: 'third', partitionKey: 'a', subsequenceNumber: 2 },
    ]);
  });

  it('passes a record that is not an aggregate on as it is', () => {
    const parts = deaggregate(kinesisRecord(Buffer.from('{"event_id":"e-1"}')));
    expect(parts).toEqual([
      { data: Buffer.from('{"event_id":"e-1"}'), partitionKey: 'outer', subsequenceNumber: 0 },
    ]);
  });

  it('passes a corrupt aggregate (checksum or truncation) on whole, so nothing is dropped unseen', () => {
    const data = aggregate([
      { partitionKey: 'a', data: 'x' },
      { partitionKey: 'b', data: 'y' },
    ]);
    const flipped = Buffer.from(data);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    for (const bad of [flipped, data.subarray(0, 12)]) {
      expect(deaggregate(kinesisRecord(bad))).toEqual([
        { data: bad, partitionKey: 'outer', subsequenceNumber: 0 },
      ]);
    }
  });
});
