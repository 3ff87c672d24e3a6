// One S3 request as the operations see it: which operation on which bucket and key, with its body
// decoded (aws-chunked framing removed) and its integrity checked, and what every operation needs to
// reach the backend.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from '../protocol/common.js';
import type { EdgeRequest } from '../service.js';
import { encodeKey } from './addressing.js';
import type { BucketStore } from './bucket-store.js';
import type { Checksum } from './checksums.js';
import type { Upstream } from './upstream.js';

export interface S3Call {
  readonly request: EdgeRequest;
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  /** The client's query, less its presigned-URL authentication. */
  readonly query: URLSearchParams;
  /** The body as the object holds it (aws-chunked decoded). */
  readonly payload: Buffer;
  /** The flexible checksum the client sent, verified against the payload. */
  readonly checksum?: Checksum;
  /** `/bucket/key`, for error documents. */
  readonly resource: string;
}

export interface S3Backend {
  readonly upstream: Upstream;
  readonly buckets: BucketStore;
  log(message: string): void;
}

export type Operation = (call: S3Call, backend: S3Backend, response: ServerResponse) => Promise<void>;

export function header(call: S3Call, name: string): string | undefined {
  const value = call.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The id S3 carries in x-amz-request-id (and the edge's protocols in x-amzn-RequestId). */
export function s3ResponseHeaders(id = randomUUID()): Record<string, string> {
  return { 'x-amz-request-id': id, 'x-amz-id-2': Buffer.from(id).toString('base64') };
}

export function backendPath(bucket: string, key?: string, query?: URLSearchParams): string {
  const path = `/${encodeURIComponent(bucket)}${key === undefined ? '' : `/${encodeKey(key)}`}`;
  const search = query?.toString();
  return search ? `${path}?${search}` : path;
}

// What the backend needs of the client's headers: object metadata, conditions, ranges, copy and
// encryption directives. Never the client's credentials, nor the transfer's framing.
const FORWARDED = new Set([
  'content-type',
  'cache-control',
  'content-disposition',
  'content-language',
  'expires',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
  'x-amz-metadata-directive',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-bucket-key-enabled',
]);

export function forwardedHeaders(call: S3Call, extra: Record<string, string | undefined> = {}) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.request.headers)) {
    if (value === undefined) continue;
    if (FORWARDED.has(name) || name.startsWith('x-amz-meta-')) {
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

/** The query parameters the backend acts on for object operations (subresources, response overrides). */
export function forwardedQuery(call: S3Call): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of call.query) {
    if (
      ['uploads', 'uploadId', 'partNumber', 'tagging', 'acl'].includes(name) ||
      name.startsWith('response-')
    ) {
      kept.append(name, value);
    }
  }
  return kept;
}

/** The query of a GET or HEAD the backend acts on: the response-* header overrides. */
export function responseOverrides(call: S3Call): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of call.query) if (name.startsWith('response-')) kept.append(name, value);
  return kept;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'x-amzn-requestid']);

/** Sends the backend's answer on to the client, streaming its body. */
export function relay(
  upstream: IncomingMessage,
  response: ServerResponse,
  adjust: { drop?: (name: string) => boolean; add?: Record<string, string> } = {},
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || adjust.drop?.(name)) continue;
    headers[name] = value;
  }
  Object.assign(headers, s3ResponseHeaders(), adjust.add);
  response.writeHead(upstream.statusCode ?? 502, headers);
  return new Promise((resolve, reject) => {
    upstream.on('error', reject);
    response.on('close', resolve);
    upstream.pipe(response);
  });
}

/** A complete answer (body already built), with S3's request id headers. */
export function sendS3(
  response: ServerResponse,
  status: number,
  body: string | Buffer = '',
  headers: Record<string, string> = {},
): void {
  send(response, status, body, { ...s3ResponseHeaders(), ...headers });
}
