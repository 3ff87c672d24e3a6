// The S3 backend process: s3rver's HTTP API over the fixed store (store.ts), plus the routes the edge
// needs that s3rver lacks: listings in S3's order, writes under conditions and versions, multipart
// completion, deletes and reads of versions (object-store.ts). Only the edge talks to it, path-style and
// without credentials.
// Arguments: <objects dir> <temp dir> (the temp dir on the same filesystem, outside the objects dir, so a
// finished object is renamed into place and a temp file is never listed as a bucket).
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object.js';
import { reportReady } from '../backend.js';
import {
  BACKEND_ROUTES,
  type BackendListQuery,
  type BackendVersionQuery,
  errorBody,
  STORED_HEADERS,
  WRITE_CONTEXT_HEADER,
} from './backend-routes.js';
import { noSuchBucket, S3Error } from './errors.js';
import { type CompletedPart, type CopyRequest, ObjectStore, type WriteContext } from './object-store.js';
import { LocalStore, objectMetadata } from './store.js';

const [objectsDir, tempDir] = process.argv.slice(2);
if (!objectsDir || !tempDir) {
  process.stderr.write('usage: backend-main <objects dir> <temp dir>\n');
  process.exit(2);
}
mkdirSync(objectsDir, { recursive: true, mode: 0o700 });
mkdirSync(tempDir, { recursive: true, mode: 0o700 });

// s3rver keeps only the headers it knows as object metadata; the checksum a client sent and the
// encryption the edge applied belong to the object too, and come back on GET and HEAD.
S3Object.ALLOWED_METADATA.push(...STORED_HEADERS);

const s3rver = new S3rver({ directory: objectsDir, silent: true, vhostBuckets: false });
const store = new LocalStore(objectsDir, tempDir);
s3rver.store = store;
s3rver.context.store = store;
const s3rverHandler = s3rver.callback();
const objects = new ObjectStore(store);

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

async function readJson<T>(request: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The stored headers of a PUT: what the edge sent, less the transfer's and the local cloud's own. */
function storedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** S3's checks of the stored headers (the storage class), as s3rver's object model makes them. */
function checkedMetadata(headers: Record<string, string>): Record<string, unknown> {
  new S3Object('', '', null, headers);
  return objectMetadata(headers);
}

async function internal(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const query = url.searchParams;
  const bucket = query.get('bucket') ?? '';
  const key = query.get('key') ?? '';
  const route = url.pathname;
  const objectRoutes: string[] = [
    BACKEND_ROUTES.put,
    BACKEND_ROUTES.copy,
    BACKEND_ROUTES.complete,
    BACKEND_ROUTES.delete,
    BACKEND_ROUTES.read,
  ];
  if (objectRoutes.includes(route) && !(await store.getBucket(bucket))) throw noSuchBucket(bucket);
  if (route === BACKEND_ROUTES.list) {
    const listQuery = JSON.parse(query.get('query') ?? '{}') as BackendListQuery;
    if (!(await store.getBucket(bucket))) return sendJson(response, 404, { error: 'NoSuchBucket' });
    sendJson(response, 200, await store.list(bucket, listQuery));
  } else if (route === BACKEND_ROUTES.versions) {
    const versionQuery = JSON.parse(query.get('query') ?? '{}') as BackendVersionQuery;
    if (!(await store.getBucket(bucket))) return sendJson(response, 404, { error: 'NoSuchBucket' });
    sendJson(response, 200, await objects.listVersions(bucket, versionQuery));
  } else if (route === BACKEND_ROUTES.upload) {
    const exists = await store.uploadExists(bucket, query.get('uploadId') ?? '');
    sendJson(response, exists ? 200 : 404, { exists });
  } else if (route === BACKEND_ROUTES.abortUpload && request.method === 'POST') {
    const aborted = await store.abortUpload(bucket, query.get('uploadId') ?? '');
    sendJson(response, aborted ? 200 : 404, { aborted });
  } else if (route === BACKEND_ROUTES.put && request.method === 'PUT') {
    const encoded = headerOf(request, WRITE_CONTEXT_HEADER) ?? '';
    const context = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8') || '{}') as WriteContext;
    const metadata = checkedMetadata(storedHeaders(request));
    const staged = await store.stage(request);
    try {
      sendJson(response, 200, await objects.write(bucket, key, staged, metadata, context));
    } finally {
      await store.discard(staged);
    }
  } else if (route === BACKEND_ROUTES.copy && request.method === 'POST') {
    const copy = await readJson<CopyRequest>(request);
    if (!(await store.getBucket(copy.source.bucket))) throw noSuchBucket(copy.source.bucket);
    if (copy.metadata) checkedMetadata(copy.metadata);
    sendJson(response, 200, await objects.copy(bucket, key, copy));
  } else if (route === BACKEND_ROUTES.complete && request.method === 'POST') {
    const { parts, context, set } = await readJson<{
      parts: CompletedPart[];
      context: WriteContext;
      set: Record<string, string>;
    }>(request);
    sendJson(
      response,
      200,
      await objects.complete(bucket, key, query.get('uploadId') ?? '', parts, context, set),
    );
  } else if (route === BACKEND_ROUTES.delete && request.method === 'POST') {
    const deletion = await readJson<Parameters<ObjectStore['delete']>[2]>(request);
    sendJson(response, 200, await objects.delete(bucket, key, deletion));
  } else if (route === BACKEND_ROUTES.read) {
    const range = headerOf(request, 'range');
    const versionId = query.get('versionId');
    const partNumber = query.get('partNumber');
    sendJson(
      response,
      200,
      await objects.readPlan(bucket, key, {
        method: query.get('method') ?? 'GET',
        subresource: query.get('subresource') === 'true',
        ...(versionId !== null ? { versionId } : {}),
        ...(partNumber !== null ? { partNumber } : {}),
        ...(range !== undefined ? { range } : {}),
      }),
    );
  } else {
    sendJson(response, 404, { error: 'NoSuchRoute' });
  }
}

/** s3rver's model errors (an invalid storage class) carry S3's code, message and status. */
function asS3Error(error: unknown): S3Error | undefined {
  if (error instanceof S3Error) return error;
  const modelError = error as { code?: unknown; status?: unknown; detail?: Record<string, string> };
  if (
    typeof modelError?.code === 'string' &&
    typeof modelError.status === 'number' &&
    modelError.status < 500
  ) {
    return new S3Error(modelError.code, (error as Error).message, modelError.status, modelError.detail ?? {});
  }
  return undefined;
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (!url.pathname.startsWith(BACKEND_ROUTES.prefix)) return s3rverHandler(request, response);
  internal(request, response, url).catch((error: Error) => {
    const s3Error = asS3Error(error);
    if (response.headersSent) return response.destroy();
    if (s3Error) return sendJson(response, s3Error.status, errorBody(s3Error));
    process.stderr.write(`internal route ${url.pathname}: ${error.stack ?? error.message}\n`);
    sendJson(response, 500, { error: error.message });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  reportReady((server.address() as AddressInfo).port, () => {
    server.close();
    server.closeAllConnections();
  });
});
