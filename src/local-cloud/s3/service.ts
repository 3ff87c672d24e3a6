// S3 on the local cloud: s3rver in a child process (backend-main.ts) behind the edge, which makes any
// client work against it (any credentials, path- or virtual-host-style, presigned URLs, aws-chunked
// bodies, checksums) and answers what s3rver lacks (bucket configurations, regions, versions listing,
// S3's errors). Persistence: objects in <data dir>/s3/objects, bucket settings in <data dir>/s3/buckets.json.
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, startBackend } from '../backend.js';
import { ServiceError } from '../protocol/common.js';
import { sendRestXmlError } from '../protocol/rest-xml.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { s3Address } from './addressing.js';
import { authorize } from './authorization.js';
import { decodeBody } from './aws-chunked.js';
import { BUCKET_OPERATIONS } from './bucket-operations.js';
import { BucketStore } from './bucket-store.js';
import { header, type Operation, type S3Backend, type S3Call } from './call.js';
import { verifyPayload } from './checksums.js';
import { S3Error } from './errors.js';
import { LIST_OPERATIONS } from './listings.js';
import { MULTIPART_OPERATIONS } from './multipart-operations.js';
import { assertBucketName, assertObjectKey } from './names.js';
import { ATTRIBUTE_OPERATIONS } from './object-attributes.js';
import { forward, OBJECT_OPERATIONS, parseCopySource } from './object-operations.js';
import { s3Operation } from './operations.js';
import { assertPresignedUrlValid, withoutPresignedAuth } from './presigned.js';
import { Upstream } from './upstream.js';

const OPERATIONS: Record<string, Operation> = {
  ...BUCKET_OPERATIONS,
  ...LIST_OPERATIONS,
  ...OBJECT_OPERATIONS,
  ...MULTIPART_OPERATIONS,
  ...ATTRIBUTE_OPERATIONS,
};

function backendScript(): string {
  return fileURLToPath(new URL('./backend-main.js', import.meta.url));
}

/** The request as an S3 call: addressed, authenticated away, decoded and verified. */
async function s3Call(request: EdgeRequest): Promise<S3Call> {
  const host = request.headers.host;
  const address = s3Address(Array.isArray(host) ? host[0] : host, request.rawUrl);
  const query = withoutPresignedAuth(request.url.searchParams);
  const operation = s3Operation({
    method: request.method,
    ...(address.bucket !== undefined ? { bucket: address.bucket } : {}),
    ...(address.key !== undefined ? { key: address.key } : {}),
    query,
    copy: request.headers['x-amz-copy-source'] !== undefined,
  });
  const resource =
    address.bucket === undefined
      ? '/'
      : `/${address.bucket}${address.key === undefined ? '' : `/${address.key}`}`;
  if (!operation) {
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
      Method: request.method,
      ResourceType:
        address.key === undefined ? (address.bucket === undefined ? 'SERVICE' : 'BUCKET') : 'OBJECT',
    });
  }
  assertPresignedUrlValid(request.url.searchParams);
  if (address.bucket !== undefined) assertBucketName(address.bucket);
  if (address.key !== undefined) assertObjectKey(address.key);
  const { payload, trailers } = decodeBody(request.headers, request.body);
  const checksum = await verifyPayload(request.headers, trailers, payload);
  return {
    request,
    operation,
    ...(address.bucket !== undefined ? { bucket: address.bucket } : {}),
    ...(address.key !== undefined ? { key: address.key } : {}),
    query,
    payload,
    ...(checksum ? { checksum } : {}),
    resource,
  };
}

function sendS3Error(response: ServerResponse, error: ServiceError, resource = ''): void {
  if (error instanceof S3Error) sendRestXmlError(response, error, resource, error.details, error.headers);
  else sendRestXmlError(response, error, resource);
}

export function createS3Service(): Service {
  let backend: (S3Backend & { process: Backend }) | undefined;
  let serviceContext: ServiceContext | undefined;
  return {
    name: 's3',
    async start(context: ServiceContext) {
      serviceContext = context;
      const child = await startBackend(
        's3',
        backendScript(),
        [join(context.dataDir, 'objects'), join(context.dataDir, 'tmp')],
        context.log,
        // s3rver's own ListObjectsV2 continuation tokens use DES, which OpenSSL 3 keeps in its legacy
        // provider. The edge builds listings itself, but s3rver's routes stay reachable through it.
        ['--openssl-legacy-provider'],
      );
      backend = {
        process: child,
        upstream: new Upstream(child.url),
        buckets: new BucketStore(context.dataDir, context.options.region),
        log: context.log,
      };
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      if (!backend) throw new ServiceError('ServiceUnavailable', 'S3 is starting', 503);
      let resource = '';
      try {
        const call = await s3Call(request);
        resource = call.resource;
        const copySource = header(call, 'x-amz-copy-source');
        authorize(call, backend, copySource === undefined ? undefined : parseCopySource(copySource));
        await (OPERATIONS[call.operation] ?? forward)(call, backend, response);
      } catch (error) {
        if (response.headersSent) throw error;
        if (error instanceof ServiceError) return sendS3Error(response, error, resource);
        backend.log(`s3: ${request.method} ${request.rawUrl}: ${(error as Error)?.stack ?? error}`);
        sendS3Error(
          response,
          new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
          resource,
        );
      }
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendS3Error(response, error);
    },
    async stop() {
      backend?.upstream.destroy();
      await backend?.process.stop();
      backend = undefined;
    },
    // The backend restarted on an empty store: buckets, objects, uploads and bucket settings gone.
    reset() {
      return startOver(this, serviceContext);
    },
  };
}
