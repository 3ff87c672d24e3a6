// Status: the stack and what it made, as one snapshot.
import { type CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describeStack, type StackState } from './stack.js';
import { type DeliveryStreamInfo, describeDelivery } from './verify.js';

export interface PipelineStatus {
  stack: StackState | undefined;
  resources: Array<{ logicalId: string; type: string; status: string; physicalId?: string; reason?: string }>;
  stream?: { name: string; status: string; mode: string; openShards: number; error?: string };
  deliveryStream?: (DeliveryStreamInfo & { name: string }) | { name: string; error: string };
  objects?: { delivered: number; failed: number; error?: string };
}

async function countObjects(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    count += page.KeyCount ?? page.Contents?.length ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

const message = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;

export async function pipelineStatus(
  clients: {
    cloudformation: CloudFormationClient;
    kinesis: KinesisClient;
    firehose: FirehoseClient;
    s3: S3Client;
  },
  stackName: string,
): Promise<PipelineStatus> {
  const stack = await describeStack(clients.cloudformation, stackName);
  if (!stack) return { stack: undefined, resources: [] };
  const status: PipelineStatus = { stack, resources: [] };
  const resources = await clients.cloudformation.send(
    new DescribeStackResourcesCommand({ StackName: stack.id }),
  );
  status.resources = (resources.StackResources ?? []).map((r) => ({
    logicalId: r.LogicalResourceId ?? '',
    type: r.ResourceType ?? '',
    status: r.ResourceStatus ?? '',
    ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
    ...(r.ResourceStatusReason ? { reason: r.ResourceStatusReason } : {}),
  }));
  const { StreamName, DeliveryStreamName, BucketName, DeliveredPrefix, ErrorPrefix } = stack.outputs;
  await Promise.all([
    (async () => {
      if (!StreamName) return;
      try {
        const out = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
        const d = out.StreamDescriptionSummary;
        status.stream = {
          name: StreamName,
          status: d?.StreamStatus ?? 'UNKNOWN',
          mode: d?.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
          openShards: d?.OpenShardCount ?? 0,
        };
      } catch (error) {
        status.stream = {
          name: StreamName,
          status: 'UNKNOWN',
          mode: '',
          openShards: 0,
          error: message(error),
        };
      }
    })(),
    (async () => {
      if (!DeliveryStreamName) return;
      try {
        status.deliveryStream = {
          name: DeliveryStreamName,
          ...(await describeDelivery(clients.firehose, DeliveryStreamName)),
        };
      } catch (error) {
        status.deliveryStream = { name: DeliveryStreamName, error: message(error) };
      }
    })(),
    (async () => {
      if (!BucketName) return;
      try {
        const [delivered, failed] = await Promise.all([
          countObjects(clients.s3, BucketName, DeliveredPrefix ?? 'events/'),
          countObjects(clients.s3, BucketName, ErrorPrefix ?? 'errors/'),
        ]);
        status.objects = { delivered, failed };
      } catch (error) {
        status.objects = { delivered: 0, failed: 0, error: message(error) };
      }
    })(),
  ]);
  return status;
}
