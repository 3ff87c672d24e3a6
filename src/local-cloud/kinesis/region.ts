// One region's Kinesis: a kinesalite child (its own LevelDB), the edge's metadata for its streams, the
// shard maps writes are routed with (cached while a stream is ACTIVE), the shards' throughput budgets,
// and the scalings under way. Streams are scoped by region, as on AWS.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, startBackend } from '../backend.js';
import type { MetricPublisher } from '../cloudwatch/metrics.js';
import { JsonState } from '../state.js';
import type { BackendStream } from './describe.js';
import { streamNotActive, streamNotFound } from './errors.js';
import { openShards, ShardMap } from './hash-keys.js';
import { type KinesaliteClient as Client, KinesaliteClient, type RawResponse } from './kinesalite-client.js';
import type { KinesaliteChildOptions } from './kinesalite-main.js';
import { LEVELDB_DIR, META_FILE, type RegionMeta, type StreamMeta } from './metadata.js';
import { nextReshardStep } from './resharding.js';
import { Subscriptions } from './subscriptions.js';
import { ShardBudgets } from './throughput.js';

export interface KinesisSettings {
  /** Where its AWS/Kinesis metrics go (CloudWatch's store). */
  metrics: MetricPublisher;
  enforceLimits: boolean;
  failureRate: number;
  /** How long a stream stays CREATING, DELETING or UPDATING (and a consumer CREATING or DELETING). */
  transitionMs: number;
  /** How long a SubscribeToShard subscription lasts. */
  subscriptionMs: number;
}

export interface WritableStream {
  stream: BackendStream;
  map: ShardMap;
}

/** AWS's default shard quota: 500 in its three largest regions, 200 elsewhere. */
export function shardLimitOf(region: string): number {
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region) ? 500 : 200;
}

// From the compiled package the child script sits beside this module; under the test runner this is
// TypeScript in src/, and the script to start is the built one in dist/.
function childScript(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts')
      ? new URL('../../../dist/src/local-cloud/kinesis/kinesalite-main.js', here)
      : new URL('./kinesalite-main.js', here),
  );
}

const RELAUNCH_AFTER_MS = 1000;

export class KinesisRegion {
  readonly budgets = new ShardBudgets();
  /** Enhanced fan-out subscriptions being served. */
  readonly subscriptions = new Subscriptions();
  readonly meta: JsonState<RegionMeta>;
  private backend: Backend | undefined;
  private client: Client | undefined;
  private ready: Promise<void>;
  private stopping = false;
  private readonly writable = new Map<string, WritableStream>();
  private readonly updatingUntil = new Map<string, number>();
  private readonly scaling = new Set<string>();

  private constructor(
    readonly region: string,
    private readonly dir: string,
    readonly settings: KinesisSettings,
    private readonly log: (message: string) => void,
  ) {
    mkdirSync(join(dir, LEVELDB_DIR), { recursive: true, mode: 0o700 });
    this.meta = new JsonState<RegionMeta>(join(dir, META_FILE), {});
    this.ready = this.launch();
  }

  static async start(
    region: string,
    dataDir: string,
    settings: KinesisSettings,
    log: (message: string) => void,
  ): Promise<KinesisRegion> {
    const kinesis = new KinesisRegion(region, join(dataDir, region), settings, log);
    await kinesis.ready;
    for (const [name, meta] of Object.entries(kinesis.meta.get())) {
      if (meta.targetShardCount !== undefined) kinesis.scale(name);
    }
    return kinesis;
  }

  private async launch(): Promise<void> {
    const options: KinesaliteChildOptions = {
      path: join(this.dir, LEVELDB_DIR),
      metaPath: this.meta.path,
      region: this.region,
      shardLimit: shardLimitOf(this.region),
      transitionMs: this.settings.transitionMs,
    };
    const backend = await startBackend(
      `kinesalite ${this.region}`,
      childScript(),
      [JSON.stringify(options)],
      this.log,
    );
    this.backend = backend;
    this.client?.close();
    this.client = new KinesaliteClient(backend.url);
    backend.child.once('exit', () => {
      if (this.stopping) return;
      // A crash must not leave the region without Kinesis: start it again (its LevelDB keeps the data).
      this.writable.clear();
      this.ready = new Promise((resolve) => setTimeout(resolve, RELAUNCH_AFTER_MS)).then(() => this.launch());
      this.ready.catch((error: Error) =>
        this.log(`kinesalite ${this.region} did not restart: ${error.message}`),
      );
    });
  }

  async send(operation: string, body: Buffer | string): Promise<RawResponse> {
    await this.ready;
    return (this.client as Client).send(operation, body);
  }

