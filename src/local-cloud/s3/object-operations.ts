// Object operations as S3 answers them. Writes and deletes go to the backend's own routes (conditions and
// versions hold there, under the key's lock); reads go to s3rver, at the place the backend names for a
// version, a part or a range (backend-client.ts). What the edge adds: encryption and checksums kept with
// the object, ACL rules, DeleteObjects with per-key results, S3's response headers and documents.
import type { ServerResponse } from 'node:http';
import { deniedByPolicy, objectArn } from './authorization.js';
import { storedContentEncoding } from './aws-chunked.js';
import * as backendApi from './backend-client.js';
import { INTERNAL_HEADER_PREFIX } from './backend-routes.js';
import { parseTagging, parseTaggingHeader, SSE_ALGORITHMS, type Tag } from './bucket-config.js';
import { bucketExists } from './bucket-operations.js';
import { type BucketSettings, newVersionFor } from './bucket-store.js';
import {
  backendPath,
  forwardedHeaders,
  header,
  type Operation,
  relay,
  responseOverrides,
  type S3Backend,
  type S3Call,
  sendS3,
} from './call.js';
import { checksumHeader } from './checksums.js';
import { etagsMatch, preconditionFailed, writeConditions } from './conditions.js';
import {
  invalidVersionId,
  malformedXml,
  noSuchBucket,
  noSuchVersion,
  notImplemented,
  S3Error,
} from './errors.js';
import { assertObjectKey } from './names.js';
import type { ReadPlan, ReadRequest } from './object-store.js';
import type { UpstreamResponse } from './upstream.js';
import { isVersionIdWellFormed, NULL_VERSION } from './versions.js';
import { children, parseXmlBody, sendXml, text, xmlDocument } from './xml.js';

export function target(call: S3Call): { bucket: string; key: string } {
  if (call.bucket === undefined || call.key === undefined) {
    throw new S3Error('InvalidRequest', 'This operation needs a bucket and a key.');
  }
  return { bucket: call.bucket, key: call.key };
}

/** A version id checked as S3 checks it: a bucket never versioned has the "null" version only. */
export function checkedVersion(backend: S3Backend, bucket: string, versionId: string): string {
  const versioned = backend.buckets.get(bucket).versioning !== undefined;
  if (!isVersionIdWellFormed(versionId) || (!versioned && versionId !== NULL_VERSION)) {
    throw invalidVersionId(versionId);
  }
  return versionId;
}

/** The request's versionId, checked. */
export function requestedVersion(call: S3Call, backend: S3Backend): string | undefined {
  const versionId = call.query.get('versionId');
  return versionId === null ? undefined : checkedVersion(backend, call.bucket ?? '', versionId);
}

