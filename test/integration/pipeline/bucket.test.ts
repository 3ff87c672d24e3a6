// The pipeline's bucket on the local cloud: its policy (deny anything not over TLS) enforced, and still
// letting Firehose deliver; and teardown of it once versioned, as a user may make it on AWS: every version
// and delete marker has to go (the "null" version from before versioning too) before CloudFormation can
// delete the bucket, over more than one page of ListObjectVersions and more than one DeleteObjects call.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { deployStack, describeStack } from '../../../src/pipeline/stack.js';
import { stackBuckets, teardownStack } from '../../../src/pipeline/teardown.js';
import { deployParameters, loadTemplate } from '../../../src/pipeline/template.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { listAllKeys, putKeys } from '../../support/s3.js';
import { waitFor } from '../../support/wait.js';

describe("the pipeline's bucket", () => {
  const lc = useLocalCloud();

  it("takes Firehose's writes under its policy, and teardown empties it of every version and delete marker", async () => {
    const { clients } = lc();
    const template = loadTemplate();
    const { stack } = await deployStack(clients.cloudformation, {
      stackName: 'versioned-teardown',
      template,
      parameters: (previous) =>
        deployParameters(
          template,
          [
            'StreamName=vt-events',
            'DeliveryStreamName=vt-delivery',
            'FunctionName=vt-transform',
            'BufferIntervalSeconds=0',
            'ProcessorBufferIntervalSeconds=0',
          ],
          previous,
        ),
      pollMs: 300,
    });
    const Bucket = (await stackBuckets(clients.cloudformation, stack))[0] ?? '';
    const s3 = clients.s3;
    // The template's policy is in force, and Firehose (writing through the local cloud as on AWS) delivers.
    const policy = await s3.send(new GetBucketPolicyCommand({ Bucket }));
    expect(JSON.parse(policy.Policy ?? '{}').Statement[0]).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    await clients.kinesis.send(
      new PutRecordCommand({
        StreamName: 'vt-events',
        PartitionKey: 'user_1',
        Data: Buffer.from(JSON.stringify({ event_id: 'e-1', user_id: 'user_1', action: 'login' })),
      }),
    );
    const delivered = await waitFor('Firehose to write an object to the bucket', async () => {
      const keys = await listAllKeys(s3, Bucket);
      return keys.length > 0 ? keys : undefined;
    });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'from-before-versioning', Body: 'null version' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await putKeys(
      s3,
      Bucket,
      Array.from({ length: 1100 }, (_, i) => `events/${String(i).padStart(4, '0')}`),
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: 'events/0000', Body: 'second version' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'events/0001' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'from-before-versioning' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'events/0002' }));

    // Firehose's objects, 1 null + 1100 + 1 versions; markers on 0001, from-before-versioning and 0002.
    const result = await teardownStack(clients, stack, { pollMs: 300 });
    expect(result).toMatchObject({ bucket: Bucket, deletedObjects: delivered.length + 1102 + 3 });
    expect(await describeStack(clients.cloudformation, 'versioned-teardown')).toBeUndefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new ListObjectVersionsCommand({ Bucket }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  }, 300_000);
});
