// The reset switch over HTTP, on the edge: `POST /_local-cloud/reset` empties every service (streams,
// buckets, functions, delivery streams, stacks, roles, log groups, metrics) and ends every fault, then answers,
// so a test run can reuse one local cloud. Unsigned like the fault switch (127.0.0.1 only), JSON only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from '../protocol/common.js';
import { resetServices } from '../reset.js';
import type { Service } from '../service.js';
import type { FaultSwitch } from './faults.js';
import type { ServiceReadiness } from './readiness.js';

export const RESET_PATH = '/_local-cloud/reset';

export type ResetHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export function resetHandler(
  services: ReadonlyMap<string, Service>,
  faults: FaultSwitch,
  readiness: ServiceReadiness,
  log: (message: string) => void,
): ResetHandler {
  // One reset at a time: a second request waits for the first, then empties again.
  let running: Promise<unknown> = Promise.resolve();
  const reset = async () => {
    const started = Date.now();
    const faultsCleared = faults.clear();
    // A request reaching a service while it starts over waits for it, as while the local cloud starts.
    const names = await resetServices(services.values(), {
      resetting: (name) => readiness.restarting(name),
      done: (name) => readiness.started(name),
      failed: (error) => readiness.failed(error),
    });
    log(`reset: ${names.join(', ')} emptied, ${faultsCleared} fault(s) ended, in ${Date.now() - started} ms`);
    return { reset: names, faultsCleared, durationMs: Date.now() - started };
  };
  const json = (response: ServerResponse, status: number, body: unknown, headers = {}) =>
    send(response, status, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });

  return async (request, response) => {
    if (request.method !== 'POST') {
      return json(response, 405, { message: 'use POST to empty the local cloud' }, { Allow: 'POST' });
    }
    // JSON only: a web page cannot send JSON to 127.0.0.1 without a CORS preflight, never granted here.
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return json(response, 415, { message: 'send the reset as Content-Type: application/json' });
    }
    const done = running.then(reset);
    running = done.catch(() => undefined);
    try {
      json(response, 200, await done);
    } catch (error) {
      log(`reset failed: ${(error as Error)?.stack ?? error}`);
      json(response, 500, {
        message: `the reset failed: ${(error as Error)?.message ?? error}; stop and start the local cloud`,
      });
    }
  };
}
