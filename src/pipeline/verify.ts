// Verify: read what Firehose delivered (and what it could not transform) and reconcile it with the journal.
// A Verifier keeps what it has read, so polling (`--wait`, the wizard's auto-refresh) reads only new objects.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { TargetError } from '../config/errors.js';
import {
  evaluatedPrefixes,
  type KeyKind,
  type KeyLayout,
  keyClassifier,
  keyLayout,
  listPrefixes,
  staticPart,
} from './delivery-keys.js';
import {
  type ChoiceOptions,
  type DeliveryStreamRef,
  type DiscoveryClients,
  describeDeliveryStream,
  discoverPipeline,
  type PipelineChoice,
  type PipelineDiscovery,
  requireChoice,
} from './discovery.js';
import { type Journal, JournalReader } from './journal.js';
import { parseJsonRecords, toDeliveredRecord, toFailedRecord } from './objects.js';
import {
  type DeliveredWithTime,
  type FailedWithKey,
  type ReconcileOptions,
  type Reconciliation,
  reconcile,
} from './reconcile.js';
import type { StackState } from './stack.js';

export interface BucketObject {
  key: string;
  size: number;
  time: Date;
  kind: 'delivered' | 'failed';
}

/** Where verify reads: the bucket, and where in it the delivery stream writes (from discovery). */
export interface DeliveryTarget {
  bucket: string;
  /** The delivery stream writing there: its name tells its objects from others' in a shared bucket. */
  deliveryStreamName?: string;
  keys: KeyLayout;
  /** CustomTimeZone of the delivery stream (timestamps in keys). */
  timeZone: string;
}

/** How long before the journal's first run, and after now, an object's key time may fall (clock skew, buffering). */
const KEY_TIME_MARGIN_MS = 15 * 60_000;

/**
 * Where verify reads for a chosen delivery stream. When the delivery stream could not be described (an
 * endpoint without Firehose), the stack's only bucket with Firehose's default layout, or our template's
 * BucketName / DeliveredPrefix / ErrorPrefix outputs; undefined when no bucket can be told.
 */
