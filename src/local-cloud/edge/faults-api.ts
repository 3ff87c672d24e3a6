// The fault switch over HTTP, on the edge: POST adds a fault, GET lists those in force, DELETE ends
// them (`?service=s3` for one service's). JSON in and out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from '../protocol/common.js';
import { FaultInputError, type FaultSwitch, parseFaultRequest } from './faults.js';

interface Answer {
  status: number;
  body: unknown;
}

function describe(fault: ReturnType<FaultSwitch['add']>): string {
  const until = fault.until !== undefined ? ` until ${new Date(fault.until).toISOString()}` : '';
  const count = fault.remaining !== undefined ? ` for ${fault.remaining} requests` : '';
  return `${fault.service} answers ${fault.errorCode} (${fault.status}) at rate ${fault.rate}${until}${count}`;
}

function answer(
  request: IncomingMessage,
  body: Buffer,
  url: URL,
  faults: FaultSwitch,
  services: readonly string[],
  log: (message: string) => void,
): Answer {
  switch (request.method) {
    case 'GET':
      return { status: 200, body: { faults: faults.list() } };
    case 'POST': {
      // JSON only: a web page cannot send JSON to 127.0.0.1 without a CORS preflight, never granted here.
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return { status: 415, body: { message: 'send the fault as Content-Type: application/json' } };
      }
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || 'null');
      } catch {
        return { status: 400, body: { message: 'cannot add the fault: the body is not JSON' } };
      }
      try {
        const fault = faults.add(parseFaultRequest(input, services));
        log(`fault switch: ${describe(fault)}`);
        return { status: 201, body: { fault } };
      } catch (error) {
        if (!(error instanceof FaultInputError)) throw error;
        return { status: 400, body: { message: `cannot add the fault: ${error.message}` } };
      }
    }
    case 'DELETE': {
      const service = url.searchParams.get('service') ?? undefined;
      const cleared = faults.clear(service);
      log(`fault switch: ${cleared} fault(s) ended${service ? ` on ${service}` : ''}`);
      return { status: 200, body: { cleared } };
    }
    default:
      return { status: 405, body: { message: 'use GET, POST or DELETE' } };
  }
}

export function handleFaultsRequest(
  request: IncomingMessage,
  body: Buffer,
  url: URL,
  response: ServerResponse,
  faults: FaultSwitch,
  services: readonly string[],
  log: (message: string) => void,
): void {
  const { status, body: result } = answer(request, body, url, faults, services, log);
  send(response, status, JSON.stringify(result), { 'Content-Type': 'application/json' });
}
