// AWS JSON 1.0/1.1 (Kinesis, Firehose, CloudWatch Logs): POST /, X-Amz-Target names the operation.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ServiceError, send } from './common.js';

export const JSON_11 = 'application/x-amz-json-1.1';

/** The operation named by `X-Amz-Target: <Prefix>.<Operation>`. */
export function jsonOperation(headers: IncomingHttpHeaders): string | undefined {
  const target = headers['x-amz-target'];
  if (typeof target !== 'string') return undefined;
  const dot = target.lastIndexOf('.');
  return dot < 0 ? undefined : target.slice(dot + 1);
}

/** The request body as an object; a body that is not a JSON object is the client's error. */
export function jsonInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return value as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, body: unknown, status = 200, contentType = JSON_11): void {
  send(response, status, JSON.stringify(body ?? {}), { 'Content-Type': contentType });
}

export function sendJsonError(response: ServerResponse, error: ServiceError, contentType = JSON_11): void {
  send(response, error.status, JSON.stringify({ __type: error.code, message: error.message }), {
    'Content-Type': contentType,
    'x-amzn-ErrorType': error.code,
  });
}
