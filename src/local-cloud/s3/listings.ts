// ListObjects, ListObjectsV2 and ListObjectVersions, built by the edge from the backend's listings
// (store.ts, object-store.ts), so paging follows S3's rules: keys in byte order, common prefixes counted
// towards max-keys, opaque continuation tokens, each key's versions newest first. An object of a bucket
// never versioned lists as its one version, "null".
import { listVersions } from './backend-client.js';
import { BACKEND_ROUTES } from './backend-routes.js';
import type { Operation, S3Backend, S3Call } from './call.js';
import { noSuchBucket, S3Error } from './errors.js';
import type { ListQuery } from './listing.js';
import { OWNER } from './owner.js';
import type { StoreListing } from './store.js';
import type { ListedVersion } from './versions.js';
import { sendXml, xmlDocument } from './xml.js';

/** One page of a bucket's listing from the backend; undefined when the bucket does not exist. */
export async function listBackend(
  backend: S3Backend,
  bucket: string,
  query: ListQuery,
): Promise<StoreListing | undefined> {
  const search = new URLSearchParams({ bucket, query: JSON.stringify(query) });
  const { status, body } = await backend.upstream.json<StoreListing>(
    'GET',
    `${BACKEND_ROUTES.list}?${search}`,
  );
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`the S3 backend failed to list ${bucket} (${status})`);
  return body;
}

function maxKeys(call: S3Call): number {
  const value = call.query.get('max-keys');
  if (value === null || value === '') return 1000;
  if (!/^\d+$/.test(value) || Number(value) > 2147483647) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      ArgumentName: 'max-keys',
      ArgumentValue: value,
    });
  }
  return Math.min(1000, Number(value));
}

/** `encoding-type=url` asks for keys and prefixes URL-encoded (for keys XML cannot carry). */
function encoder(call: S3Call): { encode: (value: string) => string; EncodingType?: string } {
  const type = call.query.get('encoding-type');
  if (!type) return { encode: (value) => value };
  if (type !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
      ArgumentValue: type,
    });
  }
  return { encode: (value) => encodeURIComponent(value).replace(/%2F/g, '/'), EncodingType: 'url' };
}

function queryOf(call: S3Call, startAfter: string): ListQuery {
  return {
    prefix: call.query.get('prefix') ?? '',
    delimiter: call.query.get('delimiter') ?? '',
    startAfter,
    maxKeys: maxKeys(call),
  };
}

async function listOrFail(call: S3Call, backend: S3Backend, query: ListQuery): Promise<StoreListing> {
  const bucket = call.bucket ?? '';
  const listing = await listBackend(backend, bucket, query);
  if (!listing) throw noSuchBucket(bucket);
  return listing;
}

function optional(name: string, value: string | undefined) {
  return value ? { [name]: value } : {};
}

const TOKEN_PREFIX = 'lc1:';

function continuationToken(last: string): string {
  return Buffer.from(TOKEN_PREFIX + last, 'utf8').toString('base64');
}

function afterToken(token: string): string {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  if (!decoded.startsWith(TOKEN_PREFIX)) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
    });
  }
  return decoded.slice(TOKEN_PREFIX.length);
}

