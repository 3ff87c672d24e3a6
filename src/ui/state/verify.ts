// The Verify screen's state outside React: the latest report from the engine's Verifier (which reads only
// new objects each time), auto-refresh on a timer while the screen is open, the delivery stream's buffering
// (what is awaited and until when), and one object's preview.
import { messageOf } from '../../config/errors.js';
import type { Cause } from '../../pipeline/diagnosis/causes.js';
import { toFailedRecord } from '../../pipeline/objects.js';
import { bufferSeconds, type DeliveryStreamInfo, type VerifyReport } from '../../pipeline/verify.js';
import type { Verification } from '../engine.js';
import { Store } from './store.js';

/** One row of an object's preview: a transformed record, or a processing-failed record decoded. */
export type PreviewRow = Record<string, string>;

export interface Preview {
  key: string;
  kind: 'delivered' | 'failed';
  loading: boolean;
  columns: string[];
  rows: PreviewRow[];
  error?: string;
}

/** Which objects the list shows. */
export type ObjectFilter = 'all' | 'failed' | 'delivered';

export interface VerifyView {
  report?: VerifyReport;
  /** Which objects are listed (f cycles). */
  filter: ObjectFilter;
  checking: boolean;
  /** Why the last check failed (shown; the next refresh tries again). */
  error?: string;
  auto: boolean;
  delivery?: DeliveryStreamInfo;
  preview?: Preview;
  /** Why events are missing (once overdue) or failed: the causes found, most specific first. */
  diagnosis?: Cause[];
  /** Why the diagnosis itself could not be made. */
  diagnosisError?: string;
}

/** What is still awaited from Firehose, and when it is due. */
export interface Awaited {
  events: number;
  /** How long Firehose may hold a record, seconds (both buffers). */
  bufferSeconds: number;
  /** When the longest-waiting event should have been written, epoch ms; undefined when unknown. */
  dueAt?: number;
  /** Why nothing will arrive (the delivery stream does not exist here): then there is no due time. */
  never?: string;
}

/** The delivery stream is not there (an endpoint that reported it made and never made it). */
export function deliveryGone(delivery: DeliveryStreamInfo | undefined): boolean {
  return delivery?.status === 'MISSING' || delivery?.status === 'UNKNOWN';
}

/**
 * Beyond its buffers, how long Firehose takes to read a record from the stream, transform it and write
 * the object: with both buffers at 0, AWS documents delivery "within a few seconds", not at once.
 */
export const DELIVERY_ALLOWANCE_S = 15;

/** Events not yet accounted for and their deadline; undefined when nothing is awaited. Pure. */
export function awaited(
  report: VerifyReport | undefined,
  delivery?: DeliveryStreamInfo,
): Awaited | undefined {
  const r = report?.reconciliation;
  if (!r || r.missing === 0) return undefined;
  if (deliveryGone(delivery)) {
    return {
      events: r.missing,
      bufferSeconds: 0,
      never: 'the delivery stream does not exist at this endpoint (Deploy, step 1, lists what is missing)',
    };
  }
  const seconds = bufferSeconds(delivery);
  return {
    events: r.missing,
    bufferSeconds: seconds,
    ...(r.oldestMissingAt !== undefined
      ? { dueAt: r.oldestMissingAt + (seconds + DELIVERY_ALLOWANCE_S) * 1000 }
      : {}),
  };
}

/** The objects a filter keeps. Pure. */
export function filterObjects<T extends { kind: 'delivered' | 'failed' }>(
  objects: readonly T[],
  filter: ObjectFilter,
): T[] {
  return filter === 'all' ? [...objects] : objects.filter((o) => o.kind === filter);
}

const text = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** The transformed record's fields, in the transform's order. */
export const DELIVERED_COLUMNS = [
  'event_id',
  'timestamp',
  'action',
  'user_id',
  'item_id',
  'category',
  'price',
] as const;
export const FAILED_COLUMNS = ['errorCode', 'errorMessage', 'attempts', 'raw'] as const;

/**
 * The columns of a delivered object's preview: the fields its records have (a transform of the user's own
 * writes others than ours), ours first in their order, then the rest as they come. Pure.
 */
export function previewColumns(kind: Preview['kind'], records: readonly unknown[]): string[] {
  if (kind === 'failed') return [...FAILED_COLUMNS];
  const seen = new Set<string>();
  for (const value of records) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const name of Object.keys(value)) seen.add(name);
  }
  if (seen.size === 0) return [...DELIVERED_COLUMNS];
  const ours = (DELIVERED_COLUMNS as readonly string[]).filter((c) => seen.has(c));
  return [...ours, ...[...seen].filter((c) => !ours.includes(c))];
}

