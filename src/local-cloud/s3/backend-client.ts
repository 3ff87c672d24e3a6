// The edge's calls to the S3 backend's own routes (backend-routes.ts): JSON in and out, an S3 error
// answered by the backend thrown again here as the same S3Error.
import {
  BACKEND_ROUTES,
  type BackendErrorBody,
  errorFromBody,
  WRITE_CONTEXT_HEADER,
} from './backend-routes.js';
import type { S3Backend } from './call.js';
import type { WriteConditions } from './conditions.js';
import type { VersionListPage, VersionListQuery } from './listing.js';
import type {
  CompletedPart,
  CompletedUpload,
  CopyRequest,
  DeleteOutcome,
  ReadPlan,
  ReadRequest,
  WriteContext,
  Written,
} from './object-store.js';
import type { ListedVersion } from './versions.js';

async function call<T>(
  backend: S3Backend,
  method: string,
  route: string,
  search: Record<string, string | undefined>,
  options: { headers?: Record<string, string>; body?: Buffer; json?: unknown } = {},
): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) if (value !== undefined) query.set(name, value);
  const body = options.json !== undefined ? Buffer.from(JSON.stringify(options.json)) : options.body;
  const answer = await backend.upstream.fetch(method, `${route}?${query}`, options.headers ?? {}, body);
  const parsed = JSON.parse(answer.body.toString('utf8') || '{}') as unknown;
  if (answer.status === 200) return parsed as T;
  const error = (parsed as Partial<BackendErrorBody>).error;
  if (error && typeof error === 'object') throw errorFromBody(parsed as BackendErrorBody);
  throw new Error(`the S3 backend answered ${answer.status} on ${route}: ${answer.body.toString('utf8')}`);
}

export function putObject(
  backend: S3Backend,
  bucket: string,
  key: string,
  headers: Record<string, string>,
  payload: Buffer,
  context: WriteContext,
): Promise<Written> {
  return call(
    backend,
    'PUT',
    BACKEND_ROUTES.put,
    { bucket, key },
    {
      // Base64: the context carries tags, which may be any Unicode text, and header values may not.
      headers: {
        ...headers,
        [WRITE_CONTEXT_HEADER]: Buffer.from(JSON.stringify(context)).toString('base64'),
      },
      body: payload,
    },
  );
}

export function copyObject(
  backend: S3Backend,
  bucket: string,
  key: string,
  request: CopyRequest,
): Promise<Written & { sourceVersionId?: string }> {
  return call(backend, 'POST', BACKEND_ROUTES.copy, { bucket, key }, { json: request });
}

export function completeUpload(
  backend: S3Backend,
  bucket: string,
  key: string,
  uploadId: string,
  request: { parts: CompletedPart[]; context: WriteContext; set: Record<string, string> },
): Promise<CompletedUpload> {
  return call(backend, 'POST', BACKEND_ROUTES.complete, { bucket, key, uploadId }, { json: request });
}

export function deleteObject(
  backend: S3Backend,
  bucket: string,
  key: string,
  request: { versionId?: string; markerId?: string; conditions?: WriteConditions },
): Promise<DeleteOutcome> {
  return call(backend, 'POST', BACKEND_ROUTES.delete, { bucket, key }, { json: request });
}

export function readPlan(
  backend: S3Backend,
  bucket: string,
  key: string,
  request: ReadRequest,
): Promise<ReadPlan> {
  const { method, versionId, partNumber, range, subresource } = request;
  return call(
    backend,
    'GET',
    BACKEND_ROUTES.read,
    { bucket, key, method, versionId, partNumber, ...(subresource ? { subresource: 'true' } : {}) },
    range !== undefined ? { headers: { range } } : {},
  );
}

/** A page of ListObjectVersions; undefined when the bucket does not exist. */
export async function listVersions(
  backend: S3Backend,
  bucket: string,
  query: VersionListQuery,
): Promise<VersionListPage<ListedVersion> | undefined> {
  const search = new URLSearchParams({ bucket, query: JSON.stringify(query) });
  const { status, body } = await backend.upstream.json<VersionListPage<ListedVersion>>(
    'GET',
    `${BACKEND_ROUTES.versions}?${search}`,
  );
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`the S3 backend failed to list the versions of ${bucket} (${status})`);
  return body;
}
