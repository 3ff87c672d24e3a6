// The edge's HTTP client for the S3 backend process (s3rver): requests go path-style, without the
// client's credentials, with the body already decoded.
import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class Upstream {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  /** Sends a request and resolves with the response as it starts (for streaming it on). */
  open(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: { ...headers, 'content-length': String(body?.length ?? 0) },
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** Sends a request and reads the whole response. */
  async fetch(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<UpstreamResponse> {
    const response = await this.open(method, path, headers, body);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) };
  }

  async json<T>(method: string, path: string): Promise<{ status: number; body: T }> {
    const response = await this.fetch(method, path);
    return { status: response.status, body: JSON.parse(response.body.toString('utf8')) as T };
  }

  destroy(): void {
    this.agent.destroy();
  }
}
