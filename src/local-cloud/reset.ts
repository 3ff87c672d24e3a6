// Emptying a running local cloud (the edge's `POST /_local-cloud/reset`), so a test run can reuse one
// instead of starting a new one. Each service empties itself (`Service.reset`); these are the shared parts.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Service, ServiceContext } from './service.js';

/** Removes everything inside `dir`, keeping the folder itself (and its mode). */
export async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

/**
 * The reset most services need: stop (children ended, writes finished), empty the data dir, start again
 * on nothing. A service that was never started has nothing to empty.
 */
export async function startOver(service: Service, context: ServiceContext | undefined): Promise<void> {
  if (!context) return;
  await service.stop?.();
  await emptyDir(context.dataDir);
  await service.start?.(context);
}

/** What the edge does while a service resets: hold its requests until it serves again. */
export interface ResetHooks {
  resetting(name: string): void;
  done(name: string): void;
  failed(error: Error): void;
}

/**
 * Resets every service, the last started first: what calls other services (CloudFormation provisioning,
 * Firehose delivering, Lambda shipping logs) is emptied before what it calls, so nothing lands in a
 * service after that service was emptied. Resolves with the services' names once all are done.
 */
export async function resetServices(services: Iterable<Service>, hooks?: ResetHooks): Promise<string[]> {
  const order = [...services].reverse();
  const cannot = order.filter((service) => !service.reset).map((service) => service.name);
  if (cannot.length > 0) throw new Error(`the ${cannot.join(', ')} service cannot be reset`);
  for (const service of order) {
    hooks?.resetting(service.name);
    try {
      await service.reset?.();
    } catch (error) {
      hooks?.failed(error as Error);
      throw error;
    }
    hooks?.done(service.name);
  }
  return order.map((service) => service.name).reverse();
}
