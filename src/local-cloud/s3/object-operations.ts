// Object operations: forwarded to the backend with the body decoded and verified, plus what s3rver
// does not do as S3 does: encryption and checksums kept with the object and answered, version id
// "null", DeleteObjects with per-key results, suffix ranges, If-Match, multipart upload checks.
import type { ServerResponse } from 'node:http';
import { storedContentEncoding } from './aws-chunked.js';
import { BACKEND_ROUTES } from './backend-routes.js';
import { parseTagging, parseTaggingHeader, SSE_ALGORITHMS, type Tag } from './bucket-config.js';
import { bucketExists } from './bucket-operations.js';
import type { BucketSettings } from './bucket-store.js';
import {
  backendPath,
  forwardedHeaders,
  forwardedQuery,
  header,
  type Operation,
  relay,
  type S3Backend,
  type S3Call,
  sendS3,
} from './call.js';
import { checksumHeader } from './checksums.js';
import { invalidVersionId, malformedXml, noSuchBucket, S3Error } from './errors.js';
import { assertObjectKey } from './names.js';
import type { UpstreamResponse } from './upstream.js';
import { children, parseXmlBody, sendXml, text, xmlDocument } from './xml.js';

function target(call: S3Call): { bucket: string; key: string } {
  if (call.bucket === undefined || call.key === undefined) {
    throw new S3Error('InvalidRequest', 'This operation needs a bucket and a key.');
  }
  return { bucket: call.bucket, key: call.key };
}

/** Every object here is the "null" version; any other version id names nothing. */
function assertNullVersion(versionId: string | null | undefined): void {
  if (versionId !== null && versionId !== undefined && versionId !== 'null') throw invalidVersionId();
}

/** The encryption S3 applies to a new object: the request's own, or the bucket's default. */
function encryptionHeaders(call: S3Call, settings: BucketSettings): Record<string, string> {
  const requested = header(call, 'x-amz-server-side-encryption');
  if (requested !== undefined) {
    if (!SSE_ALGORITHMS.some((a) => a === requested)) {
      throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', 400, {
        ArgumentName: 'x-amz-server-side-encryption',
        ArgumentValue: requested,
      });
    }
    const keyId = header(call, 'x-amz-server-side-encryption-aws-kms-key-id');
    return {
      'x-amz-server-side-encryption': requested,
      ...(keyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': keyId } : {}),
    };
  }
  const rule = settings.encryption;
  return {
    'x-amz-server-side-encryption': rule.SSEAlgorithm,
    ...(rule.KMSMasterKeyID ? { 'x-amz-server-side-encryption-aws-kms-key-id': rule.KMSMasterKeyID } : {}),
    ...(rule.BucketKeyEnabled ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
  };
}

