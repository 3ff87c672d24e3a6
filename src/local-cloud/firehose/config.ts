// CreateDeliveryStream / UpdateDestination input -> the stored destination, checked the way Firehose checks
// it: model constraints as a ValidationException, Firehose's own rules (buffering hints together, prefix
// expressions, processor parameters) as an InvalidArgumentException saying what to change. Features this
// local cloud does not implement are refused by name rather than accepted and ignored.
import type { Processor } from '@aws-sdk/client-firehose';
import type { S3Destination } from './model.js';
import { isKnownTimeZone, PrefixError, planKeys } from './prefix.js';
import {
  type Constraints,
  invalidArgument,
  type Json,
  memberPath,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  structureList,
} from './validation.js';

export const BUFFERING_DEFAULTS = { SizeInMBs: 5, IntervalInSeconds: 300 };
export const LAMBDA_DEFAULTS = { NumberOfRetries: 3, BufferSizeInMBs: 1, BufferIntervalInSeconds: 60 };

const ARN = /^arn:.*$/;
const BUCKET_ARN = /^arn:.*:s3:::[\w.-]{1,255}$/;
const FILE_EXTENSION = /^$|^\.[0-9a-z!\-_.*'()]+$/;
const COMPRESSION_FORMATS = ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'] as const;
/** What this local cloud writes; the others need codecs it does not carry. */
const SUPPORTED_COMPRESSION = ['UNCOMPRESSED', 'GZIP'];
const PROCESSOR_TYPES = [
  'RecordDeAggregation',
  'Decompression',
  'CloudWatchLogProcessing',
  'Lambda',
  'MetadataExtraction',
  'AppendDelimiterToRecord',
] as const;
const PARAMETER_NAMES = [
  'LambdaArn',
  'NumberOfRetries',
  'MetadataExtractionQuery',
  'JsonParsingEngine',
  'RoleArn',
  'BufferSizeInMBs',
  'BufferIntervalInSeconds',
  'SubRecordType',
  'Delimiter',
  'CompressionFormat',
  'DataMessageExtraction',
] as const;
const PARAMETERS_BY_TYPE: Record<string, readonly string[]> = {
  Lambda: ['LambdaArn', 'NumberOfRetries', 'RoleArn', 'BufferSizeInMBs', 'BufferIntervalInSeconds'],
  AppendDelimiterToRecord: ['Delimiter'],
};

type DestinationInput = Partial<S3Destination> & { S3BackupConfiguration?: unknown };

/** Reads the members both S3 configurations and both S3 updates share, with their model constraints. */
function readS3Members(input: Json, path: string, checks: Constraints, extended: boolean): DestinationInput {
  const out: DestinationInput = {};
  out.RoleARN = optionalString(input, 'RoleARN', path);
  checks.length(out.RoleARN, memberPath(path, 'RoleARN'), 1, 512);
  checks.pattern(out.RoleARN, memberPath(path, 'RoleARN'), ARN, 'arn:.*');
  out.BucketARN = optionalString(input, 'BucketARN', path);
  checks.length(out.BucketARN, memberPath(path, 'BucketARN'), 1, 2048);
  checks.pattern(out.BucketARN, memberPath(path, 'BucketARN'), BUCKET_ARN, 'arn:.*:s3:::[\\w\\.\\-]{1,255}');
  out.Prefix = optionalString(input, 'Prefix', path);
  checks.length(out.Prefix, memberPath(path, 'Prefix'), 0, 1024);
  out.ErrorOutputPrefix = optionalString(input, 'ErrorOutputPrefix', path);
  checks.length(out.ErrorOutputPrefix, memberPath(path, 'ErrorOutputPrefix'), 0, 1024);

  const hints = optionalObject(input, 'BufferingHints', path);
  if (hints) {
    const hintsPath = memberPath(path, 'BufferingHints');
    const size = optionalInteger(hints, 'SizeInMBs', hintsPath);
    const interval = optionalInteger(hints, 'IntervalInSeconds', hintsPath);
    checks.range(size, memberPath(hintsPath, 'SizeInMBs'), 1, 128);
    checks.range(interval, memberPath(hintsPath, 'IntervalInSeconds'), 0, 900);
    if ((size === undefined) !== (interval === undefined)) {
      throw invalidArgument(
        'BufferingHints: SizeInMBs and IntervalInSeconds go together; set both (SizeInMBs 1-128, IntervalInSeconds 0-900) or neither for the defaults (5 MB, 300 s)',
      );
    }
    if (size !== undefined && interval !== undefined)
      out.BufferingHints = { SizeInMBs: size, IntervalInSeconds: interval };
  }

  const compression = optionalString(input, 'CompressionFormat', path);
  checks.oneOf(compression, memberPath(path, 'CompressionFormat'), COMPRESSION_FORMATS);
  if (compression !== undefined) out.CompressionFormat = compression;

  const encryption = optionalObject(input, 'EncryptionConfiguration', path);
  if (encryption) {
    const encPath = memberPath(path, 'EncryptionConfiguration');
    const none = optionalString(encryption, 'NoEncryptionConfig', encPath);
    checks.oneOf(none, memberPath(encPath, 'NoEncryptionConfig'), ['NoEncryption']);
    const kms = optionalObject(encryption, 'KMSEncryptionConfig', encPath);
    const keyArn = kms
      ? optionalString(kms, 'AWSKMSKeyARN', memberPath(encPath, 'KMSEncryptionConfig'))
      : undefined;
    if (kms) checks.required(keyArn, memberPath(memberPath(encPath, 'KMSEncryptionConfig'), 'AWSKMSKeyARN'));
    if (none && kms) {
      throw invalidArgument(
        'EncryptionConfiguration: give either NoEncryptionConfig or KMSEncryptionConfig, not both',
      );
    }
    out.EncryptionConfiguration = kms
      ? { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } }
      : { NoEncryptionConfig: 'NoEncryption' };
  }

  const logging = optionalObject(input, 'CloudWatchLoggingOptions', path);
  if (logging) {
    const logPath = memberPath(path, 'CloudWatchLoggingOptions');
    const enabled = optionalBoolean(logging, 'Enabled', logPath) ?? false;
    const group = optionalString(logging, 'LogGroupName', logPath);
    const stream = optionalString(logging, 'LogStreamName', logPath);
    checks.length(group, memberPath(logPath, 'LogGroupName'), 0, 512);
    checks.length(stream, memberPath(logPath, 'LogStreamName'), 0, 512);
    if (enabled && (!group || !stream)) {
      throw invalidArgument(
        'CloudWatchLoggingOptions: LogGroupName and LogStreamName are required when logging is enabled (create the log group and stream first)',
      );
    }
    out.CloudWatchLoggingOptions = {
      Enabled: enabled,
      ...(group ? { LogGroupName: group } : {}),
      ...(stream ? { LogStreamName: stream } : {}),
    };
  }

  if (!extended) return out;

  const processing = optionalObject(input, 'ProcessingConfiguration', path);
  if (processing)
    out.ProcessingConfiguration = readProcessing(
      processing,
      memberPath(path, 'ProcessingConfiguration'),
      checks,
    );

  const backupMode = optionalString(input, 'S3BackupMode', path);
  checks.oneOf(backupMode, memberPath(path, 'S3BackupMode'), ['Disabled', 'Enabled']);
  if (backupMode === 'Enabled') {
    throw invalidArgument(
      'S3BackupMode Enabled (source record backup) is not supported by this local cloud; leave it Disabled',
    );
  }
  for (const feature of ['DataFormatConversionConfiguration', 'DynamicPartitioningConfiguration'] as const) {
    const config = optionalObject(input, feature, path);
    if (config && optionalBoolean(config, 'Enabled', memberPath(path, feature)) !== false) {
      throw invalidArgument(
        `${feature} is not supported by this local cloud; leave it out or set Enabled to false`,
      );
    }
  }
  out.FileExtension = optionalString(input, 'FileExtension', path);
  checks.length(out.FileExtension, memberPath(path, 'FileExtension'), 0, 128);
  checks.pattern(
    out.FileExtension,
    memberPath(path, 'FileExtension'),
    FILE_EXTENSION,
    "^$|\\.[0-9a-z!\\-_.*'()]+",
  );
  out.CustomTimeZone = optionalString(input, 'CustomTimeZone', path);
  checks.length(out.CustomTimeZone, memberPath(path, 'CustomTimeZone'), 0, 50);
  return out;
}

