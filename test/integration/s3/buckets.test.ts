import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { baseClientOptions } from '../../../src/config/clients.js';
import { TEST_CREDENTIALS, useLocalCloud } from '../../support/local-cloud.js';
import { rawS3Request } from '../../support/s3.js';

describe('S3 buckets and their settings', () => {
  const lc = useLocalCloud();
  const s3 = () => lc().clients.s3;

  async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof S3ServiceException) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  }

  function clientIn(region: string): S3Client {
    return new S3Client({
      ...baseClientOptions({ region, endpoint: lc().cloud.endpoint, credentials: TEST_CREDENTIALS }),
      forcePathStyle: true,
    });
  }

  describe('S3 buckets', () => {
    it('creates, finds and deletes a bucket', async () => {
      await s3().send(new CreateBucketCommand({ Bucket: 'lifecycle-bucket' }));
      const head = await s3().send(new HeadBucketCommand({ Bucket: 'lifecycle-bucket' }));
      expect(head.BucketRegion).toBe('us-east-1');
      const listed = await s3().send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toContain('lifecycle-bucket');
      expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
      await s3().send(new DeleteBucketCommand({ Bucket: 'lifecycle-bucket' }));
      expect((await failure(s3().send(new HeadBucketCommand({ Bucket: 'lifecycle-bucket' })))).name).toBe(
        'NotFound',
      );
      const gone = await failure(s3().send(new GetBucketLocationCommand({ Bucket: 'lifecycle-bucket' })));
      expect(gone.name).toBe('NoSuchBucket');
      expect(gone.message).toBe('The specified bucket does not exist');
    });

    it("refuses to delete a bucket that holds objects, with S3's error", async () => {
      await s3().send(new CreateBucketCommand({ Bucket: 'full-bucket' }));
      await s3().send(new PutObjectCommand({ Bucket: 'full-bucket', Key: 'deep/down/object', Body: 'x' }));
      const refused = await failure(s3().send(new DeleteBucketCommand({ Bucket: 'full-bucket' })));
      expect(refused.name).toBe('BucketNotEmpty');
      expect(refused.message).toBe('The bucket you tried to delete is not empty');
      expect(refused.$metadata.httpStatusCode).toBe(409);
      await s3().send(new DeleteObjectCommand({ Bucket: 'full-bucket', Key: 'deep/down/object' }));
      await s3().send(new DeleteBucketCommand({ Bucket: 'full-bucket' }));
    });

    it.each([
      ['ab', /between 3 and 63/],
      ['Upper-Case', /lowercase letters/],
      ['under_score', /lowercase letters/],
      ['-leading', /begin and end/],
      ['two..dots', /adjacent periods/],
      ['192.168.5.4', /IP address/],
      ['xn--punycode', /reserved prefix/],
      ['name-s3alias', /reserved suffix/],
    ])('refuses the bucket name %s as AWS does', async (name, reason) => {
      const refused = await failure(s3().send(new CreateBucketCommand({ Bucket: name })));
      expect(refused.name).toBe('InvalidBucketName');
      expect(refused.message).toMatch(reason);
    });

    it('answers a repeated create as AWS does in each region', async () => {
      await s3().send(new CreateBucketCommand({ Bucket: 'twice-east' }));
      await expect(s3().send(new CreateBucketCommand({ Bucket: 'twice-east' }))).resolves.toBeDefined();
      const west = clientIn('eu-west-1');
      try {
        await west.send(
          new CreateBucketCommand({
            Bucket: 'twice-west',
            CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
          }),
        );
        const again = await failure(
          west.send(
            new CreateBucketCommand({
              Bucket: 'twice-west',
              CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
            }),
          ),
        );
        expect(again.name).toBe('BucketAlreadyOwnedByYou');
        expect(
          (await s3().send(new GetBucketLocationCommand({ Bucket: 'twice-west' }))).LocationConstraint,
        ).toBe('eu-west-1');
        expect(
          (await s3().send(new GetBucketLocationCommand({ Bucket: 'twice-east' }))).LocationConstraint,
        ).toBeUndefined();
        // The SDK adds the LocationConstraint of its region by itself; a client that does not is refused.
        const unplaced = await rawS3Request(lc().cloud.endpoint, {
          method: 'PUT',
          path: '/west-without-constraint',
          region: 'eu-west-1',
        });
        expect(unplaced.status).toBe(400);
        expect(unplaced.body).toContain('<Code>IllegalLocationConstraintException</Code>');
      } finally {
        west.destroy();
      }
    });

    it("gives a new bucket AWS's defaults: public access blocked, ACLs disabled, SSE-S3", async () => {
      await s3().send(new CreateBucketCommand({ Bucket: 'defaults-bucket' }));
      const block = await s3().send(new GetPublicAccessBlockCommand({ Bucket: 'defaults-bucket' }));
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      const ownership = await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: 'defaults-bucket' }));
      expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      const encryption = await s3().send(new GetBucketEncryptionCommand({ Bucket: 'defaults-bucket' }));
      expect(
        encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
      ).toEqual({
        SSEAlgorithm: 'AES256',
      });
      const acl = await failure(
        s3().send(
          new PutObjectCommand({ Bucket: 'defaults-bucket', Key: 'k', Body: 'x', ACL: 'public-read' }),
        ),
      );
      expect(acl.name).toBe('AccessControlListNotSupported');
    });

    it('keeps the configurations the pipeline template sets, and removes them on request', async () => {
      const Bucket = 'configured-bucket';
      await s3().send(new CreateBucketCommand({ Bucket }));
      await s3().send(
        new PutPublicAccessBlockCommand({
          Bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: false },
        }),
      );
      expect(
        (await s3().send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration,
      ).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      });
      await s3().send(new DeletePublicAccessBlockCommand({ Bucket }));
      expect((await failure(s3().send(new GetPublicAccessBlockCommand({ Bucket })))).name).toBe(
        'NoSuchPublicAccessBlockConfiguration',
      );

      await s3().send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      );
      const kms = await s3().send(new GetBucketEncryptionCommand({ Bucket }));
      expect(kms.ServerSideEncryptionConfiguration?.Rules?.[0]).toEqual({
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' },
        BucketKeyEnabled: true,
      });
      const put = await s3().send(new PutObjectCommand({ Bucket, Key: 'encrypted', Body: 'x' }));
      expect(put.ServerSideEncryption).toBe('aws:kms');
      await s3().send(new DeleteBucketEncryptionCommand({ Bucket }));
      expect(
        (await s3().send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration
          ?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      ).toBe('AES256');

      await s3().send(
        new PutBucketOwnershipControlsCommand({
          Bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        }),
      );
      expect(
        (await s3().send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules,
      ).toEqual([{ ObjectOwnership: 'ObjectWriter' }]);
      await s3().send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
      expect((await failure(s3().send(new GetBucketOwnershipControlsCommand({ Bucket })))).name).toBe(
        'OwnershipControlsNotFoundError',
      );

      expect((await failure(s3().send(new GetBucketTaggingCommand({ Bucket })))).name).toBe('NoSuchTagSet');
      const TagSet = [
        { Key: 'project', Value: 'kinesis-tui' },
        { Key: 'empty', Value: '' },
      ];
      await s3().send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
      expect((await s3().send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual(TagSet);
      const duplicate = await failure(
        s3().send(
          new PutBucketTaggingCommand({
            Bucket,
            Tagging: { TagSet: [TagSet[0], TagSet[0]] as typeof TagSet },
          }),
        ),
      );
      expect(duplicate.name).toBe('InvalidTag');
      await s3().send(new DeleteBucketTaggingCommand({ Bucket }));
      expect((await failure(s3().send(new GetBucketTaggingCommand({ Bucket })))).name).toBe('NoSuchTagSet');
    });
  });

  describe('S3 bucket policies', () => {
    const Bucket = 'policy-bucket';
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };

    it('stores a policy and returns it as it was put', async () => {
      await s3().send(new CreateBucketCommand({ Bucket }));
      expect((await failure(s3().send(new GetBucketPolicyCommand({ Bucket })))).name).toBe(
        'NoSuchBucketPolicy',
      );
      const document = JSON.stringify(policy);
      await s3().send(new PutBucketPolicyCommand({ Bucket, Policy: document }));
      expect((await s3().send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(document);
      expect((await s3().send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(
        false,
      );
      await s3().send(new DeleteBucketPolicyCommand({ Bucket }));
      expect((await failure(s3().send(new GetBucketPolicyCommand({ Bucket })))).name).toBe(
        'NoSuchBucketPolicy',
      );
    });

    it('refuses a policy S3 would refuse, with its message', async () => {
      const cases: Array<[unknown, string]> = [
        ['not json', "Policies must be valid JSON and the first byte must be '{'"],
        [{ Version: '2012-10-17' }, 'Missing required field Statement'],
        [
          { ...policy, Statement: [{ ...policy.Statement[0], Resource: 'arn:aws:s3:::another-bucket/*' }] },
          'Policy has invalid resource',
        ],
        [
          { ...policy, Statement: [{ ...policy.Statement[0], Action: 'dynamodb:GetItem' }] },
          'Policy has invalid action',
        ],
      ];
      for (const [document, message] of cases) {
        const refused = await failure(
          s3().send(
            new PutBucketPolicyCommand({
              Bucket,
              Policy: typeof document === 'string' ? document : JSON.stringify(document),
            }),
          ),
        );
        expect(refused.name).toBe('MalformedPolicy');
        expect(refused.message).toBe(message);
      }
    });

    it('refuses a public policy while public policies are blocked', async () => {
      const open = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` },
        ],
      };
      expect(
        (await failure(s3().send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(open) })))).name,
      ).toBe('AccessDenied');
      await s3().send(new DeletePublicAccessBlockCommand({ Bucket }));
      await s3().send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(open) }));
      expect((await s3().send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(
        true,
      );
    });
  });

  describe('S3 versioning', () => {
    const Bucket = 'versioning-bucket';

    it('reports a never-versioned bucket with no status', async () => {
      await s3().send(new CreateBucketCommand({ Bucket }));
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status).toBeUndefined();
    });

    it('keeps every version once enabled, and stays versioned when suspended', async () => {
      await s3().send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
      const first = await s3().send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one' }));
      const second = await s3().send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two' }));
      const listed = await s3().send(new ListObjectVersionsCommand({ Bucket }));
      expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
        [second.VersionId, true],
        [first.VersionId, false],
      ]);
      await s3().send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }),
      );
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Suspended');
    });

    it('refuses a browser form upload (POST Object) to a versioned bucket, saying what to use', async () => {
      const Bucket = 'versioned-post';
      await s3().send(new CreateBucketCommand({ Bucket }));
      await s3().send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const boundary = 'local-cloud-boundary';
      const body = Buffer.from(
        [
          `--${boundary}`,
          'Content-Disposition: form-data; name="key"',
          '',
          'posted',
          `--${boundary}`,
          'Content-Disposition: form-data; name="file"; filename="f"',
          '',
          'data',
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      );
      const answer = await rawS3Request(lc().cloud.endpoint, {
        method: 'POST',
        path: `/${Bucket}`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      expect(answer.status).toBe(501);
      expect(answer.body).toMatch(/<Code>NotImplemented<\/Code>.*versioned bucket.*PutObject/s);
    });
  });
});
