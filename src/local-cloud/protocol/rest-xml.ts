// REST-XML (S3): errors as an <Error> document.
import type { ServerResponse } from 'node:http';
import { requestId, type ServiceError, send } from './common.js';
import { escapeXml } from './query.js';

export function sendRestXmlError(response: ServerResponse, error: ServiceError, resource = ''): void {
  const id = requestId();
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message><Resource>${escapeXml(resource)}</Resource>` +
    `<RequestId>${id}</RequestId></Error>`;
  send(response, error.status, xml, { 'Content-Type': 'application/xml', 'x-amz-request-id': id }, id);
}
