import { describe, expect, it } from 'vitest';
import { bucketFromHost, s3Address } from '../../../src/local-cloud/s3/addressing.js';
import { assertObjectKey, bucketNameProblem } from '../../../src/local-cloud/s3/names.js';
import { s3Operation } from '../../../src/local-cloud/s3/operations.js';

describe('bucket names', () => {
  it.each(['kinesis-tui-delivery-000000000000-us-east-1', 'abc', 'a.b-c', '0ab'])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['a'.repeat(64), 'between 3 and 63'],
    ['has_underscore', 'lowercase letters'],
    ['ends-', 'begin and end'],
    ['a..b', 'adjacent periods'],
    ['10.0.0.1', 'IP address'],
    ['sthree-bucket', 'reserved prefix'],
    ['bucket--x-s3', 'reserved suffix'],
  ])('refuses %s (%s)', (name, reason) => {
    expect(bucketNameProblem(name)).toContain(reason);
  });
});

describe('object keys', () => {
  it('accepts keys with spaces, unicode, dots in names and a trailing slash', () => {
    for (const key of ['a b/c+d%20.txt', 'é/ü', 'folder/', '.hidden/..dots..'])
      expect(() => assertObjectKey(key)).not.toThrow();
  });

  it('refuses keys the filesystem would merge or resolve', () => {
    for (const key of ['/leading', 'a//b', 'a/./b', 'a/../b', '..'])
      expect(() => assertObjectKey(key)).toThrow(/cannot store the key/);
    expect(() => assertObjectKey('k'.repeat(1025))).toThrow(/too long/);
  });
});

describe('addressing', () => {
  it('reads path-style bucket and key, decoding each', () => {
    expect(s3Address('127.0.0.1:4566', '/bucket/a%20b/c%2Bd?x-id=GetObject')).toEqual({
      bucket: 'bucket',
      key: 'a b/c+d',
      style: 'path',
    });
    expect(s3Address('localhost:4566', '/bucket/')).toEqual({ bucket: 'bucket', style: 'path' });
    expect(s3Address('127.0.0.1', '/')).toEqual({ style: 'path' });
  });

  it('reads the bucket from a virtual host name', () => {
    expect(bucketFromHost('my-bucket.localhost:4566')).toBe('my-bucket');
    expect(bucketFromHost('my.dotted.bucket.s3.eu-west-1.amazonaws.com')).toBe('my.dotted.bucket');
    expect(bucketFromHost('b.127.0.0.1:4566')).toBe('b');
    expect(bucketFromHost('s3.localhost')).toBeUndefined();
    expect(bucketFromHost('[::1]:4566')).toBeUndefined();
    expect(s3Address('bucket.localhost', '/key/part')).toEqual({
      bucket: 'bucket',
      key: 'key/part',
      style: 'virtual',
    });
  });
});

describe('operations', () => {
  const op = (method: string, bucket?: string, key?: string, query = '', copy = false) =>
    s3Operation({
      method,
      ...(bucket ? { bucket } : {}),
      ...(key ? { key } : {}),
      query: new URLSearchParams(query),
      copy,
    });

  it('names bucket and object operations by method and subresource', () => {
    expect(op('GET')).toBe('ListBuckets');
    expect(op('GET', 'b', undefined, 'list-type=2&prefix=x')).toBe('ListObjectsV2');
    expect(op('GET', 'b', undefined, 'versions&prefix=x')).toBe('ListObjectVersions');
    expect(op('POST', 'b', undefined, 'delete=')).toBe('DeleteObjects');
    expect(op('PUT', 'b', undefined, 'policy')).toBe('PutBucketPolicy');
    expect(op('GET', 'b', 'k', 'tagging')).toBe('GetObjectTagging');
    expect(op('GET', 'b', undefined, 'tagging')).toBe('GetBucketTagging');
    expect(op('PUT', 'b', 'k', '', true)).toBe('CopyObject');
    expect(op('PUT', 'b', 'k', 'uploadId=1&partNumber=2')).toBe('UploadPart');
    expect(op('DELETE', 'b', 'k', 'uploadId=1')).toBe('AbortMultipartUpload');
    expect(op('PATCH', 'b', 'k')).toBeUndefined();
  });
});