/** An object's records as table rows: delivered ones as they are, failed ones decoded. Pure. */
export function previewRows(
  kind: Preview['kind'],
  records: readonly unknown[],
  columns: readonly string[] = previewColumns(kind, records),
): PreviewRow[] {
  if (kind === 'delivered') {
    return records.map((value) => {
      const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      return Object.fromEntries(columns.map((c) => [c, text(record[c])]));
    });
  }
  return records.map((value) => {
    const failed = toFailedRecord(value);
    return failed
      ? {
          errorCode: failed.errorCode,
          errorMessage: failed.errorMessage,
          attempts: failed.attemptsMade === undefined ? '' : String(failed.attemptsMade),
          raw: failed.raw,
        }
      : { errorCode: '(unreadable)', errorMessage: '', attempts: '', raw: text(value) };
  });
}

export interface VerifyControllerOptions {
  onComplete?: () => void;
  /** How long past due before asking the engine why, ms. */
  diagnoseAfterMs?: number;
  now?: () => number;
}

export class VerifyController {
  readonly store = new Store<VerifyView>({ checking: false, auto: true, filter: 'all' });
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private inFlight: Promise<void> | undefined;
  private lastDiagnosis = 0;
  /** How long the last check took, ms: checks grow with the journal and the bucket. */
  private lastCheckMs = 0;
  private abort = new AbortController();

  constructor(
    private readonly verification: Verification,
    private readonly options: VerifyControllerOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The screen is open: check now, then keep checking while auto-refresh is on. */
  resume(): void {
    if (this.active) return;
    this.active = true;
    if (!this.store.get().delivery) {
      void this.verification.delivery().then((delivery) => delivery && this.store.update({ delivery }));
    }
    void this.refresh();
  }

  /** The screen closed: no more checks until it opens again. */
  pause(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops for good, cancelling a check in flight (teardown, quit). */
  stop(): void {
    this.pause();
    this.abort.abort();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active || !this.store.get().auto) return;
    // Never busier than half the time: a long journal (hours of streaming) makes each check slower.
    const delay = Math.max(this.verification.pollMs, 2 * this.lastCheckMs);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Checks now (a check already running is not started twice). */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    clearTimeout(this.timer);
    this.store.update({ checking: true });
    this.inFlight = (async () => {
      const started = Date.now();
      try {
        const report = await this.verification.check(this.abort.signal);
        const { error: _, ...rest } = this.store.get();
        this.store.set({ ...rest, report, checking: false });
        const r = report.reconciliation;
        if (r.acknowledged > 0 && r.complete && r.ok && r.producerFailed === 0) {
          this.store.update({ diagnosis: undefined, diagnosisError: undefined });
          this.options.onComplete?.();
        } else {
          if (r.acknowledged > 0 && r.complete) this.options.onComplete?.();
          await this.diagnoseIfDue(report);
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.store.update({ checking: false, error: messageOf(error) });
      } finally {
        this.lastCheckMs = Date.now() - started;
        this.inFlight = undefined;
        this.schedule();
      }
    })();
    return this.inFlight;
  }

  /**
   * Asks why, at most every diagnoseAfterMs: once events are overdue, or at once when some failed processing
   * or were never taken by the stream (nothing to wait for then).
   */
  private async diagnoseIfDue(report: VerifyReport): Promise<void> {
    const r = report.reconciliation;
    const due = awaited(report, this.store.get().delivery)?.dueAt;
    const late = this.options.diagnoseAfterMs ?? 30_000;
    const now = this.now();
    const failed = r.processingFailed > r.expectedFailures || r.producerFailed > 0;
    const overdue = due !== undefined && now >= due + late;
    if ((!failed && !overdue) || now - this.lastDiagnosis < late) return;
    this.lastDiagnosis = now;
    try {
      this.store.update({ diagnosis: await this.verification.diagnose(report), diagnosisError: undefined });
    } catch (error) {
      this.store.update({ diagnosisError: messageOf(error) });
    }
  }

  /** All objects, then only processing-failed ones, then only delivered ones. */
  cycleFilter(): ObjectFilter {
    const order: ObjectFilter[] = ['all', 'failed', 'delivered'];
    const next = order[(order.indexOf(this.store.get().filter) + 1) % order.length] ?? 'all';
    this.store.update({ filter: next });
    return next;
  }

  toggleAuto(): void {
    this.store.update({ auto: !this.store.get().auto });
    this.schedule();
  }

  /** Reads one object's records for the preview table. */
  async preview(key: string): Promise<void> {
    const object = this.store.get().report?.objects.find((o) => o.key === key);
    if (!object) return;
    const columns: string[] = [...(object.kind === 'delivered' ? DELIVERED_COLUMNS : FAILED_COLUMNS)];
    const base = { key, kind: object.kind, columns, rows: [] };
    this.store.update({ preview: { ...base, loading: true } });
    try {
      const records = await this.verification.readRecords(key, this.abort.signal);
      if (this.store.get().preview?.key !== key) return;
      const found = previewColumns(object.kind, records);
      this.store.update({
        preview: { ...base, columns: found, loading: false, rows: previewRows(object.kind, records, found) },
      });
    } catch (error) {
      if (this.store.get().preview?.key !== key) return;
      this.store.update({ preview: { ...base, loading: false, error: messageOf(error) } });
    }
  }

  closePreview(): void {
    this.store.update({ preview: undefined });
  }
}
