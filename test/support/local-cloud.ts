import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Clients, createClients } from '../../src/config/clients.js';
import {
  type LocalCloudHandle,
  type LocalCloudOptions,
  startLocalCloud,
} from '../../src/local-cloud/index.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTLOCAL', secretAccessKey: 'test-secret-local' };
export const TEST_REGION = 'us-east-1';

export function tempDir(prefix = 'kinesis-tui-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface LocalCloudFixture {
  cloud: LocalCloudHandle;
  clients: Clients;
  dataDir: string;
}

/** Starts a local cloud in a temp data dir, with SDK clients aimed at it. */
export async function startTestCloud(options: Partial<LocalCloudOptions> = {}): Promise<LocalCloudFixture> {
  const dataDir = options.dataDir ?? tempDir('local-cloud-');
  const cloud = await startLocalCloud({ ...options, dataDir });
  const clients = createClients({
    region: TEST_REGION,
    endpoint: cloud.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  return { cloud, clients, dataDir };
}

export async function stopTestCloud(
  fixture: LocalCloudFixture | undefined,
  { keepData = false } = {},
): Promise<void> {
  if (!fixture) return;
  fixture.clients.destroy();
  await fixture.cloud.stop();
  if (!keepData) rmSync(fixture.dataDir, { recursive: true, force: true });
}

/** The options the run's shared local clouds start with (shared-clouds.ts, the global setup). */
export const SHARED_CLOUD_OPTIONS = { firehosePollMs: 250 } satisfies Partial<LocalCloudOptions>;

/** A shared local cloud as the global setup hands it to the test files. */
export interface SharedCloud {
  endpoint: string;
  pid: number;
  logPath: string;
  dataDir: string;
}

/**
 * The shared cloud of this worker, when `options` ask for nothing it does not have (the Firehose poll
 * interval only changes how soon delivery starts) and the global setup started one for this worker.
 */
function sharedCloud(options: Partial<LocalCloudOptions>): SharedCloud | undefined {
  if (Object.keys(options).some((key) => key !== 'firehosePollMs')) return undefined;
  const worker = Number(process.env.VITEST_POOL_ID);
  return inject('sharedClouds')?.[worker - 1];
}

/**
 * One local cloud for a whole test file: `const lc = useLocalCloud();` then `lc().clients.kinesis`. It
 * starts empty: the worker's shared cloud, reset, when the options allow (see shared-clouds.ts), else one
 * of its own, stopped after the file. `{ own: true }` for a file that needs its own process (one that
 * sets the environment the cloud starts with, or stops or inspects the cloud's process).
 */
export function useLocalCloud(
  options: Partial<LocalCloudOptions> = {},
  { own = false } = {},
): () => LocalCloudFixture {
  let fixture: LocalCloudFixture | undefined;
  let shared = false;
  beforeAll(async () => {
    const cloud = own ? undefined : sharedCloud(options);
    if (!cloud) {
      fixture = await startTestCloud(options);
      return;
    }
    await resetLocalCloud(cloud.endpoint);
    shared = true;
    fixture = {
      cloud: {
        endpoint: cloud.endpoint,
        logPath: cloud.logPath,
        pid: cloud.pid,
        stop: () =>
          Promise.reject(new Error('a shared local cloud: use useLocalCloud(options, { own: true })')),
      },
      clients: createClients({
        region: TEST_REGION,
        endpoint: cloud.endpoint,
        credentials: TEST_CREDENTIALS,
      }),
      dataDir: cloud.dataDir,
    };
  });
  afterAll(async () => {
    if (shared) fixture?.clients.destroy();
    else await stopTestCloud(fixture);
  });
  return () => {
    if (!fixture) throw new Error('the local cloud has not started');
    return fixture;
  };
}

export interface ResetAnswer {
  reset: string[];
  faultsCleared: number;
  durationMs: number;
}

/** Empties every service of a running local cloud (`POST /_local-cloud/reset`); resolves once done. */
export async function resetLocalCloud(endpoint: string): Promise<ResetAnswer> {
  const response = await fetch(`${endpoint}/_local-cloud/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  const body = (await response.json()) as ResetAnswer & { message?: string };
  if (response.status !== 200) throw new Error(body.message ?? `reset answered ${response.status}`);
  return body;
}