function readProcessing(
  input: Json,
  path: string,
  checks: Constraints,
): S3Destination['ProcessingConfiguration'] {
  const enabled = optionalBoolean(input, 'Enabled', path) ?? false;
  const processors: Processor[] = (structureList(input, 'Processors', path) ?? []).map((processor, i) => {
    const processorPath = `${memberPath(path, 'Processors')}.${i + 1}.member`;
    const type = optionalString(processor, 'Type', processorPath);
    checks.required(type, memberPath(processorPath, 'Type'));
    checks.oneOf(type, memberPath(processorPath, 'Type'), PROCESSOR_TYPES);
    const parameters = (structureList(processor, 'Parameters', processorPath) ?? []).map((parameter, j) => {
      const parameterPath = `${memberPath(processorPath, 'Parameters')}.${j + 1}.member`;
      const name = optionalString(parameter, 'ParameterName', parameterPath);
      const value = optionalString(parameter, 'ParameterValue', parameterPath);
      checks.required(name, memberPath(parameterPath, 'ParameterName'));
      checks.oneOf(name, memberPath(parameterPath, 'ParameterName'), PARAMETER_NAMES);
      checks.required(value, memberPath(parameterPath, 'ParameterValue'));
      checks.length(value, memberPath(parameterPath, 'ParameterValue'), 1, 5120);
      return { ParameterName: name, ParameterValue: value } as NonNullable<Processor['Parameters']>[number];
    });
    return { Type: type, ...(parameters.length > 0 ? { Parameters: parameters } : {}) } as Processor;
  });
  return { Enabled: enabled, Processors: processors };
}

function parameterValue(processor: Processor, name: string): string | undefined {
  return processor.Parameters?.find((p) => p.ParameterName === name)?.ParameterValue;
}

