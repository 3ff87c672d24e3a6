import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeChecksum, verifyPayload } from '../../../src/local-cloud/s3/checksums.js';

describe('request checksums', () => {
  const data = Buffer.from('hello');

  it('computes the values SDKs send', async () => {
    // Values the AWS SDK for JavaScript v3 sent for "hello".
    expect(await computeChecksum('CRC32', data)).toBe('NhCmhg==');
    expect(await computeChecksum('CRC32C', data)).toBe(Buffer.from('9a71bb4c', 'hex').toString('base64'));
    expect(await computeChecksum('SHA256', data)).toBe(createHash('sha256').update(data).digest('base64'));
    expect(await computeChecksum('CRC64NVME', data)).toBe('M3eFcAZSQlc=');
  });

  it('returns the verified flexible checksum, from a header or a trailer', async () => {
    expect(await verifyPayload({ 'x-amz-checksum-crc32': 'NhCmhg==' }, {}, data)).toEqual({
      algorithm: 'CRC32',
      value: 'NhCmhg==',
    });
    expect(
      await verifyPayload(
        { 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-sdk-checksum-algorithm': 'CRC32' },
        { 'x-amz-checksum-crc32': 'NhCmhg==' },
        data,
      ),
    ).toEqual({ algorithm: 'CRC32', value: 'NhCmhg==' });
    expect(await verifyPayload({}, {}, data)).toBeUndefined();
    // CreateMultipartUpload names the algorithm its parts will use; it is no checksum of its own body.
    expect(
      await verifyPayload(
        { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'COMPOSITE' },
        {},
        data,
      ),
    ).toBeUndefined();
  });

  it('refuses a payload that does not match a digest it carries', async () => {
    await expect(verifyPayload({ 'x-amz-checksum-crc32': 'AAAAAA==' }, {}, data)).rejects.toMatchObject({
      code: 'BadDigest',
    });
    await expect(
      verifyPayload({ 'content-md5': createHash('md5').update('other').digest('base64') }, {}, data),
    ).rejects.toMatchObject({
      code: 'BadDigest',
    });
    await expect(verifyPayload({ 'content-md5': 'short' }, {}, data)).rejects.toMatchObject({
      code: 'InvalidDigest',
    });
    await expect(verifyPayload({ 'x-amz-content-sha256': 'a'.repeat(64) }, {}, data)).rejects.toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
    });
  });

  it('refuses contradictory or missing checksum headers', async () => {
    await expect(
      verifyPayload({ 'x-amz-checksum-crc32': 'NhCmhg==', 'x-amz-checksum-sha1': 'x' }, {}, data),
    ).rejects.toThrow(/single x-amz-checksum-/);
    await expect(verifyPayload({ 'x-amz-sdk-checksum-algorithm': 'CRC32' }, {}, data)).rejects.toThrow(
      /no corresponding x-amz-checksum/,
    );
    await expect(verifyPayload({ 'x-amz-checksum-md4': 'x' }, {}, data)).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
  });
});
