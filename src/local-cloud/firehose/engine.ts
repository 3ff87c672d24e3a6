// Runs a delivery worker per ACTIVE delivery stream, with its state (checkpoints, DirectPut spool) in its
// own folder of the service's data dir, so a restart with the same data dir resumes where delivery stopped.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clients, createClients } from '../../config/clients.js';
import type { ServiceContext } from '../service.js';
import { JsonState } from '../state.js';
import type { DeliveryEngine } from './api.js';
import { DeliveryMetrics } from './metrics.js';
import { RolePermissions } from './permissions.js';
import { DirectPutSpool } from './spool.js';
import type { StoredDeliveryStream } from './store.js';
import { type CheckpointState, DeliveryWorker } from './worker.js';

interface Running {
  arn: string;
  worker: DeliveryWorker;
  spool?: DirectPutSpool;
}

export class WorkerEngine implements DeliveryEngine {
  private readonly running = new Map<string, Running>();
  private readonly clients = new Map<string, Clients>();
  private readonly permissions = new Map<string, RolePermissions>();

  constructor(private readonly context: ServiceContext) {}

  private folder(stream: StoredDeliveryStream): string {
    return join(this.context.dataDir, 'streams', stream.region, stream.name);
  }

  /** Clients for a region, without SDK retries: the worker retries as Firehose does and counts attempts. */
  private clientsFor(region: string): Clients {
    let clients = this.clients.get(region);
    if (!clients) {
      clients = createClients({
        region,
        endpoint: this.context.endpoint,
        credentials: this.context.clients.sts.config.credentials,
        maxAttempts: 1,
      });
      this.clients.set(region, clients);
    }
    return clients;
  }

  /** One reader of roles a region: its cache serves every delivery stream there. */
  private permissionsFor(region: string): RolePermissions {
    let permissions = this.permissions.get(region);
    if (!permissions) {
      permissions = new RolePermissions(this.clientsFor(region).iam);
      this.permissions.set(region, permissions);
    }
    return permissions;
  }

  activate(stream: StoredDeliveryStream): void {
    const key = `${stream.region}/${stream.name}`;
    const current = this.running.get(key);
    if (current && current.arn === stream.arn) {
      current.worker.reconfigure(stream);
      return;
    }
    const folder = this.folder(stream);
    const checkpointPath = join(folder, 'checkpoints.json');
    let spool: DirectPutSpool | undefined;
    if (stream.type === 'DirectPut') {
      const settled = new JsonState<CheckpointState>(checkpointPath, { shards: {}, directPut: 0 }).get()
        .directPut;
      spool = new DirectPutSpool(join(folder, 'direct-put.jsonl'), settled);
    }
    const worker = new DeliveryWorker(stream, {
      clients: this.clientsFor(stream.region),
      checkpointPath,
      ...(spool ? { spool } : {}),
      pollMs: this.context.options.firehosePollMs,
      metrics: this.context.metrics,
      permissions: this.permissionsFor(stream.region),
      log: this.context.log,
    });
    this.running.set(key, { arn: stream.arn, worker, ...(spool ? { spool } : {}) });
    worker.start();
  }

  async remove(stream: StoredDeliveryStream): Promise<void> {
    const key = `${stream.region}/${stream.name}`;
    const current = this.running.get(key);
    if (current && current.arn === stream.arn) {
      this.running.delete(key);
      await current.worker.stop();
    }
    await rm(this.folder(stream), { recursive: true, force: true });
  }

  async accept(
    stream: StoredDeliveryStream,
    records: Array<{ recordId: string; data: Buffer }>,
  ): Promise<void> {
    const current = this.running.get(`${stream.region}/${stream.name}`);
    if (!current?.spool) throw new Error(`no DirectPut spool for ${stream.name}`);
    await current.spool.append(records);
    new DeliveryMetrics(this.context.metrics, stream.name).incoming(
      records.length,
      records.reduce((sum, r) => sum + r.data.length, 0),
      'direct-put',
    );
    current.worker.notify();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.worker.stop()));
    this.running.clear();
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
  }
}
