// A Verification over an in-memory bucket and journal, for the Verify screen's tests. Only S3 and the
// journal file are stood in for: objects are parsed and reconciled by the engine's own functions
// (parseJsonRecords, toDeliveredRecord, toFailedRecord, reconcile), so the screen shows what verify computes.

import { categoryOf, type ShopEvent } from '../../lambda/records.js';
import { toTransformed } from '../../lambda/transform.js';
import type { Cause } from '../../src/pipeline/diagnosis/causes.js';
import { createEventSource } from '../../src/pipeline/events.js';
import { emptyJournal } from '../../src/pipeline/journal.js';
import { parseJsonRecords, toDeliveredRecord, toFailedRecord } from '../../src/pipeline/objects.js';
import { type DeliveredWithTime, type FailedWithKey, reconcile } from '../../src/pipeline/reconcile.js';
import type { DeliveryStreamInfo, VerifyReport } from '../../src/pipeline/verify.js';
import type { Verification } from '../../src/ui/engine.js';

interface StoredObject {
  key: string;
  kind: 'delivered' | 'failed';
  time: Date;
  body: string;
}

export class FakeBucket implements Verification {
  readonly pollMs: number;
  readonly journal = emptyJournal('(memory)');
  readonly objects: StoredObject[] = [];
  private readonly source = createEventSource({ seed: 11, users: 20 });
  checks = 0;
  diagnoses = 0;
  /** Holds checks until released, so a test can look at the screen while one is running. */
  gate: (() => Promise<void>) | undefined;
  info: DeliveryStreamInfo | undefined = {
    status: 'ACTIVE',
    bufferIntervalSeconds: 60,
    bufferSizeMB: 5,
    processorIntervalSeconds: 60,
  };

  constructor(options: { pollMs?: number } = {}) {
    this.pollMs = options.pollMs ?? 50;
  }

  /** Events the producer sent and Kinesis acknowledged (journaled), `at` epoch ms. */
  send(count: number, at = Date.now()): ShopEvent[] {
    const events = Array.from({ length: count }, () => this.source.next());
    for (const e of events) {
      this.journal.acknowledged.set(e.event_id, {
        event_id: e.event_id,
        shard: 'shardId-000000000000',
        seq: '1',
        time: at,
        category: categoryOf(e.item_id),
        // As `stream` journals it: the event as sent.
        event: { ...e },
      });
    }
    return events;
  }

  /**
   * Firehose writes the events as the classic homework's transform shapes them (user_id, item_id,
   * category, price; no event_id, no newline between records), at the bucket's root (no prefix).
   */
  deliverShaped(events: readonly ShopEvent[], time = new Date()): string {
    const key = `2026/11/26/18/ecommerce-events-firehose-1-2026-11-26-18-00-00-${this.objects.length}`;
    const body = events
      .map((e) =>
        JSON.stringify({
          user_id: e.user_id,
          item_id: e.item_id,
          category: categoryOf(e.item_id),
          price: e.price,
        }),
      )
      .join('');
    this.objects.push({ key, kind: 'delivered', time, body });
    return key;
  }

  /** A malformed record, journaled as sent on purpose; returns its id and raw text. */
  sendMalformed(at = Date.now()): { id: string; raw: string } {
    const id = `0000aaaa-0000-4000-8000-${String(this.journal.acknowledged.size).padStart(12, '0')}`;
    this.journal.acknowledged.set(id, {
      event_id: id,
      shard: 'shardId-000000000000',
      seq: '2',
      time: at,
      category: 'Other',
      malformed: true,
    });
    return { id, raw: `malformed ${id} {not json` };
  }

  /** Firehose writes the events, transformed, as one object. */
  deliver(events: readonly ShopEvent[], time = new Date()): string {
    const key = `events/2026/11/26/18/kinesis-tui-delivery-1-${this.objects.length}-${time.getTime()}`;
    const body = events
      .map((e) => `${JSON.stringify(toTransformed(e as unknown as Record<string, unknown>))}\n`)
      .join('');
    this.objects.push({ key, kind: 'delivered', time, body });
    return key;
  }

  /** Firehose files raw records the transform refused under processing-failed/. */
  fail(raws: readonly string[], time = new Date()): string {
    const key = `errors/processing-failed/2026/11/26/18/kinesis-tui-delivery-1-${this.objects.length}`;
    const body = raws
      .map(
        (raw) =>
          `${JSON.stringify({
            attemptsMade: 4,
            arrivalTimestamp: time.getTime(),
            errorCode: 'Lambda.ProcessingFailed',
            errorMessage: 'The Lambda function returned ProcessingFailed for this record.',
            rawData: Buffer.from(raw).toString('base64'),
          })}\n`,
      )
      .join('');
    this.objects.push({ key, kind: 'failed', time, body });
    return key;
  }

  async check(): Promise<VerifyReport> {
    this.checks++;
    await this.gate?.();
    const delivered: DeliveredWithTime[] = [];
    const failed: FailedWithKey[] = [];
    for (const o of this.objects) {
      for (const value of parseJsonRecords(o.body).values) {
        if (o.kind === 'delivered') {
          const record = toDeliveredRecord(value);
          if (record) delivered.push({ ...record, objectTime: o.time.getTime(), key: o.key });
        } else {
          const record = toFailedRecord(value);
          if (record) failed.push({ ...record, key: o.key });
        }
      }
    }
    return {
      bucket: 'kinesis-tui-bucket',
      errorPrefix: 'errors/',
      failedPrefix: 'errors/processing-failed/',
      listed: ['errors/processing-failed/', 'events/'],
      journalPath: '(memory)',
      objects: this.objects
        .map(({ key, kind, time, body }) => ({ key, kind, time, size: Buffer.byteLength(body) }))
        .sort((a, b) => b.time.getTime() - a.time.getTime() || a.key.localeCompare(b.key)),
      deliveredObjects: this.objects.filter((o) => o.kind === 'delivered').length,
      failedObjects: this.objects.filter((o) => o.kind === 'failed').length,
      records: { delivered: delivered.length, failed: failed.length },
      unreadable: [],
      reconciliation: reconcile(this.journal, delivered, failed),
      checkedAt: new Date(),
    };
  }

  async readRecords(key: string): Promise<unknown[]> {
    const object = this.objects.find((o) => o.key === key);
    if (!object) throw new Error(`NoSuchKey: ${key}`);
    return parseJsonRecords(object.body).values;
  }

  async delivery() {
    return this.info;
  }

  /** What the next diagnosis finds (the engine's causes, as diagnosePipeline words them). */
  causes: Cause[] = [
    {
      id: 'buffering',
      title: 'Firehose is still buffering: nothing is wrong yet',
      evidence: ['the oldest missing event was taken 40 s ago'],
      fix: 'wait (`kinesis-tui verify --wait` waits).',
    },
  ];

  async diagnose(): Promise<Cause[]> {
    this.diagnoses++;
    return this.causes;
  }
}
