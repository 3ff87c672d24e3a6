import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function requestId(): string {
  return randomUUID();
}

/** Writes a complete response with the request id header every AWS protocol carries. */
export function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
  id = requestId(),
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, {
    'x-amzn-RequestId': id,
    'Content-Length': String(payload.length),
    ...headers,
  });
  response.end(payload);
}

/** An error a service raises to answer with its protocol's error shape. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Query protocol's Type: Sender (client's fault) or Receiver. */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}
