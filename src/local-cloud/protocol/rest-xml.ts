// REST-XML (S3): errors as an <Error> document.
import type { ServerResponse } from 'node:http';
import { requestId, type ServiceError, send } from './common.js';
import { escapeXml } from './query.js';

/**
 * `details` are the extra elements S3 adds for some errors (BucketName, Key, Condition, ...), `headers`
 * the response headers some carry (x-amz-delete-marker, ...).
 */
export function sendRestXmlError(
  response: ServerResponse,
  error: ServiceError,
  resource = '',
  details: Record<string, string> = {},
  headers: Record<string, string> = {},
): void {
  const id = requestId();
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message>${extra}<Resource>${escapeXml(resource)}</Resource>` +
    `<RequestId>${id}</RequestId></Error>`;
  send(
    response,
    error.status,
    xml,
    { ...headers, 'Content-Type': 'application/xml', 'x-amz-request-id': id },
    id,
  );
}
