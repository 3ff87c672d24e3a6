import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FirehoseTransformationEvent } from '../../../lambda/contract.js';
import { handler } from '../../../lambda/index.js';
import { categoryOf } from '../../../lambda/records.js';
import { firehoseEvent, shopEvent } from '../../support/firehose.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (data: string) => Buffer.from(data, 'base64').toString('utf8');

describe('categoryOf', () => {
  it.each([
    [99, 'Other'],
    [100, 'Clothing'],
    [249, 'Clothing'],
    [250, 'Instruments'],
    [499, 'Instruments'],
    [500, 'Electronics'],
    [749, 'Electronics'],
    [750, 'Books'],
    [999, 'Books'],
    [1000, 'Other'],
    ['123', 'Other'],
    ['abc', 'Other'],
    [null, 'Other'],
    [12.5, 'Other'],
    [250.5, 'Other'],
    [undefined, 'Other'],
  ])('item_id %j is %s', (itemId, category) => {
    expect(categoryOf(itemId)).toBe(category);
  });
});

describe('transform handler', () => {
  it('turns a valid event into one newline-terminated JSON line with its category', async () => {
    const event = shopEvent({ item_id: 512, price: 42.5, action: 'add_to_cart' });
    const { records } = await handler(firehoseEvent([b64(JSON.stringify(event))]));
    expect(records).toHaveLength(1);
    expect(records[0]?.result).toBe('Ok');
    const line = unb64(records[0]?.data ?? '');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      user_id: event.user_id,
      item_id: 512,
      category: 'Electronics',
      price: 42.5,
      action: 'add_to_cart',
      timestamp: event.timestamp,
      event_id: event.event_id,
    });
  });

  it('keeps a login (no item, no price) as category Other with nulls', async () => {
    const event = shopEvent({ action: 'login', item_id: null, price: null });
    const { records } = await handler(firehoseEvent([b64(JSON.stringify(event))]));
    expect(JSON.parse(unb64(records[0]?.data ?? ''))).toMatchObject({
      item_id: null,
      price: null,
      category: 'Other',
      action: 'login',
    });
  });

  it.each([
    ['non-JSON text', b64('not json at all')],
    ['a JSON array', b64('[1,2,3]')],
    ['a JSON string', b64('"hello"')],
    ['JSON null', b64('null')],
    ['a JSON number', b64('42')],
    ['truncated JSON', b64('{"user_id": "u1", ')],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64')],
    ['undecodable base64', '!!!not base64!!!'],
    ['base64 without padding', 'eyJhIjoxfQ'],
    ['empty data', ''],
  ])('fails %s with ProcessingFailed and returns the original data', async (_name, data) => {
    const { records } = await handler(firehoseEvent([data]));
    expect(records).toEqual([{ recordId: 'r0', result: 'ProcessingFailed', data }]);
  });

  it('returns every recordId exactly once, in order, for a mixed batch', async () => {
    const good = b64(JSON.stringify(shopEvent({ item_id: 300 })));
    const datas = [good, 'bad', good, b64('[]'), good];
    const event = firehoseEvent(datas);
    const { records } = await handler(event);
    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'Ok']);
  });

  it('never throws, and answers every record, whatever the records hold', async () => {
    const arbitraryData = fc.oneof(
      fc.base64String(),
      fc.string(),
      fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.jsonValue().map((value) => b64(JSON.stringify(value) ?? 'null')),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ recordId: fc.string(), data: arbitraryData }), { maxLength: 20 }),
        async (records) => {
          const result = await handler({ ...firehoseEvent([]), records } as FirehoseTransformationEvent);
          expect(result.records.map((r) => r.recordId)).toEqual(records.map((r) => String(r.recordId)));
          for (const r of result.records) {
            expect(['Ok', 'ProcessingFailed']).toContain(r.result);
            if (r.result === 'Ok') expect(unb64(r.data).endsWith('\n')).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers an event with no records array with no records instead of throwing', async () => {
    for (const event of [{}, { records: null }, { records: 'x' }, null, undefined]) {
      await expect(handler(event as unknown as FirehoseTransformationEvent)).resolves.toEqual({
        records: [],
      });
    }
  });
});
