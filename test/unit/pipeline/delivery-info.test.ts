// What verify says it waits for: a delivery stream's buffers, Firehose's defaults where the template sets none.
import { describe, expect, it } from 'vitest';
import type { DeliveryStreamRef } from '../../../src/pipeline/discovery.js';
import { bufferSeconds, deliveryInfo } from '../../../src/pipeline/verify.js';

const ds = (over: Partial<DeliveryStreamRef>): DeliveryStreamRef => ({
  name: 'hw-firehose',
  status: 'ACTIVE',
  timeZone: 'UTC',
  buffer: {},
  ...over,
});

describe('delivery info', () => {
  it("fills in Firehose's defaults: 300 s / 5 MB to S3, 60 s for a transform that sets no interval", () => {
    const info = deliveryInfo(
      ds({
        buffer: { intervalSeconds: 60, sizeMB: 1 },
        transform: { arn: 'f', name: 'f', logGroup: '/aws/lambda/f' },
      }),
    );
    expect(info).toEqual({
      status: 'ACTIVE',
      bufferIntervalSeconds: 60,
      bufferSizeMB: 1,
      processorIntervalSeconds: 60,
    });
    expect(bufferSeconds(info)).toBe(120);
    expect(deliveryInfo(ds({}))).toEqual({ status: 'ACTIVE', bufferIntervalSeconds: 300, bufferSizeMB: 5 });
  });

  it('adds no processor buffer without a transform, and assumes one when nothing is known', () => {
    expect(bufferSeconds(deliveryInfo(ds({ buffer: { intervalSeconds: 0 } })))).toBe(0);
    expect(bufferSeconds(undefined)).toBe(360);
  });
});
