// Discovery: what a deployed stack's pipeline is, found from the stack's resources and the services
// themselves (DescribeStackResources, then DescribeStreamSummary / DescribeDeliveryStream /
// GetFunctionConfiguration), not from the names of our template's outputs. Any template of the shape
// "Kinesis stream -> Firehose (optionally with a Lambda transform) -> S3" works, whatever its parameter,
// resource and output names. stream, verify, status, teardown and the wizard all read one
// `PipelineDiscovery`; `choosePipeline` picks the stream and delivery stream to use when there are several.
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import {
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  ListDeliveryStreamsCommand,
} from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { InputError } from '../config/errors.js';
import { parseTemplate } from '../template/parse.js';
import { type KeyLayout, keyLayout, prefixText, staticPart } from './delivery-keys.js';
import { requireStack, type StackState } from './stack.js';

/** One resource of the stack, as DescribeStackResources lists it. */
export interface StackResourceLine {
  logicalId: string;
  type: string;
  status: string;
  physicalId?: string;
  reason?: string;
}

/** A Kinesis data stream of the stack. */
export interface KinesisStreamRef {
  name: string;
  arn?: string;
  /** Its logical id in the stack; undefined for a stream outside it (a delivery stream's source). */
  logicalId?: string;
  /** DescribeStreamSummary's StreamStatus; undefined when it could not be described (see `error`). */
  status?: string;
  openShards?: number;
  mode?: string;
  /** Why it could not be described (it does not exist, the endpoint lacks Kinesis). */
  error?: string;
}

/** The Lambda function a delivery stream transforms records with. */
export interface TransformRef {
  /** LambdaArn as configured: may name a version or alias (`...:function:name:live`). */
  arn: string;
  name: string;
  /** The version or alias the ARN names, if any. */
  qualifier?: string;
  logicalId?: string;
  /** Where its output goes: LoggingConfig.LogGroup, or `/aws/lambda/<name>`. */
  logGroup: string;
  /** The processor's own buffer (Firehose's defaults: 60 s, 1 MB). */
  bufferIntervalSeconds?: number;
  bufferSizeMB?: number;
  numberOfRetries?: number;
}

/** A Firehose delivery stream: where it reads, where and how it writes. */
export interface DeliveryStreamRef {
  name: string;
  arn?: string;
  logicalId?: string;
  /** DeliveryStreamStatus (CREATING, ACTIVE, ...); `MISSING` when the service does not know it. */
  status: string;
  /** FailureDescription, or why it could not be described. */
  error?: string;
  type?: string;
  /** The Kinesis stream it reads (KinesisStreamAsSource). */
  sourceStreamArn?: string;
  sourceStreamName?: string;
  /** The S3 destination. */
  bucket?: string;
  keys?: KeyLayout;
  /** CustomTimeZone, UTC by default: timestamps in keys are in it. */
  timeZone: string;
  fileExtension?: string;
  compression?: string;
  buffer: { intervalSeconds?: number; sizeMB?: number };
  transform?: TransformRef;
  /** CloudWatchLoggingOptions: where Firehose logs delivery errors, when enabled. */
  logGroup?: { name: string; stream?: string };
}

/** What the stack's pipeline is. Read once per command (or per visit to a wizard step). */
export interface PipelineDiscovery {
  stack: StackState;
  /** Every resource of the stack. */
  resources: StackResourceLine[];
  /** The stack's Kinesis streams, and the sources of its delivery streams that live outside it. */
  streams: KinesisStreamRef[];
  /** The stack's delivery streams; when it has none, those outside it that read one of its streams. */
  deliveryStreams: DeliveryStreamRef[];
  /** The stack's S3 buckets (physical names). */
  buckets: string[];
  /** The stack's Lambda functions (physical names). */
  functions: string[];
  /**
   * Resources the stack's template declares that the stack lists without a physical resource (an endpoint
   * whose CloudFormation skips types it does not implement, as moto's does, yet reports CREATE_COMPLETE).
   */
  unmade: Array<{ logicalId: string; type: string }>;
  /** What could not be asked (a service the endpoint lacks): said, not hidden. */
  notes: string[];
}

/** The stream and delivery stream the commands and the wizard work with. */
export interface PipelineChoice {
  stream?: KinesisStreamRef;
  deliveryStream?: DeliveryStreamRef;
}

export interface DiscoveryClients {
  cloudformation: CloudFormationClient;
  kinesis: KinesisClient;
  firehose: FirehoseClient;
  lambda: LambdaClient;
}

