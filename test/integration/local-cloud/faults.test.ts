import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { baseClientOptions } from '../../../src/config/clients.js';
import { clearFaults, injectFault, listFaults } from '../../support/faults.js';
import { TEST_CREDENTIALS, TEST_REGION, useLocalCloud } from '../../support/local-cloud.js';

describe('the fault switch', () => {
  const lc = useLocalCloud();
  /** A client that does not retry, so each call shows exactly what the service answered. */
  const once = () =>
    new S3Client({
      ...baseClientOptions({
        region: TEST_REGION,
        endpoint: lc().cloud.endpoint,
        credentials: TEST_CREDENTIALS,
        maxAttempts: 1,
      }),
      forcePathStyle: true,
    });

  it('makes a service answer with an error in its own protocol, and only that service', async () => {
    const s3 = once();
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'faulty' }));
      await injectFault(lc().cloud.endpoint, {
        service: 's3',
        errorCode: 'ServiceUnavailable',
        status: 503,
        message: 'Please reduce your request rate.',
        durationMs: 120_000,
      });
      const error = await s3
        .send(new PutObjectCommand({ Bucket: 'faulty', Key: 'k', Body: 'x' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceException);
      expect(error).toMatchObject({
        name: 'ServiceUnavailable',
        message: 'Please reduce your request rate.',
      });
      expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(503);
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'faulty' })).catch((e: unknown) => e);
      expect((head as S3ServiceException).$metadata.httpStatusCode).toBe(503);
      expect((await lc().clients.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
      expect((await listFaults(lc().cloud.endpoint))[0]).toMatchObject({ service: 's3', injected: 2 });
      expect(await clearFaults(lc().cloud.endpoint, 's3')).toBe(1);
      await s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'k', Body: 'x' }));
    } finally {
      s3.destroy();
      await clearFaults(lc().cloud.endpoint);
    }
  });

  it('lets the SDK ride out a fault that ends within its retries', async () => {
    await lc().clients.s3.send(new CreateBucketCommand({ Bucket: 'transient' }));
    await injectFault(lc().cloud.endpoint, {
      service: 's3',
      errorCode: 'InternalError',
      status: 500,
      count: 2,
    });
    const put = await lc().clients.s3.send(
      new PutObjectCommand({ Bucket: 'transient', Key: 'k', Body: 'x' }),
    );
    expect(put.$metadata.attempts).toBe(3);
    expect(await listFaults(lc().cloud.endpoint)).toEqual([]);
  });

  it('refuses a malformed fault, and one not sent as JSON', async () => {
    const url = `${lc().cloud.endpoint}/_local-cloud/faults`;
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 's3', errorCode: 'InternalError', status: 500 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/give durationMs, count or both/);
    const form = await fetch(url, { method: 'POST', body: 'service=s3' });
    expect(form.status).toBe(415);
    expect(await listFaults(lc().cloud.endpoint)).toEqual([]);
  });
});