  async call<T>(operation: string, input: unknown): Promise<T> {
    await this.ready;
    return (this.client as Client).call<T>(operation, input);
  }

  metaOf(name: string): StreamMeta | undefined {
    return this.meta.get()[name];
  }

  /** Changes (or, returning undefined, forgets) a stream's metadata, and persists it. */
  updateMeta(name: string, change: (meta: StreamMeta | undefined) => StreamMeta | undefined): Promise<void> {
    return this.meta.update((all) => {
      const next = change(all[name]);
      const { [name]: _, ...rest } = all;
      return next === undefined ? rest : { ...rest, [name]: next };
    });
  }

  /** The stream with every shard, as kinesalite has it now. */
  async describe(name: string): Promise<BackendStream> {
    const { StreamDescription } = await this.call<{ StreamDescription: BackendStream }>('DescribeStream', {
      StreamName: name,
    });
    return StreamDescription;
  }

  /** The status a caller sees: UPDATING while the edge changes the stream, whatever kinesalite says. */
  statusOf(stream: BackendStream): string {
    if (stream.StreamStatus !== 'ACTIVE') return stream.StreamStatus;
    const name = stream.StreamName;
    const updating =
      this.metaOf(name)?.targetShardCount !== undefined || (this.updatingUntil.get(name) ?? 0) > Date.now();
    return updating ? 'UPDATING' : 'ACTIVE';
  }

  /** The stream, when it is ACTIVE; otherwise AWS's ResourceInUseException. */
  async requireActive(name: string): Promise<BackendStream> {
    const stream = await this.describe(name);
    const status = this.statusOf(stream);
    if (status !== 'ACTIVE') throw streamNotActive(name, status);
    return stream;
  }

  /** Marks a stream UPDATING for a while, as AWS does after an encryption or capacity mode change. */
  markUpdating(name: string): void {
    this.updatingUntil.set(name, Date.now() + this.settings.transitionMs);
  }

  /** A stream records can be written to (ACTIVE or UPDATING) with its shard map. */
  async writableStream(name: string): Promise<WritableStream> {
    const cached = this.writable.get(name);
    if (cached) return cached;
    const stream = await this.describe(name);
    if (stream.StreamStatus !== 'ACTIVE' && stream.StreamStatus !== 'UPDATING') throw streamNotFound(name);
    const writable = { stream, map: new ShardMap(stream.Shards) };
    // While kinesalite is UPDATING its shards are about to change; only a settled map is kept.
    if (stream.StreamStatus === 'ACTIVE') this.writable.set(name, writable);
    return writable;
  }

  /** Forgets a stream's cached shard map (after anything that changes its shards or its existence). */
  invalidate(name: string): void {
    this.writable.delete(name);
  }

  /** Forgets everything the edge holds in memory for a deleted stream. */
  forget(name: string): void {
    this.invalidate(name);
    this.updatingUntil.delete(name);
    this.budgets.forget(`${name}/`);
  }

  /** Runs (or resumes) an UpdateShardCount: one split or merge at a time until the target is reached. */
  scale(name: string): void {
    if (this.scaling.has(name)) return;
    this.scaling.add(name);
    this.runScaling(name)
      .catch((error: Error) => this.log(`scaling stream ${name} in ${this.region} stopped: ${error.message}`))
      .finally(() => {
        this.scaling.delete(name);
        this.invalidate(name);
        // A stop leaves the target in place: the next start resumes the scaling.
        if (!this.stopping && this.metaOf(name)?.targetShardCount !== undefined) {
          void this.updateMeta(name, (meta) => meta && { ...meta, targetShardCount: undefined });
        }
      });
  }

  private async runScaling(name: string): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const target = this.metaOf(name)?.targetShardCount;
      if (target === undefined) return;
      const stream = await this.describe(name);
      if (stream.StreamStatus === 'DELETING') return;
      if (stream.StreamStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const step = nextReshardStep(openShards(stream.Shards), target);
      if (!step) return;
      this.invalidate(name);
      if (step.kind === 'split') {
        await this.call('SplitShard', {
          StreamName: name,
          ShardToSplit: step.shardId,
          NewStartingHashKey: step.newStartingHashKey.toString(),
        });
      } else {
        await this.call('MergeShards', {
          StreamName: name,
          ShardToMerge: step.shardId,
          AdjacentShardToMerge: step.adjacentShardId,
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.subscriptions.stopAll();
    await this.ready.catch(() => undefined);
    this.client?.close();
    await this.backend?.stop();
  }
}