const listObjectsV2: Operation = async (call, backend, response) => {
  const token = call.query.get('continuation-token');
  const startAfter = call.query.get('start-after') ?? '';
  const query = queryOf(call, token ? afterToken(token) : startAfter);
  const listing = await listOrFail(call, backend, query);
  const { encode, EncodingType } = encoder(call);
  const fetchOwner = call.query.get('fetch-owner') === 'true';
  sendXml(
    response,
    xmlDocument('ListBucketResult', {
      Name: call.bucket,
      Prefix: encode(query.prefix),
      ...optional('ContinuationToken', token ?? undefined),
      ...optional(
        'NextContinuationToken',
        listing.isTruncated && listing.last ? continuationToken(listing.last) : undefined,
      ),
      KeyCount: listing.objects.length + listing.commonPrefixes.length,
      MaxKeys: query.maxKeys,
      ...optional('Delimiter', query.delimiter && encode(query.delimiter)),
      IsTruncated: listing.isTruncated,
      ...optional('StartAfter', startAfter && encode(startAfter)),
      Contents: listing.objects.map((object) => ({
        Key: encode(object.key),
        LastModified: object.lastModified,
        ETag: object.etag,
        Size: object.size,
        ...(fetchOwner ? { Owner: OWNER } : {}),
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: listing.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
      ...optional('EncodingType', EncodingType),
    }),
  );
};

const listObjects: Operation = async (call, backend, response) => {
  const marker = call.query.get('marker') ?? '';
  const query = queryOf(call, marker);
  const listing = await listOrFail(call, backend, query);
  const { encode, EncodingType } = encoder(call);
  sendXml(
    response,
    xmlDocument('ListBucketResult', {
      Name: call.bucket,
      Prefix: encode(query.prefix),
      Marker: encode(marker),
      // S3 gives NextMarker only with a delimiter; without one, the last key is the next marker.
      ...optional(
        'NextMarker',
        query.delimiter && listing.isTruncated ? listing.last && encode(listing.last) : undefined,
      ),
      MaxKeys: query.maxKeys,
      ...optional('Delimiter', query.delimiter && encode(query.delimiter)),
      IsTruncated: listing.isTruncated,
      Contents: listing.objects.map((object) => ({
        Key: encode(object.key),
        LastModified: object.lastModified,
        ETag: object.etag,
        Size: object.size,
        Owner: OWNER,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: listing.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
      ...optional('EncodingType', EncodingType),
    }),
  );
};

const listObjectVersions: Operation = async (call, backend, response) => {
  const keyMarker = call.query.get('key-marker') ?? '';
  const versionIdMarker = call.query.get('version-id-marker') ?? '';
  if (versionIdMarker && !keyMarker) {
    throw new S3Error(
      'InvalidArgument',
      'A version-id marker cannot be specified without a key marker.',
      400,
      {
        ArgumentName: 'version-id-marker',
        ArgumentValue: versionIdMarker,
      },
    );
  }
  const { prefix, delimiter, maxKeys } = queryOf(call, '');
  const bucket = call.bucket ?? '';
  const page = await listVersions(backend, bucket, {
    prefix,
    delimiter,
    keyMarker,
    versionIdMarker,
    maxKeys,
  });
  if (!page) throw noSuchBucket(bucket);
  const { encode, EncodingType } = encoder(call);
  const entry = (version: ListedVersion) => ({
    Key: encode(version.key),
    VersionId: version.versionId,
    IsLatest: version.isLatest,
    LastModified: version.lastModified,
  });
  sendXml(
    response,
    xmlDocument('ListVersionsResult', {
      Name: bucket,
      Prefix: encode(prefix),
      KeyMarker: encode(keyMarker),
      VersionIdMarker: versionIdMarker,
      ...optional('NextKeyMarker', page.nextKeyMarker && encode(page.nextKeyMarker)),
      ...optional('NextVersionIdMarker', page.nextVersionIdMarker),
      MaxKeys: maxKeys,
      ...optional('Delimiter', delimiter && encode(delimiter)),
      IsTruncated: page.isTruncated,
      Version: page.versions
        .filter((version) => !version.deleteMarker)
        .map((version) => ({
          ...entry(version),
          ETag: version.etag,
          Size: version.size,
          Owner: OWNER,
          StorageClass: version.storageClass ?? 'STANDARD',
        })),
      DeleteMarker: page.versions
        .filter((version) => version.deleteMarker)
        .map((version) => ({ Owner: OWNER, ...entry(version) })),
      CommonPrefixes: page.commonPrefixes.map((common) => ({ Prefix: encode(common) })),
      ...optional('EncodingType', EncodingType),
    }),
  );
};

export const LIST_OPERATIONS: Record<string, Operation> = {
  ListObjectsV2: listObjectsV2,
  ListObjects: listObjects,
  ListObjectVersions: listObjectVersions,
};
