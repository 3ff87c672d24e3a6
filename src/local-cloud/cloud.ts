// A running local cloud: the data dir, the edge and every service, started and stopped together.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '../config/clients.js';
import { MetricStore } from './cloudwatch/metrics.js';
import { claimDataDir, LocalCloudStartError } from './data-dir.js';
import { ServiceReadiness } from './edge/readiness.js';
import { startEdge } from './edge/server.js';
import type { LocalCloudOptions } from './options.js';
import type { Service } from './service.js';
import { createServices } from './services.js';

/** Any access key works; these identify the local cloud's own calls between its services in its log. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local-cloud', secretAccessKey: 'local-cloud' };

export interface RunningLocalCloud {
  readonly endpoint: string;
  readonly port: number;
  readonly logPath: string;
  stop(): Promise<void>;
}

export async function createLocalCloud(options: LocalCloudOptions): Promise<RunningLocalCloud> {
  const release = claimDataDir(options.dataDir);
  const logPath = join(options.dataDir, 'local-cloud.log');
  const logStream = createWriteStream(logPath, { flags: 'a', mode: 0o600 });
  const log = (message: string) => logStream.write(`${new Date().toISOString()} ${message}\n`);
  const without = new Set(options.without ?? []);
  const services = new Map<string, Service>(
    createServices()
      .filter((s) => !without.has(s.name))
      .map((s) => [s.name, s]),
  );
  // Ready (health 200, requests served) only once every service's start() has finished.
  const readiness = new ServiceReadiness(services.keys());
  let edge: Awaited<ReturnType<typeof startEdge>>;
  try {
    edge = await startEdge(services, options.port, options.region, log, { readiness });
  } catch (error) {
    release();
    logStream.end();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new LocalCloudStartError(
        `port ${options.port} on 127.0.0.1 is already in use: stop what uses it, or pass --port with another port (0 picks a free one)`,
      );
    }
    if (code === 'EACCES') {
      throw new LocalCloudStartError(
        `port ${options.port} needs privileges: pass --port 1024 or above (0 picks a free one)`,
      );
    }
    throw error;
  }
  const endpoint = `http://127.0.0.1:${edge.port}`;
  const clients = createClients({ region: options.region, endpoint, credentials: LOCAL_CREDENTIALS });
  const metrics = new MetricStore(join(options.dataDir, 'monitoring', 'metrics.json'), log);
  metrics.startFlushing();
  const started: Service[] = [];
  const stop = async () => {
    readiness.stop();
    for (const service of started.reverse()) {
      await service.stop?.().catch((error: Error) => log(`stopping ${service.name}: ${error.message}`));
    }
    metrics.stop();
    await edge.close();
    clients.destroy();
    release();
    await new Promise<void>((resolve) => logStream.end(resolve));
  };
  try {
    for (const service of services.values()) {
      const dataDir = join(options.dataDir, service.name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      await service.start?.({ options, endpoint, clients, dataDir, log, metrics });
      started.push(service);
      readiness.started(service.name);
    }
  } catch (error) {
    readiness.failed(error as Error);
    await stop();
    throw error;
  }
  log(`local cloud ready at ${endpoint} (services: ${[...services.keys()].join(', ')})`);
  return { endpoint, port: edge.port, logPath, stop };
}
