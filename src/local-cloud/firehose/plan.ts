// What a delivery stream's configuration means for delivery, derived from the stored configuration once
// per version: where objects go, how records are buffered, which Lambda transforms them.
import type { Processor } from '@aws-sdk/client-firehose';
import { LAMBDA_DEFAULTS } from './config.js';
import { bucketName, type DeliveryStream } from './model.js';
import { type KeyPlan, planKeys } from './prefix.js';

const MB = 1024 * 1024;

export interface BufferHints {
  sizeBytes: number;
  intervalMs: number;
}

export interface LambdaProcessor {
  arn: string;
  /** The role Firehose invokes it with: the processor's RoleArn, else the destination's. */
  role: string;
  /** Invocations after the first one that failed. */
  retries: number;
  buffer: BufferHints;
}

export interface DeliveryPlan {
  deliveryStreamName: string;
  deliveryStreamArn: string;
  versionId: string;
  /** The destination's role: what Firehose writes objects and logs its errors with. */
  role: string;
  bucket: string;
  keys: KeyPlan;
  timeZone: string;
  compression: 'UNCOMPRESSED' | 'GZIP';
  /** Appended to every object name: FileExtension, or `.gz` for GZIP. */
  extension: string;
  buffer: BufferHints;
  lambda?: LambdaProcessor;
  /** AppendDelimiterToRecord: bytes added after every record that goes to the destination. */
  delimiter?: Buffer;
  logging?: { group: string; stream: string };
}

function parameter(processor: Processor, name: string): string | undefined {
  return processor.Parameters?.find((p) => p.ParameterName === name)?.ParameterValue;
}

/** AppendDelimiterToRecord's Delimiter is written with escapes (`\\n` by default). */
export function unescapeDelimiter(text: string): string {
  return text.replace(/\\(n|r|t|\\)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c] ?? c);
}

export function deliveryPlan(stream: DeliveryStream): DeliveryPlan {
  const destination = stream.destination;
  const processing = destination.ProcessingConfiguration;
  const processors = processing?.Enabled ? processing.Processors : [];
  const lambda = processors.find((p) => p.Type === 'Lambda');
  const delimiter = processors.find((p) => p.Type === 'AppendDelimiterToRecord');
  const compression = destination.CompressionFormat === 'GZIP' ? 'GZIP' : 'UNCOMPRESSED';
  const logging = destination.CloudWatchLoggingOptions;
  return {
    deliveryStreamName: stream.name,
    deliveryStreamArn: stream.arn,
    versionId: String(stream.versionId),
    role: destination.RoleARN,
    bucket: bucketName(destination.BucketARN),
    keys: planKeys(destination.Prefix, destination.ErrorOutputPrefix),
    timeZone: destination.CustomTimeZone || 'UTC',
    compression,
    extension: destination.FileExtension ?? (compression === 'GZIP' ? '.gz' : ''),
    buffer: {
      sizeBytes: destination.BufferingHints.SizeInMBs * MB,
      intervalMs: destination.BufferingHints.IntervalInSeconds * 1000,
    },
    ...(lambda
      ? {
          lambda: {
            arn: parameter(lambda, 'LambdaArn') ?? '',
            role: parameter(lambda, 'RoleArn') ?? destination.RoleARN,
            retries: Number(parameter(lambda, 'NumberOfRetries') ?? LAMBDA_DEFAULTS.NumberOfRetries),
            buffer: {
              sizeBytes: Math.round(
                Number(parameter(lambda, 'BufferSizeInMBs') ?? LAMBDA_DEFAULTS.BufferSizeInMBs) * MB,
              ),
              intervalMs:
                Number(
                  parameter(lambda, 'BufferIntervalInSeconds') ?? LAMBDA_DEFAULTS.BufferIntervalInSeconds,
                ) * 1000,
            },
          },
        }
      : {}),
    ...(delimiter
      ? { delimiter: Buffer.from(unescapeDelimiter(parameter(delimiter, 'Delimiter') ?? '\\n'), 'utf8') }
      : {}),
    ...(logging.Enabled && logging.LogGroupName && logging.LogStreamName
      ? { logging: { group: logging.LogGroupName, stream: logging.LogStreamName } }
      : {}),
  };
}
