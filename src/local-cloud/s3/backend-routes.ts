// What the edge and the S3 backend process agree on, apart from s3rver's own S3 API.
import type { ListQuery } from './listing.js';

export const BACKEND_ROUTES = {
  prefix: '/_local-cloud/',
  /** GET ?bucket=&query=<BackendListQuery JSON> -> StoreListing JSON (404 when the bucket is missing). */
  list: '/_local-cloud/list',
  /** GET ?bucket=&uploadId= -> 200 when the multipart upload is in progress, else 404. */
  upload: '/_local-cloud/upload',
  /** POST ?bucket=&uploadId= -> 200, or 404 when there is no such upload. */
  abortUpload: '/_local-cloud/abort-upload',
} as const;

export type BackendListQuery = ListQuery;

export const CHECKSUM_HEADERS = [
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
] as const;

/** Request headers the backend keeps with an object and returns on GET and HEAD. */
export const STORED_HEADERS: readonly string[] = [
  ...CHECKSUM_HEADERS,
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-bucket-key-enabled',
];