/** The encryption S3 applies to a new object: the request's own, or the bucket's default. */
export function encryptionHeaders(call: S3Call, settings: BucketSettings): Record<string, string> {
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
export function assertAclAllowed(call: S3Call, settings: BucketSettings): void {
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

function taggingXml(tags: Tag[]): string {
  return xmlDocument('Tagging', { TagSet: { Tag: tags } });
}

/** The version id header of an answer, when there is one to give. */
function versionHeader(versionId: string | undefined): Record<string, string> {
  return versionId === undefined ? {} : { 'x-amz-version-id': versionId };
}

/** A write's version id as S3 answers it: none for the "null" version a suspended bucket writes. */
function writtenVersion(versionId: string | undefined): Record<string, string> {
  return versionHeader(versionId === NULL_VERSION ? undefined : versionId);
}

function checksumOf(call: S3Call): Record<string, string> {
  return call.checksum ? { [checksumHeader(call.checksum.algorithm)]: call.checksum.value } : {};
}

const putObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const settings = backend.buckets.get(bucket);
  assertAclAllowed(call, settings);
  const encryption = encryptionHeaders(call, settings);
  const taggingHeader = header(call, 'x-amz-tagging');
  const tags = taggingHeader === undefined ? undefined : parseTaggingHeader(taggingHeader);
  const conditions = writeConditions(header(call, 'if-match'), header(call, 'if-none-match'));
  const checksum = checksumOf(call);
  const versionId = newVersionFor(settings);
  const written = await backendApi.putObject(
    backend,
    bucket,
    key,
    forwardedHeaders(call, {
      'content-encoding': storedContentEncoding(call.request.headers),
      'if-none-match': undefined,
      'if-match': undefined,
      range: undefined,
      ...encryption,
      ...checksum,
    }),
    call.payload,
    {
      ...(versionId !== undefined ? { versionId } : {}),
      ...(conditions ? { conditions } : {}),
      ...(tags?.length ? { tagging: taggingXml(tags) } : {}),
    },
  );
  sendS3(response, 200, '', {
    ETag: written.etag,
    ...encryption,
    ...checksum,
    ...writtenVersion(written.versionId),
  });
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

function directive(call: S3Call, name: string): 'COPY' | 'REPLACE' {
  const value = header(call, name) ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw new S3Error(
      'InvalidArgument',
      `Unknown ${name.replace('x-amz-', '').replace('-directive', '')} directive.`,
      400,
      {
        ArgumentName: name,
        ArgumentValue: value,
      },
    );
  }
  return value;
}

const copyObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const source = parseCopySource(header(call, 'x-amz-copy-source') ?? '');
  if (source.versionId !== undefined) checkedVersion(backend, source.bucket, source.versionId);
  assertObjectKey(source.key);
  const settings = backend.buckets.get(bucket);
  assertAclAllowed(call, settings);
  const encryption = encryptionHeaders(call, settings);
  const metadataDirective = directive(call, 'x-amz-metadata-directive');
  const taggingDirective = directive(call, 'x-amz-tagging-directive');
  const changesSomething =
    metadataDirective === 'REPLACE' ||
    header(call, 'x-amz-server-side-encryption') !== undefined ||
    header(call, 'x-amz-storage-class') !== undefined ||
    header(call, 'x-amz-website-redirect-location') !== undefined;
  if (source.bucket === bucket && source.key === key && source.versionId === undefined && !changesSomething) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const conditions = writeConditions(header(call, 'if-match'), header(call, 'if-none-match'));
  const replacedTags =
    taggingDirective === 'REPLACE' ? parseTaggingHeader(header(call, 'x-amz-tagging') ?? '') : [];
  const versionId = newVersionFor(settings);
  const copied = await backendApi.copyObject(backend, bucket, key, {
    source,
    ...(metadataDirective === 'REPLACE'
      ? { metadata: forwardedHeaders(call, { 'x-amz-metadata-directive': undefined, range: undefined }) }
      : {}),
    set: encryption,
    keepTags: taggingDirective === 'COPY',
    context: {
      ...(versionId !== undefined ? { versionId } : {}),
      ...(conditions ? { conditions } : {}),
      ...(replacedTags.length ? { tagging: taggingXml(replacedTags) } : {}),
    },
  });
  sendXml(
    response,
    xmlDocument('CopyObjectResult', { LastModified: copied.lastModified, ETag: copied.etag }),
    200,
    {
      ...encryption,
      ...writtenVersion(copied.versionId),
      ...(copied.sourceVersionId !== undefined
        ? { 'x-amz-copy-source-version-id': copied.sourceVersionId }
        : {}),
    },
  );
};

function assertPartNumber(partNumber: string, name = 'partNumber'): void {
  if (!/^\d+$/.test(partNumber) || Number(partNumber) < 1 || Number(partNumber) > 10000) {
    throw new S3Error(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      400,
      {
        ArgumentName: name,
        ArgumentValue: partNumber,
      },
    );
  }
}

/**
 * Where to read the key from: the backend's plan for a version, a part, a range or a versioned bucket's
 * key (delete markers answer there); the key itself otherwise.
 */
export async function placeOf(
  call: S3Call,
  backend: S3Backend,
  request: Omit<ReadRequest, 'versionId' | 'method'> & { method?: string } = {},
): Promise<ReadPlan> {
  const { bucket, key } = target(call);
  const versionId = requestedVersion(call, backend);
  const versioned = backend.buckets.get(bucket).versioning !== undefined;
  if (
    versionId === undefined &&
    !versioned &&
    request.partNumber === undefined &&
    request.range === undefined
  ) {
    return { bucket, key, headers: {} };
  }
  return backendApi.readPlan(backend, bucket, key, {
    ...request,
    method: request.method ?? call.request.method,
    ...(versionId !== undefined ? { versionId } : {}),
  });
}

