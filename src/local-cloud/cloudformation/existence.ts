// What the early validation asks the services: does a resource of this type and name exist already, and
// does a bucket hold objects. Asked through the SDK, as CloudFormation asks AWS.
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Clients } from '../../config/clients.js';

type Probe = (clients: Clients, name: string) => Promise<unknown>;

const PROBES: Record<string, Probe> = {
  'AWS::S3::Bucket': (c, name) => c.s3.send(new HeadBucketCommand({ Bucket: name })),
  'AWS::Kinesis::Stream': (c, name) => c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })),
  'AWS::Lambda::Function': (c, name) => c.lambda.send(new GetFunctionCommand({ FunctionName: name })),
  'AWS::IAM::Role': (c, name) => c.iam.send(new GetRoleCommand({ RoleName: name })),
  'AWS::KinesisFirehose::DeliveryStream': (c, name) =>
    c.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name })),
  'AWS::Logs::LogGroup': async (c, name) => {
    const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
    if (!out.logGroups?.some((group) => group.logGroupName === name)) throw new Error('not found');
  },
};

/**
 * True when the service knows a resource of this type by this name. Any failure to tell (not found, or
 * the service not answering) counts as "no": the check must not refuse a deployment it cannot judge.
 */
export async function resourceExists(clients: Clients, type: string, name: string): Promise<boolean> {
  const probe = PROBES[type];
  if (!probe) return false;
  try {
    await probe(clients, name);
    return true;
  } catch {
    return false;
  }
}

/** True when the bucket holds at least one object (false when it cannot be listed). */
export async function bucketHasObjects(clients: Clients, bucket: string): Promise<boolean> {
  try {
    const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  } catch {
    return false;
  }
}
