// Which bucket and key a request names: path-style (`/bucket/key`, what SDKs use against an endpoint
// with forcePathStyle) or virtual-host-style (`bucket.localhost:4566/key`, `bucket.s3.amazonaws.com/key`
// when a client points that name at the local cloud, or a Host header set by hand).
import { isIP } from 'node:net';
import { S3Error } from './errors.js';

export interface S3Address {
  bucket?: string;
  key?: string;
  style: 'path' | 'virtual';
}

function hostname(host: string | undefined): string {
  if (!host) return '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name.toLowerCase();
}

/** The bucket a Host header names, if it names one. */
export function bucketFromHost(host: string | undefined): string | undefined {
  const name = hostname(host);
  if (!name || isIP(name.replace(/^\[|\]$/g, '')) || name === 'localhost') return undefined;
  const local = /^(.+)\.(localhost|\d{1,3}(?:\.\d{1,3}){3})$/.exec(name);
  if (local?.[1]) return local[1] === 's3' ? undefined : local[1];
  const aws = /^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$/.exec(name);
  if (aws?.[1]) return aws[1];
  return undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** Bucket and key of a request, from its Host header and its raw (still percent-encoded) path. */
export function s3Address(host: string | undefined, rawPath: string): S3Address {
  const path = rawPath.split('?')[0] ?? '';
  const rest = path.startsWith('/') ? path.slice(1) : path;
  const hostBucket = bucketFromHost(host);
  if (hostBucket) {
    return { bucket: hostBucket, ...(rest ? { key: decode(rest) } : {}), style: 'virtual' };
  }
  if (!rest) return { style: 'path' };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decode(rest), style: 'path' };
  const bucket = decode(rest.slice(0, slash));
  const key = rest.slice(slash + 1);
  return { bucket, ...(key ? { key: decode(key) } : {}), style: 'path' };
}

/** Percent-encodes a key for a path, keeping its slashes. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
