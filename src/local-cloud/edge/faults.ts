// The runtime fault switch: for a while (or for a number of requests), the edge answers a service's
// requests with an error in that service's protocol, as AWS does when a service has a bad moment.
// Tests use it to check that what sits on top (Firehose's delivery, the pipeline's retries) rides
// it out. Local-cloud only: `POST /_local-cloud/faults` on the edge, which listens on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../protocol/common.js';

export const FAULTS_PATH = '/_local-cloud/faults';

/** What a client asks for. At least one of durationMs and count bounds the fault. */
export interface FaultRequest {
  /** The SigV4 signing name of the service to fail: `s3`, `kinesis`, `lambda`, ... */
  service: string;
  /** The error code the service answers with, e.g. `InternalError`, `ServiceUnavailable`, `SlowDown`. */
  errorCode: string;
  /** The HTTP status, 400-599. */
  status: number;
  message?: string;
  /** The share of the service's requests that fail, over 0 and up to 1 (default 1: all of them). */
  rate?: number;
  /** How long the fault lasts, from now. */
  durationMs?: number;
  /** How many requests fail before the fault ends. */
  count?: number;
}

export interface Fault {
  id: string;
  service: string;
  errorCode: string;
  status: number;
  message: string;
  rate: number;
  /** Epoch ms when the fault ends, if it lasts for a time. */
  until?: number;
  /** Requests still to fail, if it lasts for a count. */
  remaining?: number;
  /** Requests answered with the error so far. */
  injected: number;
}

export class FaultInputError extends Error {
  override name = 'FaultInputError';
}

function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FaultInputError(`${name} must be a positive number`);
  }
  return value;
}

/** A fault request as sent over HTTP (any JSON), checked field by field. */
export function parseFaultRequest(input: unknown, services: readonly string[]): FaultRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultInputError(
      'send a JSON object: {"service", "errorCode", "status", "rate"?, "durationMs"?, "count"?}',
    );
  }
  const body = input as Record<string, unknown>;
  const known = new Set(['service', 'errorCode', 'status', 'message', 'rate', 'durationMs', 'count']);
  const unknown = Object.keys(body).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new FaultInputError(`unknown field(s): ${unknown.join(', ')}`);
  if (typeof body.service !== 'string' || !services.includes(body.service)) {
    throw new FaultInputError(`service must be one of: ${services.join(', ')}`);
  }
  if (typeof body.errorCode !== 'string' || !/^[A-Za-z][A-Za-z0-9.]*$/.test(body.errorCode)) {
    throw new FaultInputError('errorCode must be an error code such as InternalError or ServiceUnavailable');
  }
  if (
    typeof body.status !== 'number' ||
    !Number.isInteger(body.status) ||
    body.status < 400 ||
    body.status > 599
  ) {
    throw new FaultInputError('status must be an HTTP error status, 400-599');
  }
  if (body.message !== undefined && typeof body.message !== 'string') {
    throw new FaultInputError('message must be a string');
  }
  const rate = positive(body.rate, 'rate');
  if (rate !== undefined && rate > 1) throw new FaultInputError('rate must be over 0 and at most 1');
  const durationMs = positive(body.durationMs, 'durationMs');
  const count = positive(body.count, 'count');
  if (count !== undefined && !Number.isInteger(count))
    throw new FaultInputError('count must be a whole number');
  if (durationMs === undefined && count === undefined) {
    throw new FaultInputError('give durationMs, count or both, so that the fault ends');
  }
  return {
    service: body.service,
    errorCode: body.errorCode,
    status: body.status,
    ...(body.message !== undefined ? { message: body.message as string } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}

export class FaultSwitch {
  private faults: Fault[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  add(request: FaultRequest): Fault {
    const fault: Fault = {
      id: randomUUID(),
      service: request.service,
      errorCode: request.errorCode,
      status: request.status,
      message:
        request.message ??
        `The local cloud's fault switch answers ${request.service} requests with ${request.errorCode} (${request.status}).`,
      rate: request.rate ?? 1,
      ...(request.durationMs !== undefined ? { until: this.now() + request.durationMs } : {}),
      ...(request.count !== undefined ? { remaining: request.count } : {}),
      injected: 0,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  /** The faults in force. */
  list(): Fault[] {
    this.prune();
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** Ends the faults on a service (all of them without one); returns how many ended. */
  clear(service?: string): number {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => service !== undefined && fault.service !== service);
    return before - this.faults.length;
  }

  /** The error to answer a request to this service with, when a fault in force picks it. */
  take(service: string): ServiceError | undefined {
    this.prune();
    const fault = this.faults.find((f) => f.service === service);
    if (!fault || this.random() >= fault.rate) return undefined;
    fault.injected++;
    if (fault.remaining !== undefined) fault.remaining--;
    return new ServiceError(fault.errorCode, fault.message, fault.status);
  }

  private prune(): void {
    const now = this.now();
    this.faults = this.faults.filter(
      (fault) =>
        (fault.until === undefined || now < fault.until) &&
        (fault.remaining === undefined || fault.remaining > 0),
    );
  }
}
