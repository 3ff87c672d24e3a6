// What the local cloud keeps about a delivery stream (persisted as JSON), and what the worker derives from it.
import type { EncryptionConfiguration, Processor, Tag } from '@aws-sdk/client-firehose';

export type DeliveryStreamType = 'DirectPut' | 'KinesisStreamAsSource';
export type DeliveryStreamStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

/** An S3 destination with AWS's defaults filled in: the shape DescribeDeliveryStream returns. */
export interface S3Destination {
  RoleARN: string;
  BucketARN: string;
  Prefix?: string;
  ErrorOutputPrefix?: string;
  BufferingHints: { SizeInMBs: number; IntervalInSeconds: number };
  CompressionFormat: string;
  EncryptionConfiguration: EncryptionConfiguration;
  CloudWatchLoggingOptions: { Enabled: boolean; LogGroupName?: string; LogStreamName?: string };
  ProcessingConfiguration?: { Enabled: boolean; Processors: Processor[] };
  S3BackupMode: 'Disabled';
  FileExtension?: string;
  CustomTimeZone?: string;
}

export interface KinesisSource {
  KinesisStreamARN: string;
  RoleARN: string;
  /** Epoch ms: records that arrived in the stream from then on are delivered ("LATEST as of creation"). */
  DeliveryStartTimestamp: number;
}

export interface DeliveryStream {
  name: string;
  arn: string;
  type: DeliveryStreamType;
  status: DeliveryStreamStatus;
  /** Starts at 1 and goes up by one on every configuration change (it is part of every object name). */
  versionId: number;
  createdAt: number;
  updatedAt?: number;
  source?: KinesisSource;
  encryption?: { KeyType?: string; KeyARN?: string };
  /** Which configuration the stream was created with; both describe the same S3 destination. */
  destinationKind: 'ExtendedS3' | 'S3';
  destination: S3Destination;
  tags: Tag[];
}

export const DESTINATION_ID = 'destinationId-000000000001';

export function deliveryStreamArn(region: string, account: string, name: string): string {
  return `arn:aws:firehose:${region}:${account}:deliverystream/${name}`;
}

/** `arn:aws:s3:::bucket` -> `bucket`. */
export function bucketName(bucketArn: string): string {
  return bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
}

/** `arn:aws:kinesis:region:account:stream/name` -> `name`. */
export function streamName(streamArn: string): string {
  return streamArn.slice(streamArn.indexOf(':stream/') + ':stream/'.length);
}
