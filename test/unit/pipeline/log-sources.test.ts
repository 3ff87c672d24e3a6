// Where the pipeline logs, from what discovery found: whatever the template names things.
import { describe, expect, it } from 'vitest';
import type { DeliveryStreamRef } from '../../../src/pipeline/discovery.js';
import { logSources } from '../../../src/pipeline/logs.js';

const ds = (over: Partial<DeliveryStreamRef>): DeliveryStreamRef => ({
  name: 'orders-to-s3',
  status: 'ACTIVE',
  timeZone: 'UTC',
  buffer: {},
  ...over,
});

describe('log sources', () => {
  it("reads the transform's own log group (an alias's LoggingConfig) and Firehose's logging options", () => {
    const sources = logSources({
      functions: ['shop-clean'],
      deliveryStreams: [
        ds({
          transform: {
            arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-clean:live',
            name: 'shop-clean',
            qualifier: 'live',
            logGroup: '/custom/shop-clean',
          },
          logGroup: { name: '/aws/kinesisfirehose/orders', stream: 'DestinationDelivery' },
        }),
      ],
    });
    expect(sources).toEqual([
      { kind: 'transform', group: '/custom/shop-clean' },
      { kind: 'firehose', group: '/aws/kinesisfirehose/orders', stream: 'DestinationDelivery' },
    ]);
  });

  it('reads only the chosen delivery stream when given one, and no Firehose group it does not log to', () => {
    const a = ds({ name: 'a', transform: { arn: 'fa', name: 'fa', logGroup: '/aws/lambda/fa' } });
    const b = ds({ name: 'b', transform: { arn: 'fb', name: 'fb', logGroup: '/aws/lambda/fb' } });
    expect(logSources({ functions: ['fa', 'fb'], deliveryStreams: [a, b] }, [b])).toEqual([
      { kind: 'transform', group: '/aws/lambda/fb' },
    ]);
  });

  it("reads the stack's functions, and the conventional Firehose group, where the endpoint made no delivery stream", () => {
    const missing = ds({ status: 'MISSING', error: 'ResourceNotFoundException: not found' });
    expect(logSources({ functions: ['clean'], deliveryStreams: [missing] })).toEqual([
      { kind: 'transform', group: '/aws/lambda/clean' },
      { kind: 'firehose', group: '/aws/kinesisfirehose/orders-to-s3' },
    ]);
  });
});
