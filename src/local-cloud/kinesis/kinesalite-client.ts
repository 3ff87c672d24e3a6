// Calls to one kinesalite child over pooled keep-alive sockets: raw (the edge passes bodies through
// untouched where it can) or as parsed JSON for the edge's own use.
import { Agent, request } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import { JSON_11 } from '../protocol/json.js';

export interface RawResponse {
  status: number;
  body: Buffer;
}

// kinesalite wants a SigV4-shaped request; it checks the shape only, so the caller's own credentials never
// need to travel past the edge.
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local-cloud/20130101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00';

export class KinesaliteClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private readonly host: string;
  private readonly port: number;

  constructor(url: string) {
    const parsed = new URL(url);
    this.host = parsed.hostname;
    this.port = Number(parsed.port);
  }

  send(operation: string, body: Buffer | string): Promise<RawResponse> {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.host,
          port: this.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: {
            'Content-Type': JSON_11,
            'Content-Length': payload.length,
            'X-Amz-Target': `Kinesis_20131202.${operation}`,
            'X-Amz-Date': '20130101T000000Z',
            Authorization: AUTHORIZATION,
          },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({ status: incoming.statusCode ?? 500, body: Buffer.concat(chunks) }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Calls an operation with a JSON input; kinesalite's errors come back as the ServiceError AWS would raise. */
  async call<T>(operation: string, input: unknown): Promise<T> {
    const response = await this.send(operation, JSON.stringify(input));
    const parsed = response.body.length ? JSON.parse(response.body.toString('utf8')) : {};
    if (response.status >= 400) throw errorOf(response.status, parsed);
    return parsed as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export function errorOf(
  status: number,
  body: { __type?: string; message?: string; Message?: string },
): ServiceError {
  return new ServiceError(body.__type ?? 'InternalFailure', body.message ?? body.Message ?? '', status);
}