const describeError = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;
const isNotFound = (error: unknown) =>
  /ResourceNotFound|NotFound|NoSuch/.test((error as Error).name ?? '') ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** The resource name in an ARN's last part (`arn:..:stream/name` -> name). */
export function nameFromArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.slice(resource.indexOf('/') + 1);
}

/**
 * A Lambda ARN's function name and qualifier: `arn:aws:lambda:r:a:function:name[:version|alias]`. A bare
 * name (or `name:alias`) is taken as it is.
 */
export function lambdaName(arn: string): { name: string; qualifier?: string } {
  const parts = arn.split(':');
  const at = parts.indexOf('function');
  const [name = arn, qualifier] = at >= 0 ? parts.slice(at + 1) : parts;
  return { name, ...(qualifier ? { qualifier } : {}) };
}

/** The bucket name in an S3 bucket ARN (`arn:aws:s3:::name`). */
export function bucketFromArn(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

const num = (value: string | undefined) =>
  value === undefined || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value);

/** A delivery stream from DescribeDeliveryStream, in the shape the pipeline uses. Pure. */
export function deliveryStreamRef(
  d: DeliveryStreamDescription,
  logicalId?: string,
): Omit<DeliveryStreamRef, 'transform'> & { transformArn?: string; transform?: TransformRef } {
  const destination = d.Destinations?.[0];
  const extended = destination?.ExtendedS3DestinationDescription;
  const plain = destination?.S3DestinationDescription;
  const s3 = extended ?? plain;
  const processor = extended?.ProcessingConfiguration?.Enabled
    ? extended.ProcessingConfiguration.Processors?.find((p) => p.Type === 'Lambda')
    : undefined;
  const parameter = (name: string) =>
    processor?.Parameters?.find((p) => p.ParameterName === name)?.ParameterValue;
  const sourceArn = d.Source?.KinesisStreamSourceDescription?.KinesisStreamARN;
  const logging = s3?.CloudWatchLoggingOptions;
  const transformArn = parameter('LambdaArn');
  const failure = d.FailureDescription;
  let transform: TransformRef | undefined;
  if (transformArn) {
    const { name, qualifier } = lambdaName(transformArn);
    const interval = num(parameter('BufferIntervalInSeconds'));
    const size = num(parameter('BufferSizeInMBs'));
    const retries = num(parameter('NumberOfRetries'));
    transform = {
      arn: transformArn,
      name,
      ...(qualifier ? { qualifier } : {}),
      logGroup: `/aws/lambda/${name}`,
      ...(interval !== undefined ? { bufferIntervalSeconds: interval } : {}),
      ...(size !== undefined ? { bufferSizeMB: size } : {}),
      ...(retries !== undefined ? { numberOfRetries: retries } : {}),
    };
  }
  return {
    name: d.DeliveryStreamName ?? '',
    ...(d.DeliveryStreamARN ? { arn: d.DeliveryStreamARN } : {}),
    ...(logicalId ? { logicalId } : {}),
    status: d.DeliveryStreamStatus ?? 'UNKNOWN',
    ...(failure ? { error: `${failure.Type}: ${failure.Details}` } : {}),
    ...(d.DeliveryStreamType ? { type: d.DeliveryStreamType } : {}),
    ...(sourceArn ? { sourceStreamArn: sourceArn, sourceStreamName: nameFromArn(sourceArn) } : {}),
    ...(s3?.BucketARN ? { bucket: bucketFromArn(s3.BucketARN) } : {}),
    ...(s3 ? { keys: keyLayout(s3.Prefix, s3.ErrorOutputPrefix) } : {}),
    timeZone: extended?.CustomTimeZone || 'UTC',
    ...(extended?.FileExtension ? { fileExtension: extended.FileExtension } : {}),
    ...(s3?.CompressionFormat && s3.CompressionFormat !== 'UNCOMPRESSED'
      ? { compression: s3.CompressionFormat }
      : {}),
    buffer: {
      ...(s3?.BufferingHints?.IntervalInSeconds !== undefined
        ? { intervalSeconds: s3.BufferingHints.IntervalInSeconds }
        : {}),
      ...(s3?.BufferingHints?.SizeInMBs !== undefined ? { sizeMB: s3.BufferingHints.SizeInMBs } : {}),
    },
    ...(transform ? { transform } : {}),
    ...(logging?.Enabled && logging.LogGroupName
      ? {
          logGroup: {
            name: logging.LogGroupName,
            ...(logging.LogStreamName ? { stream: logging.LogStreamName } : {}),
          },
        }
      : {}),
  };
}