/** With ACLs disabled (BucketOwnerEnforced), a write may only carry the owner-full-control ACL. */
function assertAclAllowed(call: S3Call, settings: BucketSettings): void {
  const acl = header(call, 'x-amz-acl');
  const grants = Object.keys(call.request.headers).some((name) => name.startsWith('x-amz-grant-'));
  if (settings.ownership !== 'BucketOwnerEnforced') return;
  if ((acl && acl !== 'bucket-owner-full-control') || grants) {
    throw new S3Error('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
}

function sendUpstream(response: ServerResponse, answer: UpstreamResponse, add: Record<string, string> = {}) {
  const headers: Record<string, string> = {};
  for (const name of ['etag', 'content-type', 'last-modified', 'location']) {
    const value = answer.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  sendS3(response, answer.status, answer.body, { ...headers, ...add });
}

function taggingXml(tags: Tag[]): Buffer {
  return Buffer.from(xmlDocument('Tagging', { TagSet: { Tag: tags } }));
}

async function headObject(backend: S3Backend, bucket: string, key: string): Promise<UpstreamResponse> {
  return backend.upstream.fetch('HEAD', backendPath(bucket, key));
}

const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
    Condition: condition,
  });

const putObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const settings = backend.buckets.get(bucket);
  assertAclAllowed(call, settings);
  const encryption = encryptionHeaders(call, settings);
  const taggingHeader = header(call, 'x-amz-tagging');
  const tags = taggingHeader === undefined ? undefined : parseTaggingHeader(taggingHeader);
  // Conditional writes: If-None-Match: * creates only; If-Match replaces only that ETag.
  const ifNoneMatch = header(call, 'if-none-match');
  const ifMatch = header(call, 'if-match');
  if (ifNoneMatch !== undefined || ifMatch !== undefined) {
    const current = await headObject(backend, bucket, key);
    if (ifNoneMatch === '*' && current.status === 200) throw preconditionFailed('If-None-Match');
    if (ifMatch !== undefined) {
      if (current.status === 404)
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
      if (current.headers.etag !== ifMatch && ifMatch !== '*') throw preconditionFailed('If-Match');
    }
  }
  const checksum = call.checksum ? { [checksumHeader(call.checksum.algorithm)]: call.checksum.value } : {};
  const stored = await backend.upstream.fetch(
    'PUT',
    backendPath(bucket, key),
    forwardedHeaders(call, {
      'content-encoding': storedContentEncoding(call.request.headers),
      'if-none-match': undefined,
      'if-match': undefined,
      ...encryption,
      ...checksum,
    }),
    call.payload,
  );
  if (stored.status === 200 && tags !== undefined) {
    await backend.upstream.fetch(
      'PUT',
      backendPath(bucket, key, new URLSearchParams('tagging')),
      {},
      taggingXml(tags),
    );
  }
  sendUpstream(response, stored, stored.status === 200 ? { ...encryption, ...checksum } : {});
};

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=..]`, URL-encoded. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [path = '', search = ''] = value.split('?');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      400,
      {
        ArgumentName: 'x-amz-copy-source',
        ArgumentValue: value,
      },
    );
  }
  const versionId = new URLSearchParams(search).get('versionId') ?? undefined;
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId ? { versionId } : {}),
  };
}

const copyObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const source = parseCopySource(header(call, 'x-amz-copy-source') ?? '');
  assertNullVersion(source.versionId);
  assertObjectKey(source.key);
  const settings = backend.buckets.get(bucket);
  assertAclAllowed(call, settings);
  const encryption = encryptionHeaders(call, settings);
  // s3rver reads the copy source with decodeURI, which leaves %2F, %23 etc. as they are.
  const copySource = `/${source.bucket}/${encodeURI(source.key)}`;
  const copied = await backend.upstream.open(
    'PUT',
    backendPath(bucket, key),
    forwardedHeaders(call, { 'x-amz-copy-source': copySource, ...encryption }),
  );
  await relay(copied, response, { add: copied.statusCode === 200 ? encryption : {} });
};

/** s3rver reads `bytes=-N` as the first N+1 bytes; S3 means the last N. */
async function resolvedRange(call: S3Call, backend: S3Backend, bucket: string, key: string) {
  const range = header(call, 'range');
  const suffix = range ? /^bytes=-(\d+)$/.exec(range.trim()) : null;
  if (!suffix) return range;
  const current = await headObject(backend, bucket, key);
  if (current.status !== 200) return range; // the GET answers NoSuchKey
  const size = Number(current.headers['content-length']);
  const wanted = Number(suffix[1]);
  if (wanted === 0) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: range ?? '',
    });
  }
  return `bytes=${Math.max(0, size - wanted)}-${size - 1}`;
}

const getObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  assertNullVersion(call.query.get('versionId'));
  const ifMatch = header(call, 'if-match');
  const ifUnmodifiedSince = header(call, 'if-unmodified-since');
  if (ifMatch !== undefined || ifUnmodifiedSince !== undefined) {
    const current = await headObject(backend, bucket, key);
    if (current.status === 200) {
      if (ifMatch !== undefined && ifMatch !== '*' && current.headers.etag !== ifMatch)
        throw preconditionFailed('If-Match');
      const modified = new Date(String(current.headers['last-modified']));
      if (
        ifMatch === undefined &&
        ifUnmodifiedSince !== undefined &&
        modified > new Date(ifUnmodifiedSince)
      ) {
        throw preconditionFailed('If-Unmodified-Since');
      }
    }
  }
  const range = await resolvedRange(call, backend, bucket, key);
  const answer = await backend.upstream.open(
    call.request.method,
    backendPath(bucket, key, forwardedQuery(call)),
    forwardedHeaders(call, { range, 'if-match': undefined, 'if-unmodified-since': undefined }),
  );
  // The stored checksum covers the whole object: S3 returns it when asked, and never for a range.
  const withChecksum =
    header(call, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && answer.statusCode === 200;
  await relay(answer, response, { drop: (name) => name.startsWith('x-amz-checksum-') && !withChecksum });
};

const deleteObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  assertNullVersion(call.query.get('versionId'));
  const deleted = await backend.upstream.open('DELETE', backendPath(bucket, key));
  await relay(deleted, response);
};

interface DeleteOutcome {
  Key: string;
  VersionId?: string;
  Code?: string;
  Message?: string;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The S3 error code and message in an error document from the backend. */
function backendError(answer: UpstreamResponse): { Code: string; Message: string } {
  try {
    const error = parseXmlBody(answer.body, 'Error');
    return { Code: text(error, 'Code') ?? 'InternalError', Message: text(error, 'Message') ?? '' };
  } catch {
    return { Code: 'InternalError', Message: `The S3 backend answered ${answer.status}` };
  }
}

// Keys are deleted one by one, each with its own outcome, so a failure is reported for its key and
// never hidden behind "Deleted".
const deleteObjects: Operation = async (call, backend, response) => {
  const bucket = call.bucket ?? '';
  if (header(call, 'content-md5') === undefined && !call.checksum) {
    throw new S3Error(
      'InvalidRequest',
      'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    );
  }
  const request = parseXmlBody(call.payload, 'Delete');
  const objects = children(request, 'Object');
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  const quiet = text(request, 'Quiet')?.trim() === 'true';
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  const requested = objects.map((object): DeleteOutcome => {
    const key = text(object, 'Key');
    if (key === undefined) throw malformedXml();
    const versionId = text(object, 'VersionId');
    return { Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) };
  });
  const outcomes = await mapLimit(requested, 8, async (outcome): Promise<DeleteOutcome> => {
    const { Key: key, VersionId: versionId } = outcome;
    try {
      assertNullVersion(versionId);
      assertObjectKey(key);
    } catch (error) {
      const { code, message } = error as S3Error;
      return { ...outcome, Code: code, Message: message };
    }
    const deleted = await backend.upstream.fetch('DELETE', backendPath(bucket, key));
    return deleted.status === 204 || deleted.status === 200
      ? outcome
      : { ...outcome, ...backendError(deleted) };
  });
  const failed = outcomes.filter((o) => o.Code !== undefined);
  const done = outcomes.filter((o) => o.Code === undefined);
  sendXml(response, xmlDocument('DeleteResult', { Deleted: quiet ? [] : done, Error: failed }));
};

async function assertUpload(call: S3Call, backend: S3Backend, bucket: string): Promise<string> {
  const uploadId = call.query.get('uploadId') ?? '';
  const search = new URLSearchParams({ bucket, uploadId });
  const { status } = await backend.upstream.fetch('GET', `${BACKEND_ROUTES.upload}?${search}`);
  if (status !== 200) {
    throw new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      404,
      { UploadId: uploadId },
    );
  }
  return uploadId;
}

const createMultipartUpload: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const settings = backend.buckets.get(bucket);
  assertAclAllowed(call, settings);
  const encryption = encryptionHeaders(call, settings);
  const started = await backend.upstream.open(
    'POST',
    backendPath(bucket, key, forwardedQuery(call)),
    forwardedHeaders(call, {
      ...encryption,
      'content-encoding': storedContentEncoding(call.request.headers),
    }),
  );
  const algorithm = header(call, 'x-amz-checksum-algorithm');
  await relay(started, response, {
    add:
      started.statusCode === 200
        ? { ...encryption, ...(algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {}) }
        : {},
  });
};

const uploadPart: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const partNumber = call.query.get('partNumber') ?? '';
  if (!/^\d+$/.test(partNumber) || Number(partNumber) < 1 || Number(partNumber) > 10000) {
    throw new S3Error(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      400,
      {
        ArgumentName: 'partNumber',
        ArgumentValue: partNumber,
      },
    );
  }
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  await assertUpload(call, backend, bucket);
  const stored = await backend.upstream.fetch(
    'PUT',
    backendPath(bucket, key, forwardedQuery(call)),
    {},
    call.payload,
  );
  const checksum = call.checksum ? { [checksumHeader(call.checksum.algorithm)]: call.checksum.value } : {};
  sendUpstream(response, stored, stored.status === 200 ? checksum : {});
};

const completeMultipartUpload: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  await assertUpload(call, backend, bucket);
  const completed = await backend.upstream.fetch(
    'POST',
    backendPath(bucket, key, forwardedQuery(call)),
    { 'content-type': 'application/xml' },
    call.payload,
  );
  if (completed.status !== 200) return sendUpstream(response, completed);
  const result = parseXmlBody(completed.body, 'CompleteMultipartUploadResult');
  const host = header(call, 'host') ?? '127.0.0.1';
  sendXml(
    response,
    xmlDocument('CompleteMultipartUploadResult', {
      Location: `http://${host}${backendPath(bucket, key)}`,
      Bucket: bucket,
      Key: key,
      ETag: text(result, 'ETag'),
    }),
    200,
    encryptionHeaders(call, backend.buckets.get(bucket)),
  );
};