export function deliveryTarget(
  discovery: Pick<PipelineDiscovery, 'stack' | 'buckets'>,
  choice: PipelineChoice,
): DeliveryTarget | undefined {
  const d: DeliveryStreamRef | undefined = choice.deliveryStream;
  if (d?.bucket && d.keys) {
    return { bucket: d.bucket, deliveryStreamName: d.name, keys: d.keys, timeZone: d.timeZone };
  }
  const outputs = discovery.stack.outputs;
  const bucket = outputs.BucketName || (discovery.buckets.length === 1 ? discovery.buckets[0] : undefined);
  if (!bucket) return undefined;
  const keys =
    outputs.DeliveredPrefix !== undefined && outputs.ErrorPrefix !== undefined
      ? keyLayout(
          `${outputs.DeliveredPrefix}!{timestamp:yyyy/MM/dd/HH}/`,
          `${outputs.ErrorPrefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        )
      : keyLayout(undefined, undefined);
  return { bucket, ...(d ? { deliveryStreamName: d.name } : {}), keys, timeZone: 'UTC' };
}

/**
 * A Verifier for the stack's delivery stream, found by discovery (the one reading `options.stream`, or
 * named, when there are several); throws what `requireChoice` throws, or a TargetError without a bucket.
 */
export async function openVerifier(
  clients: VerifierClients & DiscoveryClients,
  stack: StackState,
  journalPath: string,
  options: Omit<ChoiceOptions, 'need'> & ReconcileOptions = {},
): Promise<{ verifier: Verifier; discovery: PipelineDiscovery; choice: PipelineChoice }> {
  const discovery = await discoverPipeline(clients, stack);
  const { categoryField, stopsWithRuns, ...pick } = options;
  const choice = requireChoice(discovery, { ...pick, need: 'delivery stream' });
  const where = deliveryTarget(discovery, choice);
  if (!where)
    throw new TargetError(`stack "${stack.name}" has no delivery stream writing to S3, and no bucket`);
  const verifier = new Verifier(clients, where, journalPath, {
    ...(categoryField ? { categoryField } : {}),
    ...(stopsWithRuns ? { stopsWithRuns } : {}),
  });
  return { verifier, discovery, choice };
}

export interface VerifyReport {
  bucket: string;
  /** Where Firehose files what it could not process (the literal start of ErrorOutputPrefix: `errors/`). */
  errorPrefix: string;
  /** Where Firehose files what the transform failed (`errors/processing-failed/` for ours). */
  failedPrefix: string;
  /** The prefixes listed this check (Prefix and ErrorOutputPrefix evaluated over the journal's time). */
  listed: string[];
  journalPath: string;
  /** Objects newest first. */
  objects: BucketObject[];
  deliveredObjects: number;
  failedObjects: number;
  /** Records read (delivered and failed), duplicates included. */
  records: { delivered: number; failed: number };
  /** Bits of objects that were not JSON records. */
  unreadable: Array<{ key: string; text: string }>;
  reconciliation: Reconciliation;
  checkedAt: Date;
}

interface ReadObject {
  etag: string;
  delivered: DeliveredWithTime[];
  failed: FailedWithKey[];
  unreadable: string[];
}

export interface VerifierClients {
  s3: S3Client;
  firehose: FirehoseClient;
  logs: CloudWatchLogsClient;
}

export class Verifier {
  private readonly read = new Map<string, ReadObject>();
  /** The journal, read incrementally: each check parses only what `stream` appended since the last. */
  private readonly journal: JournalReader;
  private readonly kindOf: (key: string) => KeyKind | undefined;
  readonly bucket: string;
  readonly errorPrefix: string;
  readonly failedPrefix: string;

  constructor(
    private readonly clients: VerifierClients,
    readonly target: DeliveryTarget,
    readonly journalPath: string,
    readonly options: ReconcileOptions = {},
  ) {
    this.bucket = target.bucket;
    // Where transform failures go: the error prefix with its error output type filled in.
    this.failedPrefix = evaluatedPrefixes(target.keys.failed)[0] ?? staticPart(target.keys.failed);
    this.errorPrefix = staticPart(target.keys.failed) || this.failedPrefix;
    this.kindOf = keyClassifier(target.keys, target.deliveryStreamName);
    this.journal = new JournalReader(journalPath);
  }

  /** What to list: the layout's prefixes, their timestamps evaluated over the journal's runs until now. */
  private prefixes(journal: Journal): string[] {
    const starts = journal.runs.map((r) => r.started).filter((t) => Number.isFinite(t));
    if (starts.length === 0) return listPrefixes(this.target.keys);
    return listPrefixes(this.target.keys, {
      from: Math.min(...starts) - KEY_TIME_MARGIN_MS,
      to: Date.now() + KEY_TIME_MARGIN_MS,
      timeZone: this.target.timeZone,
    });
  }

  private async list(prefix: string, signal?: AbortSignal) {
    const objects: Array<{ key: string; size: number; time: Date; etag: string }> = [];
    let token: string | undefined;
    do {
      const page = await this.clients.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        { abortSignal: signal },
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) {
          objects.push({
            key: o.Key,
            size: o.Size ?? 0,
            time: o.LastModified ?? new Date(0),
            etag: o.ETag ?? '',
          });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  /** An object's text. */
  async readText(key: string, signal?: AbortSignal): Promise<string> {
    const got = await this.clients.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      abortSignal: signal,
    });
    return (await got.Body?.transformToString('utf8')) ?? '';
  }

  /** The records of one object (for previews), parsed as verify parses them. */
  async readRecords(key: string, signal?: AbortSignal): Promise<unknown[]> {
    return parseJsonRecords(await this.readText(key, signal)).values;
  }

  private async readObject(key: string, time: Date, kind: BucketObject['kind'], signal?: AbortSignal) {
    const parsed = parseJsonRecords(await this.readText(key, signal));
    const result: Omit<ReadObject, 'etag'> = {
      delivered: [],
      failed: [],
      unreadable: parsed.errors.map((e) => e.text),
    };
    for (const value of parsed.values) {
      if (kind === 'delivered') {
        const record = toDeliveredRecord(value, this.options.categoryField);
        if (record) result.delivered.push({ ...record, objectTime: time.getTime(), key });
        else result.unreadable.push(JSON.stringify(value).slice(0, 200));
      } else {
        const record = toFailedRecord(value);
        if (record) result.failed.push({ ...record, key });
        else result.unreadable.push(JSON.stringify(value).slice(0, 200));
      }
    }
    return result;
  }

  /** Lists the bucket, reads objects not read before and what the journal gained, and reconciles. */
  async check(signal?: AbortSignal): Promise<VerifyReport> {
    const prefixes = this.prefixes(this.journal.read());
    const listed: Array<{ key: string; size: number; time: Date; etag: string; kind: KeyKind }> = [];
    for (const page of await Promise.all(prefixes.map((p) => this.list(p, signal)))) {
      for (const o of page) {
        const kind = this.kindOf(o.key);
        if (kind) listed.push({ ...o, kind });
      }
    }
    const delivered = listed.filter((o) => o.kind === 'delivered');
    const failed = listed.filter((o) => o.kind === 'failed');
    const present = new Set(listed.map((o) => o.key));
    for (const key of this.read.keys()) if (!present.has(key)) this.read.delete(key);
    const toRead = listed.filter((o) => this.read.get(o.key)?.etag !== o.etag);
    // A few at a time: enough to hide latency, few enough not to swamp a local endpoint.
    for (let i = 0; i < toRead.length; i += 8) {
      await Promise.all(
        toRead.slice(i, i + 8).map(async (o) => {
          const result = await this.readObject(o.key, o.time, o.kind, signal);
          this.read.set(o.key, { etag: o.etag, ...result });
        }),
      );
    }
    const allDelivered: DeliveredWithTime[] = [];
    const allFailed: FailedWithKey[] = [];
    const unreadable: VerifyReport['unreadable'] = [];
    for (const [key, object] of this.read) {
      for (const r of object.delivered) allDelivered.push(r);
      for (const r of object.failed) allFailed.push(r);
      for (const text of object.unreadable) unreadable.push({ key, text });
    }
    const journal = this.journal.read();
    return {
      bucket: this.bucket,
      errorPrefix: this.errorPrefix,
      failedPrefix: this.failedPrefix,
      listed: prefixes,
      journalPath: this.journalPath,
      objects: listed
        .map(({ key, size, time, kind }) => ({ key, size, time, kind }))
        .sort((a, b) => b.time.getTime() - a.time.getTime() || a.key.localeCompare(b.key)),
      deliveredObjects: delivered.length,
      failedObjects: failed.length,
      records: { delivered: allDelivered.length, failed: allFailed.length },
      unreadable,
      reconciliation: reconcile(journal, allDelivered, allFailed, this.options),
      checkedAt: new Date(),
    };
  }

  /**
   * What a check reports when the bucket is gone (NoSuchBucket): nothing delivered, the journal as it is,
   * so the diagnosis can say why rather than the check failing. Rethrows any other error.
   */
  goneReport(error: unknown): VerifyReport {
    if ((error as Error).name !== 'NoSuchBucket') throw error;
    this.read.clear();
    return {
      bucket: this.bucket,
      errorPrefix: this.errorPrefix,
      failedPrefix: this.failedPrefix,
      listed: [],
      journalPath: this.journalPath,
      objects: [],
      deliveredObjects: 0,
      failedObjects: 0,
      records: { delivered: 0, failed: 0 },
      unreadable: [],
      reconciliation: reconcile(this.journal.read(), [], [], this.options),
      checkedAt: new Date(),
    };
  }
}

export interface DeliveryStreamInfo {
  status: string;
  /** The S3 buffer interval and size hints. */
  bufferIntervalSeconds?: number;
  bufferSizeMB?: number;
  /** The transform's buffer interval; undefined without a transform. */
  processorIntervalSeconds?: number;
  failure?: string;
}

/** How long Firehose may hold a record before writing it: both buffer intervals (AWS's defaults when unknown). */
export function bufferSeconds(info: DeliveryStreamInfo | undefined): number {
  // Described without a transform: no processor buffer. Not described: assume one.
  return (info?.bufferIntervalSeconds ?? 300) + (info ? (info.processorIntervalSeconds ?? 0) : 60);
}

/** What the screens and lines show of a delivery stream's buffering and state. Pure. */
export function deliveryInfo(d: DeliveryStreamRef): DeliveryStreamInfo {
  return {
    status: d.status,
    // Firehose's defaults where the template sets none: 300 s or 5 MB to S3, 60 s for a Lambda processor.
    bufferIntervalSeconds: d.buffer.intervalSeconds ?? 300,
    bufferSizeMB: d.buffer.sizeMB ?? 5,
    ...(d.transform ? { processorIntervalSeconds: d.transform.bufferIntervalSeconds ?? 60 } : {}),
    ...(d.error ? { failure: d.error } : {}),
  };
}

/** The delivery stream as it is now (status, buffering), or undefined when it cannot be described. */
export async function describeDelivery(
  clients: Pick<VerifierClients, 'firehose'> & { lambda: LambdaClient },
  name: string,
): Promise<DeliveryStreamInfo | undefined> {
  const d = await describeDeliveryStream(clients, name);
  return d.status === 'MISSING' || d.status === 'UNKNOWN' ? undefined : deliveryInfo(d);
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Each check, with what is still awaited. */
  onCheck?: (report: VerifyReport, waitingFor: number) => void;
}

/** Checks until every acknowledged event is delivered or failed, or the timeout; returns the last report. */
export async function waitForDelivery(
  verifier: Verifier,
  options: WaitOptions,
): Promise<{ report: VerifyReport; timedOut: boolean }> {
  const until = Date.now() + options.timeoutMs;
  while (true) {
    const report = await verifier.check(options.signal);
    const waitingFor = report.reconciliation.missing;
    options.onCheck?.(report, waitingFor);
    if (waitingFor === 0) return { report, timedOut: false };
    if (Date.now() >= until || options.signal?.aborted) return { report, timedOut: !options.signal?.aborted };
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(options.pollMs ?? 2000, Math.max(0, until - Date.now())));
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
