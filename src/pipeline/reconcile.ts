// Reconciliation: what the producer's journal says was acknowledged, against what the bucket holds.
// Pure: verify feeds it the journal and the records it read.
import { CATEGORIES, type Category } from '../../lambda/records.js';
import type { Journal } from './journal.js';
import type { DeliveredRecord, FailedRecord } from './objects.js';

export type CategoryCounts = Record<Category, number>;

export function emptyCounts(): CategoryCounts {
  return Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as CategoryCounts;
}

export interface DeliveredWithTime extends DeliveredRecord {
  /** When the object holding it was written, epoch ms. */
  objectTime: number;
  key: string;
}

export interface FailedWithKey extends FailedRecord {
  key: string;
  /** Sent malformed on purpose (the journal says so): its failure is what was meant to happen. */
  onPurpose?: boolean;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How many deliveries the figures are over. */
  count: number;
}

export interface Reconciliation {
  /** Events Kinesis acknowledged, per the journal. */
  acknowledged: number;
  /** Acknowledged events found in delivered objects (each once, however often delivered). */
  delivered: number;
  /** Extra copies beyond the first (Firehose delivers at least once). */
  duplicates: number;
  /** Acknowledged events found neither delivered nor failed. */
  missing: number;
  missingIds: string[];
  /** When the longest-waiting missing event was acknowledged, epoch ms (what a buffering countdown starts from). */
  oldestMissingAt?: number;
  /** Acknowledged events Firehose filed under processing-failed. */
  processingFailed: number;
  /** Of those, records the producer sent malformed on purpose. */
  expectedFailures: number;
  failures: FailedWithKey[];
  /** Processing-failed records of acknowledged events (not sent malformed on purpose) by Firehose's error code. */
  failureCodes: Record<string, number>;
  /** Events whose acknowledgement was lost (producer killed mid-call) that arrived all the same. */
  lateAcknowledged: number;
  /** Events given up by the producer after its retry budget (never acknowledged). */
  producerFailed: number;
  /** Delivered records not in this journal (sent by something else, or before it was started). */
  unknown: number;
  /** Processing-failed records not in this journal (such as non-JSON records something else put in the stream). */
  unknownFailed: number;
  categories: { sent: CategoryCounts; delivered: CategoryCounts };
  latency: Latency | undefined;
  /**
   * Events left out of the latency: delivered after the run that sent them had ended, on a target that
   * stops with its runs (the local cloud): their wait includes the time it was stopped.
   */
  latencyLeftOut: number;
  /** Every acknowledged event is accounted for (delivered or failed). */
  complete: boolean;
  /** Complete, and nothing failed that was not meant to. */
  ok: boolean;
}

/** The p-th percentile (0-100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export function latencyOf(samples: number[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    count: sorted.length,
  };
}

const LISTED = 20;

/** How long after a run ends the local cloud may still deliver before it stops with the command. */
export const AFTER_RUN_MS = 5_000;

export interface ReconcileOptions {
  /**
   * The target stops when the run that sent to it ends (the local cloud stops with each command and
   * with the wizard): an event written after its run ended was written after a restart.
   */
  stopsWithRuns?: boolean;
}

export function reconcile(
  journal: Journal,
  delivered: readonly DeliveredWithTime[],
  failed: readonly FailedWithKey[],
  options: ReconcileOptions = {},
): Reconciliation {
  const sentCategories = emptyCounts();
  for (const ack of journal.acknowledged.values()) if (!ack.malformed) sentCategories[ack.category]++;

  const deliveredCategories = emptyCounts();
  const firstSeen = new Map<string, DeliveredWithTime>();
  let duplicates = 0;
  let unknown = 0;
  let anonymous = 0;
  for (const record of delivered) {
    if (!record.eventId) {
      anonymous++;
      deliveredCategories[record.category]++;
      continue;
    }
    if (firstSeen.has(record.eventId)) {
      duplicates++;
      continue;
    }
    firstSeen.set(record.eventId, record);
    deliveredCategories[record.category]++;
  }

  let deliveredCount = 0;
  let lateAcknowledged = 0;
  let latencyLeftOut = 0;
  const latencies: number[] = [];
  for (const [id, record] of firstSeen) {
    const ack = journal.acknowledged.get(id);
    if (ack) {
      deliveredCount++;
      const ended = ack.run !== undefined ? journal.runs[ack.run]?.ended : undefined;
      if (options.stopsWithRuns && ended !== undefined && record.objectTime > ended + AFTER_RUN_MS)
        latencyLeftOut++;
      else latencies.push(Math.max(0, record.objectTime - ack.time));
    } else if (journal.unconfirmed.has(id) || journal.failed.has(id)) lateAcknowledged++;
    else unknown++;
  }
  unknown += anonymous;

  const failedIds = new Set<string>();
  let expectedFailures = 0;
  let unknownFailed = 0;
  const failureCodes: Record<string, number> = {};
  for (const f of failed) {
    const known =
      f.eventId !== undefined &&
      (journal.acknowledged.has(f.eventId) ||
        journal.unconfirmed.has(f.eventId) ||
        journal.failed.has(f.eventId));
    if (!known) unknownFailed++;
    if (!f.eventId || failedIds.has(f.eventId) || firstSeen.has(f.eventId)) continue;
    const ack = journal.acknowledged.get(f.eventId);
    if (!ack) continue;
    failedIds.add(f.eventId);
    if (ack.malformed) expectedFailures++;
    else failureCodes[f.errorCode] = (failureCodes[f.errorCode] ?? 0) + 1;
  }

  const missingIds: string[] = [];
  let missing = 0;
  let oldestMissingAt: number | undefined;
  for (const [id, ack] of journal.acknowledged) {
    if (firstSeen.has(id) || failedIds.has(id)) continue;
    missing++;
    if (oldestMissingAt === undefined || ack.time < oldestMissingAt) oldestMissingAt = ack.time;
    if (missingIds.length < LISTED) missingIds.push(id);
  }

  const producerFailed = [...journal.failed.keys()].filter((id) => !firstSeen.has(id)).length;
  const complete = missing === 0;
  return {
    acknowledged: journal.acknowledged.size,
    delivered: deliveredCount,
    duplicates,
    missing,
    missingIds,
    ...(oldestMissingAt !== undefined ? { oldestMissingAt } : {}),
    processingFailed: failedIds.size,
    expectedFailures,
    // Unexpected failures first: they are the ones to look at.
    failures: failed
      .map((f) =>
        f.eventId && journal.acknowledged.get(f.eventId)?.malformed ? { ...f, onPurpose: true } : f,
      )
      .sort((a, b) => Number(a.onPurpose ?? false) - Number(b.onPurpose ?? false))
      .slice(0, LISTED),
    failureCodes,
    lateAcknowledged,
    producerFailed,
    unknown,
    unknownFailed,
    categories: { sent: sentCategories, delivered: deliveredCategories },
    latency: latencyOf(latencies),
    latencyLeftOut,
    complete,
    ok: complete && failedIds.size === expectedFailures,
  };
}