/** Describes one delivery stream; one that does not exist comes back MISSING with the service's words. */
export async function describeDeliveryStream(
  clients: Pick<DiscoveryClients, 'firehose' | 'lambda'>,
  name: string,
  logicalId?: string,
): Promise<DeliveryStreamRef> {
  let described: DeliveryStreamDescription | undefined;
  try {
    const out = await clients.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
    described = out.DeliveryStreamDescription;
  } catch (error) {
    return {
      name,
      ...(logicalId ? { logicalId } : {}),
      status: isNotFound(error) ? 'MISSING' : 'UNKNOWN',
      error: describeError(error),
      timeZone: 'UTC',
      buffer: {},
    };
  }
  if (!described) return { name, status: 'UNKNOWN', error: 'no description', timeZone: 'UTC', buffer: {} };
  const ref: DeliveryStreamRef = deliveryStreamRef(described, logicalId);
  if (ref.transform) {
    // Where the function logs: its LoggingConfig, which may name a log group of its own.
    try {
      const config = await clients.lambda.send(
        new GetFunctionConfigurationCommand({
          FunctionName: ref.transform.name,
          ...(ref.transform.qualifier ? { Qualifier: ref.transform.qualifier } : {}),
        }),
      );
      if (config.LoggingConfig?.LogGroup) ref.transform.logGroup = config.LoggingConfig.LogGroup;
    } catch {
      // The default group is right for most functions; a missing function is the resource check's to say.
    }
  }
  return ref;
}

async function describeStream(
  kinesis: KinesisClient,
  name: string,
  logicalId?: string,
): Promise<KinesisStreamRef> {
  try {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const d = out.StreamDescriptionSummary;
    return {
      name,
      ...(d?.StreamARN ? { arn: d.StreamARN } : {}),
      ...(logicalId ? { logicalId } : {}),
      ...(d?.StreamStatus ? { status: d.StreamStatus } : {}),
      ...(d?.OpenShardCount !== undefined ? { openShards: d.OpenShardCount } : {}),
      mode: d?.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
    };
  } catch (error) {
    return {
      name,
      ...(logicalId ? { logicalId } : {}),
      ...(isNotFound(error) ? { status: 'MISSING' } : {}),
      error: describeError(error),
    };
  }
}

/** The stack's resources, as DescribeStackResources lists them. */
export async function stackResources(
  cf: CloudFormationClient,
  stackId: string,
): Promise<StackResourceLine[]> {
  const out = await cf.send(new DescribeStackResourcesCommand({ StackName: stackId }));
  return (out.StackResources ?? []).map((r: StackResource) => ({
    logicalId: r.LogicalResourceId ?? '',
    type: r.ResourceType ?? '',
    status: r.ResourceStatus ?? '',
    ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
    ...(r.ResourceStatusReason ? { reason: r.ResourceStatusReason } : {}),
  }));
}

const live = (r: StackResourceLine) => Boolean(r.physicalId) && !/^DELETE_(COMPLETE|SKIPPED)$/.test(r.status);

/** Delivery streams outside the stack that read one of these streams (a pipeline assembled by hand). */
async function readersOutside(
  clients: Pick<DiscoveryClients, 'firehose' | 'lambda'>,
  streams: readonly KinesisStreamRef[],
): Promise<DeliveryStreamRef[]> {
  const arns = new Set(streams.map((s) => s.arn).filter(Boolean));
  if (arns.size === 0) return [];
  const names: string[] = [];
  let start: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await clients.firehose.send(
      new ListDeliveryStreamsCommand({
        DeliveryStreamType: 'KinesisStreamAsSource',
        ...(start ? { ExclusiveStartDeliveryStreamName: start } : {}),
      }),
    );
    names.push(...(out.DeliveryStreamNames ?? []));
    start = names.at(-1);
    if (!out.HasMoreDeliveryStreams || !start) break;
  }
  const described = await Promise.all(names.slice(0, 50).map((n) => describeDeliveryStream(clients, n)));
  return described.filter((d) => d.sourceStreamArn && arns.has(d.sourceStreamArn));
}

/** The template's resources: logical id, type and properties. Undefined when it cannot be read. */
async function declaredResources(
  cf: CloudFormationClient,
  stackId: string,
): Promise<
  Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: unknown }> | undefined
