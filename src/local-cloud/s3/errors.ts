// S3's errors: a code, a message, an HTTP status, and sometimes detail elements (BucketName, Key, ...)
// that S3 adds to its <Error> document.
import { ServiceError } from '../protocol/common.js';

export class S3Error extends ServiceError {
  constructor(
    code: string,
    message: string,
    status = 400,
    readonly details: Record<string, string> = {},
    /** Response headers S3 sends with this error (x-amz-delete-marker, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

export const malformedXml = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** A version id S3 never issued, or one other than "null" on a bucket never versioned. */
export const invalidVersionId = (versionId?: string) =>
  new S3Error(
    'InvalidArgument',
    'Invalid version id specified',
    400,
    versionId === undefined ? {} : { ArgumentName: 'versionId', ArgumentValue: versionId },
  );

export const notImplemented = (what: string, instead: string) =>
  new S3Error('NotImplemented', `The local cloud's S3 does not implement ${what}: ${instead}`, 501);

export const noSuchKey = (key: string, headers: Record<string, string> = {}) =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }, headers);

export const noSuchVersion = (key: string, versionId: string) =>
  new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, {
    Key: key,
    VersionId: versionId,
  });

export const noSuchUpload = (uploadId: string) =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId },
  );

/** What S3 sends about a delete marker: that it is one, its version id and when it was made. */
export function deleteMarkerHeaders(marker: {
  versionId: string;
  lastModified: string;
}): Record<string, string> {
  return {
    'x-amz-delete-marker': 'true',
    'x-amz-version-id': marker.versionId,
    'last-modified': new Date(marker.lastModified).toUTCString(),
  };
}

/** S3's 405 for a delete marker named by version id, or the latest one for an object subresource. */
export function deleteMarkerMethodNotAllowed(
  method: string,
  marker: { versionId: string; lastModified: string },
) {
  return new S3Error(
    'MethodNotAllowed',
    'The specified method is not allowed against this resource.',
    405,
    { Method: method, ResourceType: 'DeleteMarker' },
    deleteMarkerHeaders(marker),
  );
}
