import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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

/** One local cloud for a whole test file: `const lc = useLocalCloud();` then `lc().clients.kinesis`. */
export function useLocalCloud(options: Partial<LocalCloudOptions> = {}): () => LocalCloudFixture {
  let fixture: LocalCloudFixture | undefined;
  beforeAll(async () => {
    fixture = await startTestCloud(options);
  });
  afterAll(async () => {
    await stopTestCloud(fixture);
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
