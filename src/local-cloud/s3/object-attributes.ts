// GetObjectAttributes: what S3 tells of an object version without its content, from the object's stored
// headers (a HEAD of the place the backend names for the version).
import { CHECKSUM_HEADERS, PARTS_COUNT_HEADER } from './backend-routes.js';
import { backendPath, header, type Operation } from './call.js';
import { S3Error } from './errors.js';
import { placeOf } from './object-operations.js';
import { sendXml, xmlDocument } from './xml.js';

const getObjectAttributes: Operation = async (call, backend, response) => {
  // SDKs join the names with "," or ", ". How S3 answers an unknown name is not known here: the local
  // cloud leaves it out.
  const wanted = new Set(
    (header(call, 'x-amz-object-attributes') ?? '').split(',').map((name) => name.trim()),
  );
  const place = await placeOf(call, backend, { method: 'GET' });
  const head = await backend.upstream.fetch('HEAD', backendPath(place.bucket, place.key));
  if (head.status !== 200) {
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: call.key ?? '' });
  }
  const stored = (name: string) => {
    const value = head.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const checksumName = CHECKSUM_HEADERS.find((name) => stored(name) !== undefined);
  const parts = stored(PARTS_COUNT_HEADER);
  const versionId = stored('x-amz-version-id');
  const attributes: Record<string, unknown> = {
    ...(wanted.has('ETag') ? { ETag: (stored('etag') ?? '').replace(/"/g, '') } : {}),
    ...(wanted.has('Checksum') && checksumName
      ? {
          Checksum: {
            [`Checksum${checksumName.slice('x-amz-checksum-'.length).toUpperCase()}`]: stored(checksumName),
            ChecksumType: 'FULL_OBJECT',
          },
        }
      : {}),
    // Only TotalPartsCount: S3 lists the parts themselves for uploads with per-part (COMPOSITE)
    // checksums, which the local cloud does not keep.
    ...(wanted.has('ObjectParts') && parts ? { ObjectParts: { PartsCount: Number(parts) } } : {}),
    ...(wanted.has('StorageClass') ? { StorageClass: stored('x-amz-storage-class') ?? 'STANDARD' } : {}),
    ...(wanted.has('ObjectSize') ? { ObjectSize: Number(stored('content-length') ?? 0) } : {}),
  };
  sendXml(response, xmlDocument('GetObjectAttributesResponse', attributes), 200, {
    'Last-Modified': stored('last-modified') ?? new Date().toUTCString(),
    ...(versionId !== undefined ? { 'x-amz-version-id': versionId } : {}),
  });
};

export const ATTRIBUTE_OPERATIONS = { GetObjectAttributes: getObjectAttributes };
