// Discovery's pure parts: reading DescribeDeliveryStream into where records go and what transforms them,
// and choosing the stream and delivery stream when a stack has several.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/config/errors.js';
import { prefixText } from '../../../src/pipeline/delivery-keys.js';
import {
  choosePipeline,
  type DeliveryStreamRef,
  deliveryStreamRef,
  lambdaName,
  type PipelineDiscovery,
  requireChoice,
} from '../../../src/pipeline/discovery.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream';

describe('reading a delivery stream', () => {
  it('finds source, bucket, prefixes, buffers, the transform (a qualified ARN) and the log group', () => {
    const ref = deliveryStreamRef(
      {
        DeliveryStreamName: 'orders-to-s3',
        DeliveryStreamARN: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-to-s3',
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'KinesisStreamAsSource',
        VersionId: '1',
        HasMoreDestinations: false,
        Source: {
          KinesisStreamSourceDescription: {
            KinesisStreamARN: `${ARN}/orders`,
            RoleARN: 'arn:aws:iam::000000000000:role/r',
          },
        },
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              RoleARN: 'arn:aws:iam::000000000000:role/r',
              BucketARN: 'arn:aws:s3:::orders-archive',
              Prefix: 'data/!{timestamp:yyyy-MM-dd}/',
              ErrorOutputPrefix: 'failed/!{firehose:error-output-type}/',
              BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 1 },
              CompressionFormat: 'UNCOMPRESSED',
              EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
              CloudWatchLoggingOptions: {
                Enabled: true,
                LogGroupName: '/aws/kinesisfirehose/orders',
                LogStreamName: 'DestinationDelivery',
              },
              ProcessingConfiguration: {
                Enabled: true,
                Processors: [
                  {
                    Type: 'Lambda',
                    Parameters: [
                      {
                        ParameterName: 'LambdaArn',
                        ParameterValue: 'arn:aws:lambda:us-east-1:000000000000:function:shape-orders:live',
                      },
                      { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '0' },
                    ],
                  },
                ],
              },
            },
          },
        ],
      },
      'Delivery',
    );
    expect(ref).toMatchObject({
      name: 'orders-to-s3',
      logicalId: 'Delivery',
      status: 'ACTIVE',
      sourceStreamName: 'orders',
      bucket: 'orders-archive',
      timeZone: 'UTC',
      buffer: { intervalSeconds: 60, sizeMB: 1 },
      transform: {
        name: 'shape-orders',
        qualifier: 'live',
        logGroup: '/aws/lambda/shape-orders',
        bufferIntervalSeconds: 0,
      },
      logGroup: { name: '/aws/kinesisfirehose/orders', stream: 'DestinationDelivery' },
    });
    expect(prefixText(ref.keys?.delivered ?? [])).toBe('data/!{timestamp:yyyy-MM-dd}/');
    expect(prefixText(ref.keys?.failed ?? [])).toBe('failed/!{firehose:error-output-type}/');
  });

  it('reads Lambda ARNs with and without a version or alias', () => {
    expect(lambdaName('arn:aws:lambda:eu-west-1:1:function:f')).toEqual({ name: 'f' });
    expect(lambdaName('arn:aws:lambda:eu-west-1:1:function:f:7')).toEqual({ name: 'f', qualifier: '7' });
    expect(lambdaName('arn:aws:lambda:eu-west-1:1:function:f:$LATEST')).toEqual({
      name: 'f',
      qualifier: '$LATEST',
    });
  });
});

function delivery(name: string, source: string): DeliveryStreamRef {
  return {
    name,
    status: 'ACTIVE',
    sourceStreamArn: `${ARN}/${source}`,
    sourceStreamName: source,
    bucket: 'b',
    timeZone: 'UTC',
    buffer: {},
  };
}

function discovery(streams: string[], deliveries: DeliveryStreamRef[]): PipelineDiscovery {
  return {
    stack: { name: 'shop', id: 'arn:stack', status: 'CREATE_COMPLETE', outputs: {}, parameters: {} },
    resources: [],
    streams: streams.map((name) => ({ name, arn: `${ARN}/${name}` })),
    deliveryStreams: deliveries,
    buckets: ['b'],
    functions: [],
    unmade: [],
    notes: [],
  };
}

describe('choosing the stream and delivery stream', () => {
  it('takes the only ones as they are', () => {
    const found = discovery(['orders'], [delivery('orders-to-s3', 'orders')]);
    expect(choosePipeline(found, { need: 'both' })).toMatchObject({
      kind: 'chosen',
      choice: { stream: { name: 'orders' }, deliveryStream: { name: 'orders-to-s3' } },
    });
  });

  it('asks which stream when there are several, and lets a delivery stream or the journal decide', () => {
    const found = discovery(
      ['orders', 'clicks'],
      [delivery('orders-to-s3', 'orders'), delivery('clicks-to-s3', 'clicks')],
    );
    expect(choosePipeline(found, { need: 'stream' })).toEqual({
      kind: 'ambiguous',
      what: 'stream',
      choices: ['orders', 'clicks'],
    });
    expect(choosePipeline(found, { need: 'delivery stream' })).toMatchObject({
      kind: 'ambiguous',
      what: 'delivery stream',
    });
    expect(choosePipeline(found, { deliveryStream: 'clicks-to-s3', need: 'both' })).toMatchObject({
      kind: 'chosen',
      choice: { stream: { name: 'clicks' }, deliveryStream: { name: 'clicks-to-s3' } },
    });
    // The stream `stream` last sent to (the journal's) picks its delivery stream for verify.
    expect(choosePipeline(found, { preferStream: 'orders', need: 'delivery stream' })).toMatchObject({
      kind: 'chosen',
      choice: { deliveryStream: { name: 'orders-to-s3' } },
    });
  });

  it('asks which delivery stream when two read the same stream', () => {
    const found = discovery(['orders'], [delivery('raw', 'orders'), delivery('shaped', 'orders')]);
    expect(choosePipeline(found, { need: 'stream' })).toMatchObject({ kind: 'chosen' });
    expect(choosePipeline(found, { need: 'delivery stream' })).toEqual({
      kind: 'ambiguous',
      what: 'delivery stream',
      choices: ['raw', 'shaped'],
    });
  });

  it('says which names there are, and the option to pass, as a usage error', () => {
    const found = discovery(['orders', 'clicks'], []);
    const ambiguous = () => requireChoice(found, { need: 'stream' });
    expect(ambiguous).toThrow(InputError);
    expect(ambiguous).toThrow(
      'stack "shop" has 2 Kinesis streams (orders, clicks): pass --stream with one of them',
    );
    expect(() => requireChoice(found, { stream: 'nope', need: 'stream' })).toThrow(
      'stack "shop" has no stream "nope"; its Kinesis streams: orders, clicks',
    );
  });
});
