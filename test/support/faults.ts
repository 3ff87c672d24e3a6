import type { Fault, FaultRequest } from '../../src/local-cloud/edge/faults.js';

const path = '/_local-cloud/faults';

/** Makes the local cloud answer a service's requests with an error (see DEVELOPERS.md, "Fault switch"). */
export async function injectFault(endpoint: string, request: FaultRequest): Promise<Fault> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { fault?: Fault; message?: string };
  if (response.status !== 201 || !body.fault)
    throw new Error(body.message ?? `fault switch answered ${response.status}`);
  return body.fault;
}

/** The faults in force, with how many requests each has failed so far. */
export async function listFaults(endpoint: string): Promise<Fault[]> {
  const response = await fetch(`${endpoint}${path}`);
  return ((await response.json()) as { faults: Fault[] }).faults;
}

/** Ends every fault, or those on one service. */
export async function clearFaults(endpoint: string, service?: string): Promise<number> {
  const query = service ? `?service=${encodeURIComponent(service)}` : '';
  const response = await fetch(`${endpoint}${path}${query}`, { method: 'DELETE' });
  return ((await response.json()) as { cleared: number }).cleared;
}