function numberParameter(
  processor: Processor,
  name: string,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): void {
  const raw = parameterValue(processor, name);
  if (raw === undefined) return;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw invalidArgument(
      `Processor ${processor.Type}: ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`,
    );
  }
}

/** Firehose's rules for processors and their parameters (checked when processing is enabled or not). */
function checkProcessors(processing: NonNullable<S3Destination['ProcessingConfiguration']>): void {
  const seen = new Set<string>();
  for (const processor of processing.Processors) {
    const type = processor.Type ?? '';
    const allowed = PARAMETERS_BY_TYPE[type];
    if (!allowed) {
      throw invalidArgument(
        `Processor type ${type} is not supported by this local cloud; use Lambda (and AppendDelimiterToRecord)`,
      );
    }
    if (seen.has(type)) throw invalidArgument(`Only one processor of type ${type} is allowed`);
    seen.add(type);
    const names = new Set<string>();
    for (const parameter of processor.Parameters ?? []) {
      const name = parameter.ParameterName ?? '';
      if (!allowed.includes(name)) {
        throw invalidArgument(
          `Processor ${type} does not take the parameter ${name}; it takes ${allowed.join(', ')}`,
        );
      }
      if (names.has(name))
        throw invalidArgument(`Processor ${type}: parameter ${name} is given more than once`);
      names.add(name);
    }
    if (type === 'Lambda') {
      const arn = parameterValue(processor, 'LambdaArn');
      if (!arn) throw invalidArgument('Processor Lambda: the LambdaArn parameter is required');
      if (!/^arn:[^:]*:lambda:[^:]*:\d{12}:function:[^:]+(:[^:]+)?$/.test(arn)) {
        throw invalidArgument(
          `Processor Lambda: LambdaArn "${arn}" is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])`,
        );
      }
      numberParameter(processor, 'NumberOfRetries', { min: 0, max: 300, integer: true });
      numberParameter(processor, 'BufferSizeInMBs', { min: 0.2, max: 3, integer: false });
      numberParameter(processor, 'BufferIntervalInSeconds', { min: 0, max: 900, integer: true });
    }
  }
}

/** Firehose's rules across members, on the destination as it will be stored. */
function checkDestination(destination: S3Destination): void {
  try {
    planKeys(destination.Prefix, destination.ErrorOutputPrefix);
  } catch (error) {
    if (error instanceof PrefixError) throw invalidArgument(error.message);
    throw error;
  }
  if (destination.CustomTimeZone && !isKnownTimeZone(destination.CustomTimeZone)) {
    throw invalidArgument(
      `CustomTimeZone "${destination.CustomTimeZone}" is not a time zone; use an IANA name such as UTC or Asia/Tokyo`,
    );
  }
  if (!SUPPORTED_COMPRESSION.includes(destination.CompressionFormat)) {
    throw invalidArgument(
      `CompressionFormat ${destination.CompressionFormat} is not supported by this local cloud; use UNCOMPRESSED or GZIP`,
    );
  }
  if (destination.ProcessingConfiguration) checkProcessors(destination.ProcessingConfiguration);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A new destination from S3DestinationConfiguration or ExtendedS3DestinationConfiguration. */
export function readDestination(
  input: Json,
  member: string,
  checks: Constraints,
  extended: boolean,
): S3Destination {
  const path = memberPath('', member);
  const read = readS3Members(input, path, checks, extended);
  checks.required(read.RoleARN, memberPath(path, 'RoleARN'));
  checks.required(read.BucketARN, memberPath(path, 'BucketARN'));
  checks.check();
  const destination = withoutUndefined<S3Destination>({
    RoleARN: read.RoleARN ?? '',
    BucketARN: read.BucketARN ?? '',
    Prefix: read.Prefix,
    ErrorOutputPrefix: read.ErrorOutputPrefix,
    BufferingHints: read.BufferingHints ?? { ...BUFFERING_DEFAULTS },
    CompressionFormat: read.CompressionFormat ?? 'UNCOMPRESSED',
    EncryptionConfiguration: read.EncryptionConfiguration ?? { NoEncryptionConfig: 'NoEncryption' },
    CloudWatchLoggingOptions: read.CloudWatchLoggingOptions ?? { Enabled: false },
    ProcessingConfiguration: read.ProcessingConfiguration,
    S3BackupMode: 'Disabled',
    FileExtension: read.FileExtension,
    CustomTimeZone: read.CustomTimeZone,
  });
  checkDestination(destination);
  return destination;
}

/** The destination after S3DestinationUpdate or ExtendedS3DestinationUpdate: given members replace stored ones. */
export function updateDestination(
  current: S3Destination,
  input: Json,
  member: string,
  checks: Constraints,
  extended: boolean,
): S3Destination {
  const read = readS3Members(input, memberPath('', member), checks, extended);
  checks.check();
  const destination = withoutUndefined<S3Destination>({
    ...current,
    ...withoutUndefined(read),
    S3BackupMode: 'Disabled',
  });
  delete (destination as DestinationInput).S3BackupConfiguration;
  checkDestination(destination);
  return destination;
}
