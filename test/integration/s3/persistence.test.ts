import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalCloudFixture, startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';
import { listAllKeys } from '../../support/s3.js';

describe('S3 across a restart', () => {
  const dataDir = tempDir('s3-restart-');
  let fixture: LocalCloudFixture | undefined;
  afterAll(() => stopTestCloud(fixture));

  it('keeps buckets, objects and bucket settings in the data dir', async () => {
    const Bucket = 'survives-restart';
    const data = randomBytes(300_000);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${Bucket}` },
      ],
    });
    fixture = await startTestCloud({ dataDir });
    const before = fixture.clients.s3;
    await before.send(new CreateBucketCommand({ Bucket }));
    await before.send(new PutObjectCommand({ Bucket, Key: '2026/11/26/14/object-1', Body: data }));
    await before.send(
      new PutObjectCommand({ Bucket, Key: 'processing-failed/2026/11/26/14/failed-1', Body: 'failed' }),
    );
    await before.send(new PutBucketPolicyCommand({ Bucket, Policy: policy }));
    await before.send(
      new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }),
    );
    await stopTestCloud(fixture, { keepData: true });

    fixture = await startTestCloud({ dataDir });
    const after = fixture.clients.s3;
    expect((await after.send(new HeadBucketCommand({ Bucket }))).$metadata.httpStatusCode).toBe(200);
    expect(await listAllKeys(after, Bucket)).toEqual([
      '2026/11/26/14/object-1',
      'processing-failed/2026/11/26/14/failed-1',
    ]);
    const got = await after.send(new GetObjectCommand({ Bucket, Key: '2026/11/26/14/object-1' }));
    expect(Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())).equals(data)).toBe(true);
    expect((await after.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(policy);
    expect((await after.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual([
      { Key: 'k', Value: 'v' },
    ]);
  }, 120_000);
});
