import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Clients } from '../config/clients.js';
import type { MetricStore } from './cloudwatch/metrics.js';
import type { LocalCloudOptions } from './options.js';
import type { ServiceError } from './protocol/common.js';

/** One request as the edge hands it to a service: body read, signing scope parsed. */
export interface EdgeRequest {
  method: string;
  /** Path and query as received (for proxying). */
  rawUrl: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The service name from the SigV4 credential scope. */
  service: string;
  /** The region from the SigV4 credential scope. */
  region: string;
  /** The client's address (IPv4-mapped IPv6 given as IPv4), for policies' aws:SourceIp. */
  sourceIp: string;
}

export interface ServiceContext {
  readonly options: LocalCloudOptions;
  /** This local cloud's own endpoint: services call each other through it, over HTTP, as AWS services do. */
  readonly endpoint: string;
  /** SDK clients aimed at this local cloud. */
  readonly clients: Clients;
  /** The service's own folder in the data dir (created). */
  readonly dataDir: string;
  /** Diagnostic log (the local cloud's log file, never the user's terminal). */
  log(message: string): void;
  /**
   * CloudWatch's metric store: services publish their AWS/* metrics to it as AWS services do (inside the
   * cloud, not through PutMetricData); the monitoring service answers queries from it.
   */
  readonly metrics: MetricStore;
}

/** A service of the local cloud, addressed by its SigV4 signing name. */
export interface Service {
  /** SigV4 signing name, e.g. `kinesis`, `s3`, `lambda`. */
  readonly name: string;
  /** Called once the edge listens, before the ready line; may start child processes or workers. */
  start?(context: ServiceContext): Promise<void>;
  handle(request: EdgeRequest, response: ServerResponse): Promise<void>;
  /** Answers with this service's protocol's error shape (JSON __type, query XML, S3 XML, REST-JSON). */
  sendError(response: ServerResponse, error: ServiceError): void;
  /** Stops workers and children; state already persisted stays. */
  stop?(): Promise<void>;
  /**
   * Empties every state the service holds (in memory, in its data dir, in its children) and leaves it
   * serving as if just started on an empty data dir; resolves once done. The edge's reset calls it
   * (`POST /_local-cloud/reset`). Every state a service adds must be cleared here (`startOver` in
   * reset.ts does it for state created by start() from the data dir).
   */
  reset?(): Promise<void>;
}
