// What the edge and the S3 backend process agree on, apart from s3rver's own S3 API: the backend's own
// routes (JSON in and out), and how an S3 error crosses between them.
import { S3Error } from './errors.js';
import type { ListQuery, VersionListQuery } from './listing.js';

export const BACKEND_ROUTES = {
  prefix: '/_local-cloud/',
  /** GET ?bucket=&query=<BackendListQuery JSON> -> StoreListing JSON (404 when the bucket is missing). */
  list: '/_local-cloud/list',
  /** GET ?bucket=&uploadId= -> 200 when the multipart upload is in progress, else 404. */
  upload: '/_local-cloud/upload',
  /** POST ?bucket=&uploadId= -> 200, or 404 when there is no such upload. */
  abortUpload: '/_local-cloud/abort-upload',
  /** PUT ?bucket=&key=, the object's stored headers, x-local-cloud-write: WriteContext JSON in base64; body -> Written. */
  put: '/_local-cloud/put',
  /** POST ?bucket=&key= CopyRequest JSON -> Copied. */
  copy: '/_local-cloud/copy',
  /** POST ?bucket=&key=&uploadId= CompleteRequest JSON -> CompletedUpload. */
  complete: '/_local-cloud/complete',
  /** POST ?bucket=&key= DeleteRequest JSON -> DeleteOutcome. */
  delete: '/_local-cloud/delete',
  /** GET ?bucket=&key=&method=&versionId=&partNumber=, Range header -> ReadPlan. */
  read: '/_local-cloud/read',
  /** GET ?bucket=&query=<VersionListQuery JSON> -> a page of ListedVersion. */
  versions: '/_local-cloud/versions',
} as const;

export const WRITE_CONTEXT_HEADER = 'x-local-cloud-write';

export type BackendListQuery = ListQuery;
export type BackendVersionQuery = VersionListQuery;

export const CHECKSUM_HEADERS = [
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
] as const;

/** Stored with an object: its version id (absent on a never-versioned bucket). S3 returns it as is. */
export const VERSION_HEADER = 'x-amz-version-id';
/** Stored with a multipart object: how many parts it has (the edge answers x-amz-mp-parts-count). */
export const PARTS_COUNT_HEADER = 'x-local-cloud-parts-count';
/** Headers of the backend's answers that belong to the local cloud and never reach a client. */
export const INTERNAL_HEADER_PREFIX = 'x-local-cloud-';

/** Request headers the backend keeps with an object and returns on GET and HEAD. */
export const STORED_HEADERS: readonly string[] = [
  ...CHECKSUM_HEADERS,
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-bucket-key-enabled',
  VERSION_HEADER,
  PARTS_COUNT_HEADER,
];

/** An S3 error as a backend route answers it. */
export interface BackendErrorBody {
  error: {
    code: string;
    message: string;
    status: number;
    details: Record<string, string>;
    headers: Record<string, string>;
  };
}

export function errorBody(error: S3Error): BackendErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      status: error.status,
      details: error.details,
      headers: error.headers,
    },
  };
}

export function errorFromBody(body: BackendErrorBody): S3Error {
  const { code, message, status, details, headers } = body.error;
  return new S3Error(code, message, status, details, headers);
}
