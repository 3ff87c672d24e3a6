// The S3 backend process: s3rver's HTTP API over the fixed store (store.ts), plus the few internal routes
// the edge needs that s3rver lacks. Only the edge talks to it, path-style and without credentials.
// Arguments: <objects dir> <temp dir> (the temp dir on the same filesystem, outside the objects dir, so a
// finished object is renamed into place and a temp file is never listed as a bucket).
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object.js';
import { reportReady } from '../backend.js';
import { BACKEND_ROUTES, type BackendListQuery, STORED_HEADERS } from './backend-routes.js';
import { LocalStore } from './store.js';

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

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

async function internal(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const bucket = url.searchParams.get('bucket') ?? '';
  if (url.pathname === BACKEND_ROUTES.list) {
    const query = JSON.parse(url.searchParams.get('query') ?? '{}') as BackendListQuery;
    if (!(await store.getBucket(bucket))) return sendJson(response, 404, { error: 'NoSuchBucket' });
    sendJson(response, 200, await store.list(bucket, query));
  } else if (url.pathname === BACKEND_ROUTES.upload) {
    const exists = await store.uploadExists(bucket, url.searchParams.get('uploadId') ?? '');
    sendJson(response, exists ? 200 : 404, { exists });
  } else if (url.pathname === BACKEND_ROUTES.abortUpload && request.method === 'POST') {
    const aborted = await store.abortUpload(bucket, url.searchParams.get('uploadId') ?? '');
    sendJson(response, aborted ? 200 : 404, { aborted });
  } else {
    sendJson(response, 404, { error: 'NoSuchRoute' });
  }
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (!url.pathname.startsWith(BACKEND_ROUTES.prefix)) return s3rverHandler(request, response);
  internal(request, response, url).catch((error: Error) => {
    process.stderr.write(`internal route ${url.pathname}: ${error.stack ?? error.message}\n`);
    if (!response.headersSent) sendJson(response, 500, { error: error.message });
    else response.destroy();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  reportReady((server.address() as AddressInfo).port, () => {
    server.close();
    server.closeAllConnections();
  });
});
