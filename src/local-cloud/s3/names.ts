// Bucket names and object keys: what AWS accepts for a new bucket (general purpose bucket naming rules),
// and what keys the filesystem store can hold faithfully.
import { S3Error } from './errors.js';

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why AWS would refuse this name for a new bucket, or undefined when it would accept it. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a bucket name must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return 'a bucket name can consist only of lowercase letters, numbers, periods (.) and hyphens (-)';
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'a bucket name must begin and end with a letter or number';
  }
  if (name.includes('..')) return 'a bucket name must not contain two adjacent periods';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'a bucket name must not be formatted as an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `a bucket name must not start with the reserved prefix "${prefix}"`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `a bucket name must not end with the reserved suffix "${suffix}"`;
  return undefined;
}

export function assertBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) {
    throw new S3Error('InvalidBucketName', `The specified bucket is not valid: ${problem}.`, 400, {
      BucketName: name,
    });
  }
}

const MAX_KEY_BYTES = 1024;
/** Each /-separated part of a key is a file name in the store, with a suffix of up to 25 bytes. */
const MAX_KEY_PART_BYTES = 230;

/** Keys S3 takes and the filesystem store cannot hold without changing them are refused, not altered. */
export function assertObjectKey(key: string): void {
  if (key === '') throw new S3Error('InvalidArgument', 'An object key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', 400, { Key: key });
  }
  const parts = key.split('/');
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    // A trailing slash ("folder/" objects) is fine; empty, "." and ".." parts elsewhere would be merged
    // or resolved by the filesystem, and so name another object or escape the bucket.
    if ((part === '' && !last) || part === '.' || part === '..') {
      throw new S3Error(
        'InvalidArgument',
        `The local cloud's S3 cannot store the key "${key}": it stores keys as file paths, so a key cannot ` +
          'start with "/" or contain "//", "/./" or "/../". Choose a key without them.',
        400,
        { Key: key },
      );
    }
    if (Buffer.byteLength(part, 'utf8') > MAX_KEY_PART_BYTES) {
      throw new S3Error(
        'KeyTooLongError',
        `The local cloud's S3 cannot store the key "${key}": each part between slashes must be at most ` +
          `${MAX_KEY_PART_BYTES} bytes, as it becomes a file name.`,
        400,
        { Key: key },
      );
    }
  }
}
