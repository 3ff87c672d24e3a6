// Status: the stack and what it made, as one snapshot, from discovery (whatever the template names things).
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { keyClassifier, listPrefixes } from './delivery-keys.js';
import {
  type ChoiceOptions,
  choosePipeline,
  discoverPipeline,
  type KinesisStreamRef,
  type PipelineDiscovery,
  type StackResourceLine,
} from './discovery.js';
import { type CheckClients, checkResources, type ResourceReport } from './resource-check.js';
import { describeStack, type StackState } from './stack.js';
import { type DeliveryStreamInfo, deliveryInfo, deliveryTarget } from './verify.js';

export interface PipelineStatus {
  stack: StackState | undefined;
  resources: StackResourceLine[];
  discovery?: PipelineDiscovery;
  /** The stream `stream` sends to (the only one, or the one chosen). */
  stream?: { name: string; status: string; mode: string; openShards: number; error?: string };
  /** The delivery stream `verify` reads (the only one, or the one chosen). */
  deliveryStream?: (DeliveryStreamInfo & { name: string }) | { name: string; error: string };
  objects?: { bucket: string; delivered: number; failed: number; error?: string };
  /** Why no single stream or delivery stream could be picked (several, and none named). */
  ambiguous?: string;
  /** Each resource described by its own service: what is missing at this endpoint, and what that breaks. */
  checks?: ResourceReport;
}

async function countObjects(
  s3: S3Client,
  bucket: string,
  prefixes: string[],
  kindOf: (key: string) => unknown,
) {
  const counts = { delivered: 0, failed: 0 };
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const kind = o.Key ? kindOf(o.Key) : undefined;
        if (kind === 'delivered' || kind === 'failed') counts[kind]++;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return counts;
}

const message = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;

function streamLine(s: KinesisStreamRef): NonNullable<PipelineStatus['stream']> {
  return {
    name: s.name,
    status: s.status ?? 'UNKNOWN',
    mode: s.mode ?? '',
    openShards: s.openShards ?? 0,
    ...(s.error ? { error: s.error } : {}),
  };
}

export async function pipelineStatus(
  clients: {
    cloudformation: CloudFormationClient;
    kinesis: KinesisClient;
    firehose: FirehoseClient;
    lambda: LambdaClient;
    s3: S3Client;
  } & CheckClients,
  stackName: string,
  options: Omit<ChoiceOptions, 'need'> = {},
): Promise<PipelineStatus> {
  const stack = await describeStack(clients.cloudformation, stackName);
  if (!stack) return { stack: undefined, resources: [] };
  const discovery = await discoverPipeline(clients, stack);
  const status: PipelineStatus = {
    stack,
    resources: discovery.resources,
    discovery,
    checks: await checkResources(clients, discovery),
  };
  const chosen = choosePipeline(discovery, { ...options, need: 'both' });
  if (chosen.kind !== 'chosen') {
    status.ambiguous =
      chosen.kind === 'ambiguous'
        ? `${chosen.choices.length} ${chosen.what}s (${chosen.choices.join(', ')}): pass --${chosen.what.replace(' ', '-')} to pick one`
        : `no ${chosen.what} "${chosen.name}" in the stack`;
    return status;
  }
  const { stream, deliveryStream } = chosen.choice;
  if (stream) status.stream = streamLine(stream);
  if (deliveryStream) {
    status.deliveryStream =
      deliveryStream.status === 'MISSING' || deliveryStream.status === 'UNKNOWN'
        ? { name: deliveryStream.name, error: deliveryStream.error ?? deliveryStream.status }
        : { name: deliveryStream.name, ...deliveryInfo(deliveryStream) };
  }
  const target = deliveryTarget(discovery, chosen.choice);
  if (target) {
    try {
      const counts = await countObjects(
        clients.s3,
        target.bucket,
        listPrefixes(target.keys),
        keyClassifier(target.keys, target.deliveryStreamName),
      );
      status.objects = { bucket: target.bucket, ...counts };
    } catch (error) {
      status.objects = { bucket: target.bucket, delivered: 0, failed: 0, error: message(error) };
    }
  }
  return status;
}
