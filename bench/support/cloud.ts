// A local cloud for a scenario: started in the scenario's temp folder, clients aimed at it, stopped when
// the scenario ends.
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { type Clients, createClients } from '../../src/config/clients.js';
import { type LocalCloudOptions, startLocalCloud } from '../../src/local-cloud/index.js';
import type { ScenarioContext } from '../scenario.js';

export const BENCH_REGION = 'us-east-1';
export const BENCH_CREDENTIALS = { accessKeyId: 'AKIDBENCHLOCAL', secretAccessKey: 'bench-secret-local' };

export interface BenchCloud {
  endpoint: string;
  clients: Clients;
  dataDir: string;
  pid: number;
}

export async function startBenchCloud(
  context: ScenarioContext,
  options: Partial<LocalCloudOptions> = {},
): Promise<BenchCloud> {
  const dataDir = options.dataDir ?? context.tempDir('cloud');
  const cloud = await startLocalCloud({ ...options, dataDir });
  const clients = createClients({
    region: BENCH_REGION,
    endpoint: cloud.endpoint,
    credentials: BENCH_CREDENTIALS,
  });
  context.defer(async () => {
    clients.destroy();
    await cloud.stop();
  });
  return { endpoint: cloud.endpoint, clients, dataDir, pid: cloud.pid };
}

/** Polls `check` until it gives a value, failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitFor(async () => {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    return StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }, `stream ${name} to be ACTIVE`);
}