> {
  try {
    const out = await cf.send(new GetTemplateCommand({ StackName: stackId }));
    return out.TemplateBody ? (parseTemplate(out.TemplateBody).Resources ?? {}) : undefined;
  } catch {
    return undefined;
  }
}

/** A name property as the template gives it: a literal, or a parameter's value; else undefined. */
function declaredName(value: unknown, parameters: Record<string, string>): string | undefined {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? parameters[ref] : undefined;
}

/** Finds the stack's pipeline: its streams, delivery streams (with where they write), buckets and functions. */
export async function discoverPipeline(
  clients: DiscoveryClients,
  stack: StackState,
): Promise<PipelineDiscovery> {
  const [resources, declared] = await Promise.all([
    stackResources(clients.cloudformation, stack.id),
    declaredResources(clients.cloudformation, stack.id),
  ]);
  const ofType = (type: string) => resources.filter((r) => r.type === type && live(r));
  const notes: string[] = [];
  const listed = new Set(resources.filter((r) => r.physicalId).map((r) => r.logicalId));
  // A resource under a Condition may rightly not exist: only unconditional ones are expected.
  const unmade = Object.entries(declared ?? {})
    .filter(([id, r]) => !listed.has(id) && r.Condition === undefined)
    .map(([logicalId, r]) => ({ logicalId, type: r.Type }));
  const [streams, deliveryStreams] = await Promise.all([
    Promise.all(
      ofType('AWS::Kinesis::Stream').map((r) =>
        describeStream(clients.kinesis, r.physicalId as string, r.logicalId),
      ),
    ),
    Promise.all(
      ofType('AWS::KinesisFirehose::DeliveryStream').map((r) =>
        describeDeliveryStream(clients, r.physicalId as string, r.logicalId),
      ),
    ),
  ]);
  // A delivery stream the template declares and the stack does not hold: there, and missing.
  for (const { logicalId, type } of unmade) {
    if (type !== 'AWS::KinesisFirehose::DeliveryStream') continue;
    const properties = declared?.[logicalId]?.Properties ?? {};
    deliveryStreams.push({
      name: declaredName(properties.DeliveryStreamName, stack.parameters) ?? logicalId,
      logicalId,
      status: 'MISSING',
      error: 'the stack lists no physical resource for it, although it reports itself complete',
      timeZone: 'UTC',
      buffer: {},
    });
  }
  if (deliveryStreams.length === 0 && streams.length > 0) {
    try {
      deliveryStreams.push(...(await readersOutside(clients, streams)));
    } catch (error) {
      notes.push(`could not list the delivery streams reading the stack's stream: ${describeError(error)}`);
    }
  }
  // A delivery stream may read a stream made outside the stack.
  for (const d of deliveryStreams) {
    if (
      d.sourceStreamName &&
      !streams.some((s) => s.arn === d.sourceStreamArn || s.name === d.sourceStreamName)
    )
      streams.push(await describeStream(clients.kinesis, d.sourceStreamName));
  }
  for (const d of deliveryStreams) {
    if (d.status === 'UNKNOWN' && d.error) notes.push(`delivery stream ${d.name}: ${d.error}`);
  }
  return {
    stack,
    resources,
    streams,
    deliveryStreams,
    buckets: ofType('AWS::S3::Bucket').map((r) => r.physicalId as string),
    functions: ofType('AWS::Lambda::Function').map((r) => r.physicalId as string),
    unmade,
    notes,
  };
}

/** The stack by name (or a TargetError saying to deploy first) and its pipeline. */
export async function requirePipeline(
  clients: DiscoveryClients,
  stackName: string,
): Promise<PipelineDiscovery> {
  return discoverPipeline(clients, await requireStack(clients.cloudformation, stackName));
}

/** Where a delivery stream sends what it delivers, as one line (`s3://bucket/events/!{timestamp:..}`). */
export function destinationText(d: DeliveryStreamRef): string {
  if (!d.bucket) return '(no S3 destination)';
  return `s3://${d.bucket}/${d.keys ? prefixText(d.keys.delivered) : ''}`;
}

/** The delivery streams reading a stream. */
export function readersOf(discovery: PipelineDiscovery, stream: KinesisStreamRef): DeliveryStreamRef[] {
  return discovery.deliveryStreams.filter(
    (d) => (stream.arn && d.sourceStreamArn === stream.arn) || d.sourceStreamName === stream.name,
  );
}

