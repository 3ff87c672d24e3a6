import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { listAllKeys, putKeys, rawS3Request } from '../../support/s3.js';

describe('S3 objects and listings', () => {
  const lc = useLocalCloud();
  const s3 = (): S3Client => lc().clients.s3;

  async function bytesOf(bucket: string, key: string, extra: { Range?: string } = {}) {
    const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
    return { got, bytes: Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())) };
  }

  function chunks(data: Buffer, size: number): Buffer[] {
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
    return parts;
  }

  function rawRequest(method: string, path: string, headers: Record<string, string>, body?: Buffer) {
    return rawS3Request(lc().cloud.endpoint, { method, path, headers, ...(body ? { body } : {}) });
  }

  describe('S3 objects through the SDK with its default checksums', () => {
    const bucket = 'objects-test';
    beforeAll(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    });

    const sizes = [0, 1, 1000, 64 * 1024 + 3, 1024 * 1024 + 7, 5 * 1024 * 1024 + 11];

    it.each(sizes)('stores a %d-byte buffer body byte for byte', async (size) => {
      const data = randomBytes(size);
      const key = `buffer/${size}.bin`;
      const put = await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
      expect(put.ChecksumCRC32).toBeDefined();
      expect(put.ETag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
      const { got, bytes } = await bytesOf(bucket, key);
      expect(bytes.equals(data)).toBe(true);
      expect(got.ContentLength).toBe(size);
      expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    });

    it.each(sizes)('stores a %d-byte streamed (aws-chunked) body without its chunk framing', async (size) => {
      const data = randomBytes(size);
      const key = `stream/${size}.bin`;
      const put = await s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Readable.from(chunks(data, 8191)),
          ContentLength: size,
        }),
      );
      expect(put.ChecksumCRC32).toBeDefined();
      const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentLength).toBe(size);
      expect(head.ContentEncoding).toBeUndefined();
      const { bytes } = await bytesOf(bucket, key);
      expect(bytes.equals(data)).toBe(true);
    });

    it('stores with any of the checksum algorithms the SDK offers', async () => {
      const data = randomBytes(4096);
      for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
        const key = `algorithms/${algorithm}`;
        await s3().send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: Readable.from([data]),
            ContentLength: data.length,
            ChecksumAlgorithm: algorithm,
          }),
        );
        const { bytes } = await bytesOf(bucket, key);
        expect(bytes.equals(data), algorithm).toBe(true);
      }
    });

    it('refuses a body whose checksum does not match, and stores nothing', async () => {
      const answer = await rawRequest(
        'PUT',
        `/${bucket}/corrupt.txt`,
        { 'x-amz-checksum-crc32': 'AAAAAA==', 'content-type': 'text/plain' },
        Buffer.from('these bytes were flipped'),
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('<Code>BadDigest</Code>');
      expect(answer.body).toContain('The CRC32 you specified did not match the calculated checksum.');
      await expect(
        s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'corrupt.txt' })),
      ).rejects.toMatchObject({
        name: 'NotFound',
      });
    });

    it('keeps content type, user metadata and content encoding other than aws-chunked', async () => {
      await s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'meta.json.gz',
          Body: Readable.from([Buffer.from('gzip-bytes')]),
          ContentLength: 10,
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          Metadata: { origin: 'test' },
        }),
      );
      const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta.json.gz' }));
      expect(head.ContentType).toBe('application/json');
      expect(head.ContentEncoding).toBe('gzip');
      expect(head.Metadata).toEqual({ origin: 'test' });
      expect(head.ServerSideEncryption).toBe('AES256');
    });

    it('answers byte ranges, including the last N bytes', async () => {
      const data = Buffer.from('0123456789abcdef');
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: data }));
      expect((await bytesOf(bucket, 'range.txt', { Range: 'bytes=2-5' })).bytes.toString()).toBe('2345');
      expect((await bytesOf(bucket, 'range.txt', { Range: 'bytes=-4' })).bytes.toString()).toBe('cdef');
      expect((await bytesOf(bucket, 'range.txt', { Range: 'bytes=10-' })).bytes.toString()).toBe('abcdef');
    });

    it('copies an object, and a version id "null" names the one version', async () => {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/source +%.txt', Body: 'copied' }));
      await s3().send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'copy/target.txt',
          CopySource: `${bucket}/${encodeURIComponent('copy/source +%.txt')}?versionId=null`,
        }),
      );
      expect((await bytesOf(bucket, 'copy/target.txt')).bytes.toString()).toBe('copied');
      const byVersion = await s3().send(
        new GetObjectCommand({ Bucket: bucket, Key: 'copy/target.txt', VersionId: 'null' }),
      );
      expect(await byVersion.Body?.transformToString()).toBe('copied');
      await expect(
        s3().send(
          new GetObjectCommand({ Bucket: bucket, Key: 'copy/target.txt', VersionId: '3HL4kqtJlcpXroDTDmJ' }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidArgument' });
    });

    it('assembles a multipart upload', async () => {
      const part1 = randomBytes(5 * 1024 * 1024);
      const part2 = randomBytes(1234);
      const { UploadId } = await s3().send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin' }),
      );
      const p1 = await s3().send(
        new UploadPartCommand({ Bucket: bucket, Key: 'multi.bin', UploadId, PartNumber: 1, Body: part1 }),
      );
      const p2 = await s3().send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'multi.bin',
          UploadId,
          PartNumber: 2,
          Body: Readable.from([part2]),
          ContentLength: part2.length,
        }),
      );
      await s3().send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'multi.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      );
      expect((await bytesOf(bucket, 'multi.bin')).bytes.equals(Buffer.concat([part1, part2]))).toBe(true);
      await expect(
        s3().send(
          new UploadPartCommand({ Bucket: bucket, Key: 'multi.bin', UploadId, PartNumber: 3, Body: 'late' }),
        ),
      ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    });

    it('refuses keys the store would alter rather than storing them elsewhere', async () => {
      await expect(
        s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'a/../../escape', Body: 'x' })),
      ).rejects.toThrow(/cannot store the key/);
    });

    it('serves presigned GET and PUT URLs, and refuses an expired one', async () => {
      const putUrl = await getSignedUrl(
        s3(),
        new PutObjectCommand({ Bucket: bucket, Key: 'presigned.txt' }),
        {
          expiresIn: 300,
        },
      );
      const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned url' });
      expect(put.status).toBe(200);
      const getUrl = await getSignedUrl(
        s3(),
        new GetObjectCommand({ Bucket: bucket, Key: 'presigned.txt' }),
        {
          expiresIn: 300,
        },
      );
      expect(await (await fetch(getUrl)).text()).toBe('via presigned url');
      const expired = await getSignedUrl(
        s3(),
        new GetObjectCommand({ Bucket: bucket, Key: 'presigned.txt' }),
        {
          expiresIn: 1,
          signingDate: new Date(Date.now() - 60_000),
        },
      );
      const refused = await fetch(expired);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('Request has expired');
    });

    it('understands virtual-host-style requests', async () => {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'vhost/object.txt', Body: 'by host' }));
      const port = new URL(lc().cloud.endpoint).port;
      for (const host of [`${bucket}.localhost:${port}`, `${bucket}.s3.us-east-1.amazonaws.com`]) {
        const answer = await rawRequest('GET', '/vhost/object.txt', { host });
        expect(answer.status, host).toBe(200);
        expect(answer.body).toBe('by host');
      }
    });
  });

  describe('S3 listings', () => {
    const bucket = 'listing-test';
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
    beforeAll(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
      await putKeys(s3(), bucket, keys);
    }, 180_000);

    it('pages ListObjectsV2 across more than 1000 keys, each key once and in order', async () => {
      expect(await listAllKeys(s3(), bucket, 'many/', 333)).toEqual(keys);
      const first = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(first.KeyCount).toBe(1000);
      expect(first.IsTruncated).toBe(true);
    });

    it('lists keys in S3 order even where their file paths sort differently', async () => {
      const tricky = [
        'order/a',
        'order/a b',
        'order/a-b',
        'order/a.b',
        'order/a/b',
        'order/a/c',
        'order/ab',
        'order/é',
      ];
      await putKeys(s3(), bucket, [...tricky].reverse(), 1);
      for (const pageSize of [1, 2, 3, 1000]) {
        expect(await listAllKeys(s3(), bucket, 'order/', pageSize)).toEqual(tricky);
      }
    });

    it('rolls keys up into common prefixes that count towards a page', async () => {
      await putKeys(s3(), bucket, ['tree/2026/01/x', 'tree/2026/02/y', 'tree/2027/01/z', 'tree/readme']);
      const pages: Array<{ keys: string[]; prefixes: string[] }> = [];
      let token: string | undefined;
      do {
        const page = await s3().send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: 'tree/',
            Delimiter: '/',
            MaxKeys: 2,
            ContinuationToken: token,
          }),
        );
        pages.push({
          keys: (page.Contents ?? []).map((c) => c.Key ?? ''),
          prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
        });
        token = page.NextContinuationToken;
      } while (token);
      expect(pages).toEqual([
        { keys: [], prefixes: ['tree/2026/', 'tree/2027/'] },
        { keys: ['tree/readme'], prefixes: [] },
      ]);
    });

    it('lists every object as its one latest version "null", page by page', async () => {
      const versions: Array<{ Key?: string; VersionId?: string; IsLatest?: boolean }> = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      do {
        const page = await s3().send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            Prefix: 'many/',
            MaxKeys: 400,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        );
        versions.push(...(page.Versions ?? []));
        expect(page.DeleteMarkers ?? []).toEqual([]);
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
      expect(versions.map((v) => v.Key)).toEqual(keys);
      expect(new Set(versions.map((v) => `${v.VersionId}/${v.IsLatest}`))).toEqual(new Set(['null/true']));
    });
  });

  describe('S3 DeleteObjects', () => {
    const bucket = 'delete-test';
    beforeAll(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    });

    const nestedKeys = (round: number) =>
      Array.from({ length: 300 }, (_, i) => `round-${round}/f${i % 4}/g${i % 3}/h${i % 2}/k${i}.json`);

    it('deletes many keys in nested folders, round after round, without a failure', async () => {
      for (let round = 0; round < 4; round++) {
        const keys = nestedKeys(round);
        await putKeys(s3(), bucket, keys);
        const result = await s3().send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
        );
        expect(result.Errors ?? []).toEqual([]);
        expect(result.Deleted).toHaveLength(keys.length);
        expect(await listAllKeys(s3(), bucket, `round-${round}/`)).toEqual([]);
      }
    }, 180_000);

    it('deletes while writes land in the same folders, losing neither', async () => {
      const doomed = Array.from({ length: 200 }, (_, i) => `shared/d${i % 5}/old-${i}`);
      const fresh = Array.from({ length: 200 }, (_, i) => `shared/d${i % 5}/new-${i}`);
      await putKeys(s3(), bucket, doomed);
      const [result] = await Promise.all([
        s3().send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: doomed.map((Key) => ({ Key })) } }),
        ),
        putKeys(s3(), bucket, fresh, 4),
      ]);
      expect(result.Errors ?? []).toEqual([]);
      expect((await listAllKeys(s3(), bucket, 'shared/')).sort()).toEqual([...fresh].sort());
    }, 120_000);

    it('reports a key it cannot delete, and deletes the others', async () => {
      await putKeys(s3(), bucket, ['quiet/a', 'quiet/b']);
      const result = await s3().send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            Quiet: true,
            Objects: [
              { Key: 'quiet/a' },
              { Key: 'quiet/b', VersionId: 'not-a-version' },
              { Key: 'quiet/never-existed' },
            ],
          },
        }),
      );
      expect(result.Deleted ?? []).toEqual([]);
      expect(result.Errors).toEqual([
        expect.objectContaining({ Key: 'quiet/b', Code: 'InvalidArgument', VersionId: 'not-a-version' }),
      ]);
      expect(await listAllKeys(s3(), bucket, 'quiet/')).toEqual(['quiet/b']);
    });

    it('empties a bucket the way teardown does: every version from ListObjectVersions', async () => {
      await putKeys(s3(), bucket, nestedKeys(9));
      const listed = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const objects = (listed.Versions ?? []).map(({ Key, VersionId }) => ({ Key, VersionId }));
      const result = await s3().send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }),
      );
      expect(result.Errors ?? []).toEqual([]);
      expect(await listAllKeys(s3(), bucket)).toEqual([]);
    }, 120_000);
  });
});
