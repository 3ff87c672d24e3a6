// Clients nobody here wrote, against the local S3: the aws CLI v2 (s3 and s3api, multipart uploads
// included) and boto3 (its default checksums, paginators, transfers).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, noBoto3, outsideClientEnv } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

describe('S3 with outside clients', () => {
  const lc = useLocalCloud();

  const aws = (...args: string[]) => {
    const run = spawnSync(AWS_CLI_V2, ['--endpoint-url', lc().cloud.endpoint, '--output', 'json', ...args], {
      env: outsideClientEnv(),
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (run.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    return run.stdout;
  };
  const json = (...args: string[]) => {
    const out = aws(...args);
    return out.trim() ? (JSON.parse(out) as Record<string, unknown>) : {};
  };

  it.skipIf(noAwsCliV2)(
    skipTitle(
      'aws CLI v2: mb, cp (multipart too), ls, bucket policy, list-object-versions, rm --recursive, rb',
      noAwsCliV2,
    ),
    { timeout: 300_000 },
    () => {
      const dir = tempDir('cli-s3-');
      const small = randomBytes(1234);
      const large = randomBytes(9 * 1024 * 1024 + 5); // over the CLI's 8 MiB multipart threshold
      writeFileSync(join(dir, 'small.bin'), small);
      writeFileSync(join(dir, 'large.bin'), large);
      aws('s3', 'mb', 's3://cli-bucket');
      aws('s3', 'cp', join(dir, 'small.bin'), 's3://cli-bucket/dir/small.bin');
      aws('s3', 'cp', join(dir, 'large.bin'), 's3://cli-bucket/dir/sub/large.bin');
      const listing = aws('s3', 'ls', 's3://cli-bucket', '--recursive');
      expect(listing).toMatch(/\s1234 dir\/small\.bin/);
      expect(listing).toMatch(new RegExp(`\\s${large.length} dir/sub/large\\.bin`));
      aws('s3', 'cp', 's3://cli-bucket/dir/sub/large.bin', join(dir, 'large.out'));
      expect(readFileSync(join(dir, 'large.out')).equals(large)).toBe(true);
      aws('s3', 'cp', 's3://cli-bucket/dir/small.bin', join(dir, 'small.out'));
      expect(readFileSync(join(dir, 'small.out')).equals(small)).toBe(true);

      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: ['arn:aws:s3:::cli-bucket', 'arn:aws:s3:::cli-bucket/*'],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      });
      aws('s3api', 'put-bucket-policy', '--bucket', 'cli-bucket', '--policy', policy);
      expect(json('s3api', 'get-bucket-policy', '--bucket', 'cli-bucket').Policy).toBe(policy);
      const versions = json('s3api', 'list-object-versions', '--bucket', 'cli-bucket') as {
        Versions: Array<{ Key: string; VersionId: string; IsLatest: boolean }>;
      };
      expect(versions.Versions.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
        ['dir/small.bin', 'null', true],
        ['dir/sub/large.bin', 'null', true],
      ]);

      const notEmpty = spawnSync(
        AWS_CLI_V2,
        ['--endpoint-url', lc().cloud.endpoint, 's3api', 'delete-bucket', '--bucket', 'cli-bucket'],
        {
          env: outsideClientEnv(),
          encoding: 'utf8',
        },
      );
      expect(notEmpty.status).not.toBe(0);
      expect(notEmpty.stderr).toContain('BucketNotEmpty');
      expect(notEmpty.stderr).toContain('The bucket you tried to delete is not empty');

      aws('s3', 'rm', 's3://cli-bucket', '--recursive');
      expect(aws('s3', 'ls', 's3://cli-bucket', '--recursive').trim()).toBe('');
      aws('s3', 'rb', 's3://cli-bucket');
      expect(aws('s3', 'ls')).not.toContain('cli-bucket');
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: default checksums, paginators, upload_file/download_file, delete_objects, errors',
      noBoto3,
    ),
    { timeout: 300_000 },
    () => {
      const dir = tempDir('boto3-s3-');
      const script = `
import json, os, sys, boto3
from botocore.exceptions import ClientError
s3 = boto3.client('s3', endpoint_url=sys.argv[1])
out = {}
s3.create_bucket(Bucket='boto-bucket')
data = os.urandom(70000)
s3.put_object(Bucket='boto-bucket', Key='one/two/put.bin', Body=data)
got = s3.get_object(Bucket='boto-bucket', Key='one/two/put.bin', ChecksumMode='ENABLED')
out['roundTrip'] = got['Body'].read() == data
out['checksum'] = 'ChecksumCRC32' in got or 'ChecksumCRC64NVME' in got
for i in range(1100):
    s3.put_object(Bucket='boto-bucket', Key='many/%05d' % i, Body=b'x')
keys = []
for page in s3.get_paginator('list_objects_v2').paginate(Bucket='boto-bucket', Prefix='many/', PaginationConfig={'PageSize': 300}):
    keys += [o['Key'] for o in page.get('Contents', [])]
out['paged'] = keys == ['many/%05d' % i for i in range(1100)]
big = os.path.join(sys.argv[2], 'big.bin')
with open(big, 'wb') as f:
    f.write(os.urandom(9 * 1024 * 1024))
s3.upload_file(big, 'boto-bucket', 'transfer/big.bin')
s3.download_file('boto-bucket', 'transfer/big.bin', big + '.out')
out['transfer'] = open(big, 'rb').read() == open(big + '.out', 'rb').read()
try:
    s3.delete_bucket(Bucket='boto-bucket')
    out['notEmpty'] = 'deleted'
except ClientError as e:
    out['notEmpty'] = e.response['Error']['Code']
errors = []
for page in s3.get_paginator('list_object_versions').paginate(Bucket='boto-bucket'):
    objects = [{'Key': v['Key'], 'VersionId': v['VersionId']} for v in page.get('Versions', [])]
    if objects:
        errors += s3.delete_objects(Bucket='boto-bucket', Delete={'Objects': objects}).get('Errors', [])
out['deleteErrors'] = errors
s3.delete_bucket(Bucket='boto-bucket')
out['buckets'] = [b['Name'] for b in s3.list_buckets()['Buckets']]
print(json.dumps(out))
`;
      writeFileSync(join(dir, 'script.py'), script);
      const run = spawnSync('python3', [join(dir, 'script.py'), lc().cloud.endpoint, dir], {
        env: outsideClientEnv(),
        encoding: 'utf8',
        timeout: 280_000,
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        roundTrip: true,
        checksum: true,
        paged: true,
        transfer: true,
        notEmpty: 'BucketNotEmpty',
        deleteErrors: [],
        buckets: [],
      });
    },
  );
});