export type ChoiceResult =
  | { kind: 'chosen'; choice: PipelineChoice }
  /** More than one, and nothing said which: the wizard asks, the commands say how to choose. */
  | { kind: 'ambiguous'; what: 'stream' | 'delivery stream'; choices: string[] }
  /** A name was asked for that the stack does not have. */
  | { kind: 'unknown'; what: 'stream' | 'delivery stream'; name: string; choices: string[] };

export interface ChoiceOptions {
  /** `--stream`: the Kinesis stream to use. */
  stream?: string;
  /** `--delivery-stream`: the delivery stream to verify. */
  deliveryStream?: string;
  /** A stream to prefer among several (the one `stream` last sent to, from the journal). */
  preferStream?: string;
  /** What the caller needs: a stream to send to, a delivery stream to read, or both. */
  need: 'stream' | 'delivery stream' | 'both';
}

const matches = (name: string, ref: { name: string; arn?: string; logicalId?: string }) =>
  ref.name === name || ref.arn === name || ref.logicalId === name;

/**
 * Picks the stream and delivery stream to use. One of each is taken as it is; several need a name
 * (`--stream`, `--delivery-stream`, or an answer in the wizard), except that a delivery stream decides its
 * stream, a stream with one reader decides the delivery stream, and the journal's stream breaks a tie.
 */
export function choosePipeline(discovery: PipelineDiscovery, options: ChoiceOptions): ChoiceResult {
  const streams = discovery.streams;
  const all = discovery.deliveryStreams;
  let deliveryStream: DeliveryStreamRef | undefined;
  let stream: KinesisStreamRef | undefined;
  if (options.deliveryStream) {
    deliveryStream = all.find((d) => matches(options.deliveryStream as string, d));
    if (!deliveryStream)
      return {
        kind: 'unknown',
        what: 'delivery stream',
        name: options.deliveryStream,
        choices: all.map((d) => d.name),
      };
  }
  if (options.stream) {
    stream = streams.find((s) => matches(options.stream as string, s));
    if (!stream)
      return { kind: 'unknown', what: 'stream', name: options.stream, choices: streams.map((s) => s.name) };
  }
  if (!stream && deliveryStream?.sourceStreamName)
    stream = streams.find((s) => s.name === deliveryStream?.sourceStreamName);
  if (!stream && streams.length === 1) stream = streams[0];
  if (!stream && options.preferStream)
    stream = streams.find((s) => matches(options.preferStream as string, s));
  if (!deliveryStream) {
    let candidates = stream ? readersOf(discovery, stream) : all;
    // One that could not be described may be the reader (an endpoint without Firehose): it is the one
    // meant, and verify says it is not there.
    if (candidates.length === 0) candidates = all.filter((d) => !d.sourceStreamName);
    if (candidates.length === 1) deliveryStream = candidates[0];
    else if (candidates.length > 1 && options.need !== 'stream')
      return { kind: 'ambiguous', what: 'delivery stream', choices: candidates.map((d) => d.name) };
  }
  if (!stream && deliveryStream?.sourceStreamName)
    stream = streams.find((s) => s.name === deliveryStream?.sourceStreamName);
  if (!stream && streams.length > 1 && options.need !== 'delivery stream')
    return { kind: 'ambiguous', what: 'stream', choices: streams.map((s) => s.name) };
  return {
    kind: 'chosen',
    choice: { ...(stream ? { stream } : {}), ...(deliveryStream ? { deliveryStream } : {}) },
  };
}

/** The choice, or an InputError (exit 2) that lists the names to choose from and the option to pass. */
export function requireChoice(discovery: PipelineDiscovery, options: ChoiceOptions): PipelineChoice {
  const result = choosePipeline(discovery, options);
  if (result.kind === 'chosen') return result.choice;
  const option = result.what === 'stream' ? '--stream' : '--delivery-stream';
  const plural = result.what === 'stream' ? 'Kinesis streams' : 'delivery streams';
  if (result.kind === 'unknown') {
    throw new InputError(
      `stack "${discovery.stack.name}" has no ${result.what} "${result.name}"; ` +
        (result.choices.length ? `its ${plural}: ${result.choices.join(', ')}` : `it has no ${plural}`),
    );
  }
  throw new InputError(
    `stack "${discovery.stack.name}" has ${result.choices.length} ${plural} (${result.choices.join(', ')}): ` +
      `pass ${option} with one of them`,
  );
}

/** The prefix records land under, as shown to people (`events/`, `` for the bucket's root). */
export function deliveredPrefixText(d: DeliveryStreamRef | undefined): string {
  return d?.keys ? staticPart(d.keys.delivered) : '';
}
