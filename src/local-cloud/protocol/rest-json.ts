// REST-JSON (Lambda): the operation is in the method and path; errors name their type in a header.
import type { ServerResponse } from 'node:http';
import { type ServiceError, send } from './common.js';

export function sendRestJson(
  response: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  send(response, status, body === undefined ? '' : JSON.stringify(body), {
    'Content-Type': 'application/json',
    ...headers,
  });
}

export function sendRestJsonError(response: ServerResponse, error: ServiceError): void {
  send(
    response,
    error.status,
    JSON.stringify({ Type: error.type === 'Sender' ? 'User' : 'Service', message: error.message }),
    {
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': error.code,
    },
  );
}
