import {
  CreateFunctionCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { invokeJson, TEST_ROLE } from '../../support/lambda.js';
import { useLocalCloud } from '../../support/local-cloud.js';

describe('Lambda code from the local S3', () => {
  const lc = useLocalCloud();

  it('creates and updates a function from S3Bucket/S3Key, and says what S3 answered when the key is missing', async () => {
    const { s3, lambda } = lc().clients;
    await s3.send(new CreateBucketCommand({ Bucket: 'code-bucket' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'code-bucket',
        Key: 'v1.zip',
        Body: inlineCodeZip('nodejs24.x', 'exports.handler = async () => "from s3 v1";'),
      }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 's3-code',
        Runtime: 'nodejs24.x',
        Role: TEST_ROLE,
        Handler: 'index.handler',
        Code: { S3Bucket: 'code-bucket', S3Key: 'v1.zip' },
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 's3-code' },
    );
    expect((await invokeJson(lambda, 's3-code')).payload).toBe('from s3 v1');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'code-bucket',
        Key: 'v2.zip',
        Body: inlineCodeZip('nodejs24.x', 'exports.handler = async () => "from s3 v2";'),
      }),
    );
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 's3-code', S3Bucket: 'code-bucket', S3Key: 'v2.zip' }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 's3-code' },
    );
    expect((await invokeJson(lambda, 's3-code')).payload).toBe('from s3 v2');
    await expect(
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: 's3-missing',
          Runtime: 'nodejs24.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { S3Bucket: 'code-bucket', S3Key: 'nope.zip' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('Error occurred while GetObject. S3 Error Code: NoSuchKey.'),
    });
  });
});
