// Multipart uploads: started and fed by s3rver, completed by the backend as S3 completes them (parts
// checked, the multipart ETag, conditions and versions as any write, a repeated completion answered again).
import { storedContentEncoding } from './aws-chunked.js';
import * as backendApi from './backend-client.js';
import { BACKEND_ROUTES } from './backend-routes.js';
import { bucketExists } from './bucket-operations.js';
import { newVersionFor } from './bucket-store.js';
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
import { writeConditions } from './conditions.js';
import { malformedXml, noSuchBucket, noSuchUpload, S3Error } from './errors.js';
import { assertAclAllowed, encryptionHeaders, target } from './object-operations.js';
import type { CompletedPart } from './object-store.js';
import { children, parseXmlBody, sendXml, text, xmlDocument } from './xml.js';

async function assertUpload(call: S3Call, backend: S3Backend, bucket: string): Promise<string> {
  const uploadId = call.query.get('uploadId') ?? '';
  const search = new URLSearchParams({ bucket, uploadId });
  const { status } = await backend.upstream.fetch('GET', `${BACKEND_ROUTES.upload}?${search}`);
  if (status !== 200) throw noSuchUpload(uploadId);
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

function assertPartNumber(partNumber: string): void {
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
}

const uploadPart: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const partNumber = call.query.get('partNumber') ?? '';
  assertPartNumber(partNumber);
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  await assertUpload(call, backend, bucket);
  const stored = await backend.upstream.fetch(
    'PUT',
    backendPath(bucket, key, forwardedQuery(call)),
    {},
    call.payload,
  );
  const checksum = call.checksum ? { [checksumHeader(call.checksum.algorithm)]: call.checksum.value } : {};
  const etag = stored.headers.etag;
  sendS3(response, stored.status, stored.body, {
    ...(typeof etag === 'string' ? { ETag: etag } : {}),
    ...(stored.status === 200 ? checksum : {}),
  });
};

/** The parts a CompleteMultipartUpload names, in the order it names them. */
function completedParts(call: S3Call): CompletedPart[] {
  const document = parseXmlBody(call.payload, 'CompleteMultipartUpload');
  const parts = children(document, 'Part').map((part) => {
    const number = text(part, 'PartNumber');
    const etag = text(part, 'ETag');
    if (number === undefined || etag === undefined || !/^\d+$/.test(number.trim())) throw malformedXml();
    return { number: Number(number.trim()), etag: etag.trim() };
  });
  if (parts.length === 0) {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  }
  return parts;
}

const completeMultipartUpload: Operation = async (call, backend, response) => {
  const { bucket, key } = target(call);
  const uploadId = call.query.get('uploadId') ?? '';
  const conditions = writeConditions(header(call, 'if-match'), header(call, 'if-none-match'));
  const parts = completedParts(call);
  const settings = backend.buckets.get(bucket);
  const encryption = encryptionHeaders(call, settings);
  const versionId = newVersionFor(settings);
  const completed = await backendApi.completeUpload(backend, bucket, key, uploadId, {
    parts,
    set: {},
    context: { ...(versionId !== undefined ? { versionId } : {}), ...(conditions ? { conditions } : {}) },
  });
  const host = header(call, 'host') ?? '127.0.0.1';
  sendXml(
    response,
    xmlDocument('CompleteMultipartUploadResult', {
      Location: `http://${host}${backendPath(bucket, key)}`,
      Bucket: bucket,
      Key: key,
      ETag: completed.etag,
    }),
    200,
    {
      ...encryption,
      // A suspended bucket's "null" version goes unnamed, as for PutObject.
      ...(completed.versionId !== undefined && completed.versionId !== 'null'
        ? { 'x-amz-version-id': completed.versionId }
        : {}),
    },
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

export const MULTIPART_OPERATIONS: Record<string, Operation> = {
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
};
