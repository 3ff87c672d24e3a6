// Request integrity as S3 checks it: Content-MD5, x-amz-content-sha256 when it is a digest, and the
// flexible checksums (x-amz-checksum-<algorithm>, as a header or an aws-chunked trailer). A mismatch
// is the client's BadDigest, never a silently stored corrupt object.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { S3Error } from './errors.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Base64, as S3 carries it. */
  value: string;
}

export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

export async function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): Promise<string> {
  switch (algorithm) {
    case 'CRC32':
      return uint32(crc32(data)).toString('base64');
    case 'CRC32C':
      return uint32(crc32c(data)).toString('base64');
    case 'CRC64NVME': {
      const checksum = new Crc64Nvme();
      checksum.update(data);
      return Buffer.from(await checksum.digest()).toString('base64');
    }
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64');
  }
}

/** x-amz-checksum-* headers that carry no checksum: GetObject's mode, multipart's algorithm and type. */
const NOT_CHECKSUM_VALUES = new Set([
  'x-amz-checksum-mode',
  'x-amz-checksum-type',
  'x-amz-checksum-algorithm',
]);

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function algorithmNamed(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === name.toUpperCase());
}

/** The one flexible checksum a request claims for its payload, from its headers or trailers. */
export function claimedChecksum(
  headers: IncomingHttpHeaders,
  trailers: Record<string, string>,
): Checksum | undefined {
  const claims: Checksum[] = [];
  for (const source of [headers, trailers]) {
    for (const [name, value] of Object.entries(source)) {
      if (!name.startsWith('x-amz-checksum-') || NOT_CHECKSUM_VALUES.has(name)) continue;
      const algorithm = algorithmNamed(name.slice('x-amz-checksum-'.length));
      if (!algorithm) {
        throw new S3Error('InvalidRequest', `${name} names a checksum algorithm S3 does not know`);
      }
      claims.push({ algorithm, value: String(Array.isArray(value) ? value[0] : value) });
    }
  }
  if (claims.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  const sdkAlgorithm = single(headers, 'x-amz-sdk-checksum-algorithm');
  const trailer = single(headers, 'x-amz-trailer');
  if (sdkAlgorithm) {
    const named = algorithmNamed(sdkAlgorithm);
    if (!named)
      throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    if (claims.length === 0 && !trailer) {
      throw new S3Error(
        'InvalidRequest',
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
      );
    }
    if (claims[0] && claims[0].algorithm !== named) {
      throw new S3Error(
        'InvalidRequest',
        `Value for x-amz-sdk-checksum-algorithm header is invalid: ${sdkAlgorithm} does not match ${checksumHeader(claims[0].algorithm)}.`,
      );
    }
  }
  if (trailer?.startsWith('x-amz-checksum-') && claims.length === 0) {
    throw new S3Error('IncompleteBody', `The request declared the trailer ${trailer} but did not send it.`);
  }
  return claims[0];
}

/**
 * Checks the payload against every digest the request carries; returns the flexible checksum it
 * claimed (verified), which S3 keeps with the object and echoes in its response.
 */
export async function verifyPayload(
  headers: IncomingHttpHeaders,
  trailers: Record<string, string>,
  payload: Buffer,
): Promise<Checksum | undefined> {
  const md5 = single(headers, 'content-md5');
  if (md5 !== undefined) {
    if (Buffer.from(md5, 'base64').length !== 16) {
      throw new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.');
    }
    if (createHash('md5').update(payload).digest('base64') !== md5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
  }
  const contentSha256 = single(headers, 'x-amz-content-sha256');
  if (contentSha256 && /^[0-9a-fA-F]{64}$/.test(contentSha256)) {
    if (createHash('sha256').update(payload).digest('hex') !== contentSha256.toLowerCase()) {
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  const claimed = claimedChecksum(headers, trailers);
  if (claimed && (await computeChecksum(claimed.algorithm, payload)) !== claimed.value) {
    throw new S3Error(
      'BadDigest',
      `The ${claimed.algorithm} you specified did not match the calculated checksum.`,
    );
  }
  return claimed;
}