const getObject: Operation = async (call, backend, response) => {
  const range = header(call, 'range');
  const partNumber = call.query.get('partNumber') ?? undefined;
  if (partNumber !== undefined) {
    if (range !== undefined) {
      throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    }
    assertPartNumber(partNumber);
  }
  const place = await placeOf(call, backend, {
    ...(partNumber !== undefined ? { partNumber } : {}),
    ...(range !== undefined ? { range } : {}),
  });
  const path = backendPath(place.bucket, place.key, responseOverrides(call));
  const ifMatch = header(call, 'if-match');
  const ifUnmodifiedSince = header(call, 'if-unmodified-since');
  if (ifMatch !== undefined || ifUnmodifiedSince !== undefined) {
    const current = await backend.upstream.fetch('HEAD', backendPath(place.bucket, place.key));
    if (current.status === 200) {
      const etag = String(current.headers.etag ?? '');
      if (ifMatch !== undefined && ifMatch !== '*' && !etagsMatch(ifMatch, etag))
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
  const answer = await backend.upstream.open(
    call.request.method,
    path,
    forwardedHeaders(call, {
      range: place.range === undefined ? range : (place.range ?? undefined),
      'if-match': undefined,
      'if-unmodified-since': undefined,
    }),
  );
  // The stored checksum covers the whole object: S3 returns it when asked, for the whole object only.
  const whole =
    answer.statusCode === 200 || (partNumber !== undefined && !place.headers['x-amz-mp-parts-count']);
  const withChecksum = header(call, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && whole;
  await relay(answer, response, {
    drop: (name) =>
      name.startsWith(INTERNAL_HEADER_PREFIX) || (name.startsWith('x-amz-checksum-') && !withChecksum),
    add: answer.statusCode !== undefined && answer.statusCode < 300 ? place.headers : {},
  });
};

const deleteObject: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const versionId = requestedVersion(call, backend);
  // If-Match, and the last-modified time and size a delete may be made conditional on.
  const conditions = writeConditions(header(call, 'if-match'), undefined, {
    lastModifiedTime: header(call, 'x-amz-if-match-last-modified-time'),
    size: header(call, 'x-amz-if-match-size'),
  });
  const outcome = await backendApi.deleteObject(
    backend,
    bucket,
    key,
    deletion(backend, bucket, versionId, conditions),
  );
  sendS3(response, 204, '', {
    ...(outcome.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
    ...versionHeader(outcome.versionId),
  });
};

/** What a delete of the key does: remove a version, add a delete marker, or remove the object. */
function deletion(
  backend: S3Backend,
  bucket: string,
  versionId: string | undefined,
  conditions?: ReturnType<typeof writeConditions>,
) {
  const markerId = versionId === undefined ? newVersionFor(backend.buckets.get(bucket)) : undefined;
  return {
    ...(versionId !== undefined ? { versionId } : {}),
    ...(markerId !== undefined ? { markerId } : {}),
    ...(conditions ? { conditions } : {}),
  };
}

interface DeleteOutcome {
  Key: string;
  VersionId?: string;
  DeleteMarker?: boolean;
  DeleteMarkerVersionId?: string;
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
      if (versionId !== undefined) checkedVersion(backend, bucket, versionId);
      assertObjectKey(key);
      const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
      const denied = deniedByPolicy(call, backend, bucket, action, objectArn(bucket, key));
      if (denied) throw denied;
      const deleted = await backendApi.deleteObject(
        backend,
        bucket,
        key,
        deletion(backend, bucket, versionId),
      );
      // A version the key does not have: S3 reports it for that key (DeleteObject alone answers 204).
      if (deleted.found === false && versionId !== undefined) throw noSuchVersion(key, versionId);
      if (!deleted.deleteMarker) return outcome;
      return { ...outcome, DeleteMarker: true, DeleteMarkerVersionId: deleted.versionId ?? '' };
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      return { ...outcome, Code: error.code, Message: error.message };
    }
  });
  const failed = outcomes.filter((o) => o.Code !== undefined);
  const done = outcomes.filter((o) => o.Code === undefined);
  sendXml(response, xmlDocument('DeleteResult', { Deleted: quiet ? [] : done, Error: failed }));
};

/** Object tags (Get/Put/DeleteObjectTagging), of the version the request names. */
const objectTagging: Operation = async (call, backend, response) => {
  const place = await placeOf(call, backend, { subresource: true });
  const method = call.request.method;
  // s3rver has no DeleteObjectTagging: an empty tag set is what it leaves.
  const tags =
    method === 'GET' ? undefined : taggingXml(method === 'PUT' ? parseTagging(call.payload, 'object') : []);
  const answer = await backend.upstream.fetch(
    tags === undefined ? 'GET' : 'PUT',
    backendPath(place.bucket, place.key, new URLSearchParams('tagging')),
    {},
    tags === undefined ? undefined : Buffer.from(tags),
  );
  const versionId = requestedVersion(call, backend) ?? (await versionOf(backend, place));
  sendUpstream(response, answer.status === 200 && method === 'DELETE' ? { ...answer, status: 204 } : answer, {
    ...(answer.status < 300 ? versionHeader(versionId) : {}),
  });
};

/** The version id stored with the object at the place, if its bucket is versioned. */
async function versionOf(backend: S3Backend, place: ReadPlan): Promise<string | undefined> {
  const head = await backend.upstream.fetch('HEAD', backendPath(place.bucket, place.key));
  const versionId = head.headers['x-amz-version-id'];
  return typeof versionId === 'string' ? versionId : undefined;
}

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
  await relay(answer, response, { drop: (name) => name.startsWith(INTERNAL_HEADER_PREFIX) });
};

// s3rver stores browser form uploads itself, in place: on a versioned bucket that would drop the current
// version rather than keep it, so they are refused there, saying what to use instead.
const postObject: Operation = async (call, backend, response) => {
  if (backend.buckets.get(call.bucket ?? '').versioning !== undefined) {
    throw notImplemented('browser form uploads (POST Object) to a versioned bucket', 'upload with PutObject');
  }
  await forward(call, backend, response);
};

export const OBJECT_OPERATIONS: Record<string, Operation> = {
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  PostObject: postObject,
  GetObjectTagging: objectTagging,
  PutObjectTagging: objectTagging,
  DeleteObjectTagging: objectTagging,
};
