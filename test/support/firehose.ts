import { randomUUID } from 'node:crypto';
import type { FirehoseTransformationEvent } from '../../lambda/contract.js';
import type { ShopEvent } from '../../lambda/records.js';

/** A well-formed producer event, with overrides. */
export function shopEvent(overrides: Partial<ShopEvent> = {}): ShopEvent {
  return {
    event_id: randomUUID(),
    timestamp: '2026-11-26 14:05:09',
    user_id: 'user_0042',
    session_id: randomUUID(),
    action: 'view_item',
    item_id: 123,
    price: 19.99,
    ...overrides,
  };
}

/** A Firehose transformation event from a Kinesis source, as AWS sends it, carrying the given data. */
export function firehoseEvent(datas: string[]): FirehoseTransformationEvent {
  const now = Date.now();
  return {
    invocationId: randomUUID(),
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/kinesis-tui-delivery',
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/kinesis-tui-events',
    region: 'us-east-1',
    records: datas.map((data, i) => ({
      recordId: `r${i}`,
      approximateArrivalTimestamp: now,
      data,
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey: 'user_0042',
        approximateArrivalTimestamp: now,
        sequenceNumber: `4963${String(i).padStart(52, '0')}`,
        subsequenceNumber: 0,
      },
    })),
  };
}
