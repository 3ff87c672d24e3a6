// Builds a Kinesis stream -> Firehose (optional Lambda processor) -> S3 bucket pipeline through the SDK,
// puts records into it, and reads back what Firehose wrote, for tests of delivery end to end.
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type ExtendedS3DestinationConfiguration,
} from '@aws-sdk/client-firehose';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Clients } from '../../src/config/clients.js';
import { createActiveStream } from './kinesis.js';
import { listAllKeys } from './s3.js';
import { waitFor } from './wait.js';

export const FIREHOSE_ROLE = 'arn:aws:iam::000000000000:role/firehose-delivery';

export interface PipelineOptions {
  /** Names the stream, the bucket and the delivery stream (lowercase, so it is a valid bucket name). */
  name: string;
  shards?: number;
  /** The processor's ARN; no processing without it. */
  lambdaArn?: string;
  retries?: number;
  /** The processor's buffer hints; default 1 MB / 0 s (Firehose's own default interval is 60 s). */
  processorBuffer?: { sizeInMBs: number; intervalInSeconds: number };
  /** The destination's buffer hints; default 1 MB / 0 s, so delivery follows the records at once. */
  buffer?: { SizeInMBs: number; IntervalInSeconds: number };
  destination?: Partial<ExtendedS3DestinationConfiguration>;
  /** Records put into the stream before the delivery stream is created (Firehose must not deliver them). */
  before?: readonly Entry[];
}

export interface Pipeline {
  stream: string;
  streamArn: string;
  bucket: string;
  deliveryStream: string;
  deliveryStreamArn: string;
}

/** Creates the stream, the bucket and the delivery stream, and waits until the delivery stream is ACTIVE. */
export async function createPipeline(clients: Clients, options: PipelineOptions): Promise<Pipeline> {
  const { name } = options;
  await createActiveStream(clients.kinesis, { StreamName: name, ShardCount: options.shards ?? 1 });
  await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  if (options.before) await putAll(clients, name, options.before);
  const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
  const processorBuffer = options.processorBuffer ?? { sizeInMBs: 1, intervalInSeconds: 0 };
  const parameters = options.lambdaArn
    ? [
        { ParameterName: 'LambdaArn' as const, ParameterValue: options.lambdaArn },
        ...(options.retries !== undefined
          ? [{ ParameterName: 'NumberOfRetries' as const, ParameterValue: String(options.retries) }]
          : []),
        { ParameterName: 'BufferSizeInMBs' as const, ParameterValue: String(processorBuffer.sizeInMBs) },
        {
          ParameterName: 'BufferIntervalInSeconds' as const,
          ParameterValue: String(processorBuffer.intervalInSeconds),
        },
      ]
    : [];
  const created = await clients.firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: streamArn, RoleARN: FIREHOSE_ROLE },
      ExtendedS3DestinationConfiguration: {
        RoleARN: FIREHOSE_ROLE,
        BucketARN: `arn:aws:s3:::${name}`,
        BufferingHints: options.buffer ?? { SizeInMBs: 1, IntervalInSeconds: 0 },
        ...(options.lambdaArn
          ? {
              ProcessingConfiguration: {
                Enabled: true,
                Processors: [{ Type: 'Lambda', Parameters: parameters }],
              },
            }
          : {}),
        ...options.destination,
      },
    }),
  );
  await waitFor(`delivery stream ${name} to be ACTIVE`, async () => {
    const described = await clients.firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
    );
    return described.DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE';
  });
  return {
    stream: name,
    streamArn,
    bucket: name,
    deliveryStream: name,
    deliveryStreamArn: created.DeliveryStreamARN ?? '',
  };
}

export interface Entry {
  data: string | Uint8Array;
  partitionKey?: string;
}

/**
 * Puts every entry into the stream, 500 a call in order, putting again the entries the shards refused
 * (throttling is expected when a test writes fast) until all are in.
 */
export async function putAll(clients: Clients, stream: string, entries: readonly Entry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 500) {
    let pending = entries.slice(start, start + 500).map((entry, i) => ({
      Data: typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data,
      PartitionKey: entry.partitionKey ?? `key-${start + i}`,
    }));
    await waitFor(`the stream ${stream} to accept ${pending.length} records`, async () => {
      const result = await clients.kinesis.send(
        new PutRecordsCommand({ StreamName: stream, Records: pending }),
      );
      pending = pending.filter((_, i) => result.Records?.[i]?.ErrorCode);
      return pending.length === 0;
    });
  }
}

export interface DeliveredObject {
  key: string;
  body: Buffer;
}

/** Reads the objects of a bucket (under a prefix), each object once per reader: objects never change. */
export function objectReader(s3: S3Client, bucket: string) {
  const seen = new Map<string, Buffer>();
  return async (prefix?: string): Promise<DeliveredObject[]> => {
    const keys = await listAllKeys(s3, bucket, prefix);
    const objects: DeliveredObject[] = [];
    for (const key of keys) {
      let body = seen.get(key);
      if (!body) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
        seen.set(key, body);
      }
      objects.push({ key, body });
    }
    return objects;
  };
}

/** The non-empty lines of objects, in key order. */
export function linesOf(objects: readonly DeliveredObject[]): string[] {
  return objects.flatMap((o) => o.body.toString('utf8').split('\n')).filter((line) => line.length > 0);
}

/** What a function printed: the log events of `/aws/lambda/<name>` whose message contains `marker`. */
export async function functionLogLines(clients: Clients, name: string, marker: string): Promise<string[]> {
  const lines: string[] = [];
  let token: string | undefined;
  do {
    const page = await clients.logs.send(
      new FilterLogEventsCommand({
        logGroupName: `/aws/lambda/${name}`,
        ...(token ? { nextToken: token } : {}),
      }),
    );
    for (const event of page.events ?? []) {
      if (event.message?.includes(marker)) lines.push(event.message);
    }
    token = page.nextToken;
  } while (token);
  return lines;
}
