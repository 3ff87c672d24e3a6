// Verify: read what Firehose delivered (and what it could not transform) and reconcile it with the journal.
// A Verifier keeps what it has read, so polling (`--wait`, the wizard's auto-refresh) reads only new objects.
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeDeliveryStreamCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { JournalReader } from './journal.js';
import { parseJsonRecords, toDeliveredRecord, toFailedRecord } from './objects.js';
import {
  type DeliveredWithTime,
  type FailedWithKey,
  type ReconcileOptions,
  type Reconciliation,
  reconcile,
} from './reconcile.js';
import type { PipelineOutputs } from './stack.js';

export interface BucketObject {
  key: string;
  size: number;
  time: Date;
  kind: 'delivered' | 'failed';
}

export interface VerifyReport {
  bucket: string;
  /** Where Firehose files what it could not transform or deliver (the stack's ErrorPrefix output). */
  errorPrefix: string;
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
  readonly bucket: string;
  readonly deliveredPrefix: string;
  readonly errorPrefix: string;

  constructor(
    private readonly clients: VerifierClients,
    readonly outputs: PipelineOutputs,
    readonly journalPath: string,
    private readonly options: ReconcileOptions = {},
  ) {
    if (!outputs.BucketName)
      throw new Error('the stack has no BucketName output: redeploy it with `kinesis-tui deploy`');
    this.bucket = outputs.BucketName;
    this.deliveredPrefix = outputs.DeliveredPrefix ?? 'events/';
    this.errorPrefix = outputs.ErrorPrefix ?? 'errors/';
    this.journal = new JournalReader(journalPath);
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
        const record = toDeliveredRecord(value);
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
    const [delivered, failed] = await Promise.all([
      this.list(this.deliveredPrefix, signal),
      this.list(this.errorPrefix, signal),
    ]);
    const listed = [
      ...delivered.map((o) => ({ ...o, kind: 'delivered' as const })),
      ...failed.map((o) => ({ ...o, kind: 'failed' as const })),
    ];
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
}

export interface DeliveryStreamInfo {
  status: string;
  /** The S3 buffer interval and size hints. */
  bufferIntervalSeconds?: number;
  bufferSizeMB?: number;
  /** The transform's buffer interval. */
  processorIntervalSeconds?: number;
  failure?: string;
}

/** How long Firehose may hold a record before writing it: both buffer intervals (AWS's defaults when unknown). */
export function bufferSeconds(info: DeliveryStreamInfo | undefined): number {
  return (info?.bufferIntervalSeconds ?? 300) + (info?.processorIntervalSeconds ?? 60);
}

export async function describeDelivery(firehose: FirehoseClient, name: string): Promise<DeliveryStreamInfo> {
  const out = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
  const d = out.DeliveryStreamDescription;
  const s3 = d?.Destinations?.[0]?.ExtendedS3DestinationDescription;
  const processorParams = s3?.ProcessingConfiguration?.Processors?.[0]?.Parameters ?? [];
  const interval = processorParams.find((p) => p.ParameterName === 'BufferIntervalInSeconds')?.ParameterValue;
  const failure = d?.FailureDescription;
  return {
    status: d?.DeliveryStreamStatus ?? 'UNKNOWN',
    ...(s3?.BufferingHints?.IntervalInSeconds !== undefined
      ? { bufferIntervalSeconds: s3.BufferingHints.IntervalInSeconds }
      : {}),
    ...(s3?.BufferingHints?.SizeInMBs !== undefined ? { bufferSizeMB: s3.BufferingHints.SizeInMBs } : {}),
    ...(interval !== undefined ? { processorIntervalSeconds: Number(interval) } : {}),
    ...(failure ? { failure: `${failure.Type}: ${failure.Details}` } : {}),
  };
}

export interface Diagnosis {
  deliveryStream?: DeliveryStreamInfo;
  /** Recent lines from the transform's and the delivery stream's log groups that look like errors. */
  logErrors: string[];
  /** Why we think nothing (or not everything) arrived, most likely first. */
  reasons: string[];
}

const ERROR_LINE = /error|exception|failed|timed out|ProcessingFailed/i;

async function recentErrors(logs: CloudWatchLogsClient, group: string, since: number): Promise<string[]> {
  try {
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: group, startTime: since, limit: 200 }),
    );
    return (out.events ?? [])
      .map((e) => (e.message ?? '').trim())
      .filter((m) => ERROR_LINE.test(m))
      .slice(-5)
      .map((m) => `${group}: ${m.slice(0, 300)}`);
  } catch {
    // No log group yet (nothing was logged), or no Logs service at an endpoint: nothing to add.
    return [];
  }
}

/** What can be found out about why records have not arrived. */
export async function diagnose(
  clients: VerifierClients,
  outputs: PipelineOutputs,
  report: VerifyReport,
  since: number,
) {
  const diagnosis: Diagnosis = { logErrors: [], reasons: [] };
  const r = report.reconciliation;
  if (outputs.DeliveryStreamName) {
    try {
      diagnosis.deliveryStream = await describeDelivery(clients.firehose, outputs.DeliveryStreamName);
    } catch (error) {
      diagnosis.reasons.push(
        `the delivery stream ${outputs.DeliveryStreamName} cannot be described: ${(error as Error).message}`,
      );
    }
  }
  const ds = diagnosis.deliveryStream;
  if (ds && ds.status !== 'ACTIVE')
    diagnosis.reasons.push(
      `the delivery stream is ${ds.status}, not ACTIVE${ds.failure ? ` (${ds.failure})` : ''}`,
    );
  if (outputs.FunctionName)
    diagnosis.logErrors.push(
      ...(await recentErrors(clients.logs, `/aws/lambda/${outputs.FunctionName}`, since)),
    );
  if (outputs.DeliveryStreamName) {
    diagnosis.logErrors.push(
      ...(await recentErrors(clients.logs, `/aws/kinesisfirehose/${outputs.DeliveryStreamName}`, since)),
    );
  }
  if (diagnosis.logErrors.length > 0) diagnosis.reasons.push('the logs show errors (below)');
  if (r.processingFailed > r.expectedFailures) {
    diagnosis.reasons.push(
      `${r.processingFailed - r.expectedFailures} records are under ${outputs.ErrorPrefix ?? 'errors/'}processing-failed/: the transform refused them`,
    );
  }
  if (r.acknowledged === 0)
    diagnosis.reasons.push('the journal holds no acknowledged events: run `kinesis-tui stream` first');
  if (
    report.deliveredObjects === 0 &&
    r.acknowledged > 0 &&
    ds?.status === 'ACTIVE' &&
    diagnosis.logErrors.length === 0
  ) {
    const wait = (ds.bufferIntervalSeconds ?? 0) + (ds.processorIntervalSeconds ?? 0);
    diagnosis.reasons.push(
      `no object yet, and no error seen: Firehose may still be buffering (up to ${wait} s after the records arrive); try \`kinesis-tui verify --wait\``,
    );
  }
  return diagnosis;
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
