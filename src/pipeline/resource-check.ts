// After a deploy: does every resource the stack lists exist, and is it usable? CloudFormation's word is not
// enough at an endpoint that implements AWS only in part (moto's server reports a delivery stream
// CREATE_COMPLETE and makes none). Each resource is described by its own service; what is missing is said
// with what will therefore not work.

import { type CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PipelineDiscovery, StackResourceLine } from './discovery.js';

export type CheckState =
  /** Exists and is ready. */
  | 'ok'
  /** Exists, not ready yet (CREATING, Pending). */
  | 'not-ready'
  /** The service says it does not exist. */
  | 'missing'
  /** The service could not be asked (not served at this endpoint, refused): unknown. */
  | 'unavailable'
  /** A type this check does not describe (policies, permissions): CloudFormation's word is taken. */
  | 'unchecked';

export interface ResourceCheck {
  logicalId: string;
  type: string;
  physicalId?: string;
  state: CheckState;
  /** The status the service gave, or its error. */
  detail?: string;
  /** For missing or unavailable resources: what will not work because of it. */
  consequence?: string;
}

export interface ResourceReport {
  checks: ResourceCheck[];
  /** One sentence per resource that is missing or could not be described, with what will not work. */
  problems: string[];
}

/** A check that failed, in a few words with what matters first (for one line of a screen). */
export function problemSummary(c: ResourceCheck): string {
  return `${c.logicalId} ${c.state === 'missing' ? 'not made here' : 'cannot be described here'}: ${c.consequence ?? c.type}`;
}

export interface CheckClients {
  s3: S3Client;
  lambda: LambdaClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
}

const text = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;
const notFound = (error: unknown) =>
  /NotFound|NoSuch|ResourceNotFoundException/.test((error as Error).name ?? '') ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** What stops working when a resource of this type is not there. */
const CONSEQUENCES: Record<string, string> = {
  'AWS::Kinesis::Stream': '`stream` has nothing to send to, and Firehose nothing to read',
  'AWS::KinesisFirehose::DeliveryStream':
    'nothing will reach the bucket: no object will ever arrive, so verify can only report every event missing',
  'AWS::S3::Bucket': 'Firehose has nowhere to write and verify nothing to read',
  'AWS::Lambda::Function': 'the transform cannot run: Firehose will file every record as processing-failed',
  'AWS::IAM::Role': 'what assumes this role (Firehose, the transform) will be refused',
  'AWS::Logs::LogGroup': 'what should be logged there is not kept',
  'AWS::Logs::LogStream': 'what should be logged there is not kept',
  'AWS::S3::BucketPolicy':
    'the access rules it sets on the bucket (such as refusing non-TLS requests) are not in force',
};

async function describeOne(
  r: StackResourceLine,
  discovery: PipelineDiscovery,
  clients: CheckClients,
): Promise<Omit<ResourceCheck, 'logicalId' | 'type' | 'physicalId' | 'consequence'>> {
  const id = r.physicalId as string;
  try {
    switch (r.type) {
      case 'AWS::Kinesis::Stream': {
        const s = discovery.streams.find((x) => x.name === id || x.logicalId === r.logicalId);
        if (!s || s.status === 'MISSING')
          return { state: 'missing', ...(s?.error ? { detail: s.error } : {}) };
        if (s.error) return { state: 'unavailable', detail: s.error };
        return {
          state: /^(ACTIVE|UPDATING)$/.test(s.status ?? '') ? 'ok' : 'not-ready',
          detail: s.status ?? '',
        };
      }
      case 'AWS::KinesisFirehose::DeliveryStream': {
        const d = discovery.deliveryStreams.find((x) => x.name === id || x.logicalId === r.logicalId);
        if (!d || d.status === 'MISSING')
          return { state: 'missing', ...(d?.error ? { detail: d.error } : {}) };
        if (d.status === 'UNKNOWN') return { state: 'unavailable', detail: d.error ?? 'cannot be described' };
        return { state: d.status === 'ACTIVE' ? 'ok' : 'not-ready', detail: d.status };
      }
      case 'AWS::S3::Bucket':
        await clients.s3.send(new HeadBucketCommand({ Bucket: id }));
        return { state: 'ok', detail: 'exists' };
      case 'AWS::Lambda::Function': {
        const f = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: id }));
        const state = f.State ?? 'Active';
        return { state: state === 'Active' ? 'ok' : 'not-ready', detail: state };
      }
      case 'AWS::IAM::Role':
        await clients.iam.send(new GetRoleCommand({ RoleName: id }));
        return { state: 'ok', detail: 'exists' };
      case 'AWS::Logs::LogGroup': {
        const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id }));
        return out.logGroups?.some((g) => g.logGroupName === id)
          ? { state: 'ok', detail: 'exists' }
          : { state: 'missing' };
      }
      default:
        return { state: 'unchecked' };
    }
  } catch (error) {
    return { state: notFound(error) ? 'missing' : 'unavailable', detail: text(error) };
  }
}

/** Describes every live resource of the stack with its own service. */
export async function checkResources(
  clients: CheckClients,
  discovery: PipelineDiscovery,
): Promise<ResourceReport> {
  const live = discovery.resources.filter(
    (r) => r.physicalId && !/^DELETE_(COMPLETE|SKIPPED)$/.test(r.status),
  );
  const checks = await Promise.all(
    live.map(async (r): Promise<ResourceCheck> => {
      const found = await describeOne(r, discovery, clients);
      const bad = found.state === 'missing' || found.state === 'unavailable';
      const consequence = CONSEQUENCES[r.type];
      return {
        logicalId: r.logicalId,
        type: r.type,
        ...(r.physicalId ? { physicalId: r.physicalId } : {}),
        ...found,
        ...(bad && consequence ? { consequence } : {}),
      };
    }),
  );
  for (const { logicalId, type } of discovery.unmade) {
    // The delivery stream discovery added as missing is described above only if listed; say it once.
    checks.push({
      logicalId,
      type,
      state: 'missing',
      detail: 'the template declares it; the stack lists no physical resource for it',
      ...(CONSEQUENCES[type] ? { consequence: CONSEQUENCES[type] } : {}),
    });
  }
  // What breaks the pipeline most first: the stream, the delivery stream, the bucket, the transform.
  const rank = (c: ResourceCheck) => {
    const i = Object.keys(CONSEQUENCES).indexOf(c.type);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  checks.sort((a, b) => rank(a) - rank(b));
  const problems = checks
    .filter((c) => c.state === 'missing' || c.state === 'unavailable')
    .map(
      (c) =>
        `${c.logicalId} (${c.type}${c.physicalId ? ` ${c.physicalId}` : ''}) ${c.state === 'missing' ? 'does not exist at this endpoint, although CloudFormation reports it made' : 'cannot be described here'}` +
        `${c.detail ? ` (${c.detail})` : ''}${c.consequence ? `: ${c.consequence}` : ''}`,
    );
  return { checks, problems };
}
