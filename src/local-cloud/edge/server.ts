// The edge: one HTTP server on 127.0.0.1 that reads each request, finds the service named in its SigV4
// scope and hands it over. Services answer in their own protocol; the edge only answers for requests it
// cannot route.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError, send } from '../protocol/common.js';
import { sendJsonError } from '../protocol/json.js';
import { sendQueryError } from '../protocol/query.js';
import { sendRestXmlError } from '../protocol/rest-xml.js';
import type { EdgeRequest, Service } from '../service.js';
import { FAULTS_PATH, FaultSwitch } from './faults.js';
import { handleFaultsRequest } from './faults-api.js';
import { ServiceReadiness } from './readiness.js';
import { RESET_PATH, resetHandler } from './reset-api.js';
import { signingScope } from './signature.js';

/** X-Amz-Target prefixes, for unsigned JSON requests (some tools skip signing against local endpoints). */
const TARGET_PREFIXES: Record<string, string> = {
  Kinesis_20131202: 'kinesis',
  Firehose_20150804: 'firehose',
  Logs_20140328: 'logs',
};

export const HEALTH_PATH = '/_local-cloud/health';

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function serviceFromTarget(target: unknown): string | undefined {
  if (typeof target !== 'string') return undefined;
  return TARGET_PREFIXES[target.split('.')[0] ?? ''];
}

/** An error for a request no service takes, shaped by what the client evidently speaks. */
function sendUnroutable(request: IncomingMessage, response: ServerResponse, error: ServiceError): void {
  const contentType = String(request.headers['content-type'] ?? '');
  if (contentType.includes('x-amz-json')) sendJsonError(response, error);
  else if (contentType.includes('x-www-form-urlencoded'))
    sendQueryError(response, error, 'https://local-cloud/doc/');
  else sendRestXmlError(response, error);
}

export interface Edge {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export interface EdgeOptions {
  faults?: FaultSwitch;
  /** Which services have started (default: all of them). */
  readiness?: ServiceReadiness;
}

export async function startEdge(
  services: ReadonlyMap<string, Service>,
  port: number,
  defaultRegion: string,
  log: (message: string) => void,
  { faults = new FaultSwitch(), readiness = ServiceReadiness.allStarted() }: EdgeOptions = {},
): Promise<Edge> {
  const reset = resetHandler(services, faults, readiness, log);
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === HEALTH_PATH) {
      // 200 only when every service answers; 503 (with what is still starting) before, and once stopping.
      const state = readiness.state();
      send(
        response,
        state.status === 'ok' ? 200 : 503,
        JSON.stringify({ ...state, services: [...services.keys()] }),
        { 'Content-Type': 'application/json' },
      );
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      response.destroy();
      return;
    }
    const scope = signingScope(request.headers, url);
    // The fault switch takes unsigned requests only: a signed one on that path is S3's (a key in a
    // virtual-host-style bucket).
    if (url.pathname === FAULTS_PATH && !scope) {
      handleFaultsRequest(request, body, url, response, faults, [...services.keys()], log);
      return;
    }
    if (url.pathname === RESET_PATH && !scope) {
      await reset(request, response);
      return;
    }
    const name = scope?.service ?? serviceFromTarget(request.headers['x-amz-target']);
    const service = name ? services.get(name) : undefined;
    if (!service) {
      const error = name
        ? new ServiceError(
            'UnknownService',
            `The local cloud does not provide the "${name}" service. It provides: ${[...services.keys()].join(', ')}.`,
          )
        : new ServiceError(
            'MissingAuthenticationToken',
            'Missing Authentication Token: the request is not signed with SigV4.',
            403,
          );
      sendUnroutable(request, response, error);
      return;
    }
    const starting = readiness.whenStarted(service.name);
    if (starting) {
      try {
        await starting;
      } catch (error) {
        service.sendError(
          response,
          new ServiceError(
            'ServiceUnavailable',
            `The local cloud failed to start: ${(error as Error).message}`,
            503,
          ),
        );
        return;
      }
    }
    const fault = faults.take(service.name);
    if (fault) {
      service.sendError(response, fault);
      return;
    }
    const edgeRequest: EdgeRequest = {
      method: request.method ?? 'GET',
      rawUrl: request.url ?? '/',
      url,
      headers: request.headers,
      body,
      service: service.name,
      region: scope?.region ?? defaultRegion,
      sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    };
    try {
      await service.handle(edgeRequest, response);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError(
              'InternalFailure',
              `The ${service.name} service failed: ${(error as Error)?.message ?? error}`,
              500,
            );
      if (!(error instanceof ServiceError)) log(`${service.name}: ${(error as Error)?.stack ?? error}`);
      if (response.headersSent) response.destroy();
      else service.sendError(response, serviceError);
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