const abortMultipartUpload: Operation = async (call, backend, response) => {
  const bucket = call.bucket ?? '';
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  const uploadId = await assertUpload(call, backend, bucket);
  const search = new URLSearchParams({ bucket, uploadId });
  await backend.upstream.fetch('POST', `${BACKEND_ROUTES.abortUpload}?${search}`);
  sendS3(response, 204);
};

const putObjectTagging: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  assertNullVersion(call.query.get('versionId'));
  const tags = parseTagging(call.payload, 10);
  const stored = await backend.upstream.fetch(
    'PUT',
    backendPath(bucket, key, new URLSearchParams('tagging')),
    {},
    taggingXml(tags),
  );
  sendUpstream(response, stored);
};

/** Anything else goes to s3rver as it is: it answers what it implements, and NotImplemented otherwise. */
export const forward: Operation = async (call, backend, response) => {
  const query = new URLSearchParams(call.query);
  query.delete('x-id');
  const answer = await backend.upstream.open(
    call.request.method,
    backendPath(call.bucket ?? '', call.key, query),
    forwardedHeaders(call, {
      'content-encoding': storedContentEncoding(call.request.headers),
      ...(header(call, 'x-amz-copy-source')
        ? { 'x-amz-copy-source': header(call, 'x-amz-copy-source') }
        : {}),
    }),
    call.payload,
  );
  await relay(answer, response);
};

export const OBJECT_OPERATIONS: Record<string, Operation> = {
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  PutObjectTagging: putObjectTagging,
};
