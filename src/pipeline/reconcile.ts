// Reconciliation: what the producer's journal says was acknowledged, against what the bucket holds.
// Pure: verify feeds it the journal and the records it read.
//
// Delivered records are matched to sent events by event_id when the transform keeps it (exact). A
// transform that drops it (the classic homework keeps user_id, item_id, category, price) is matched by
// content: on the fields it kept whose values are the values sent, exactly for events whose key no other
// event shares and by count per key for the rest. When nothing it kept identifies an event, counts per
// category (or action) are compared, and the result says so.
import { CATEGORIES } from '../../lambda/records.js';
import type { Journal, JournalAck } from './journal.js';
import { categoryText, type DeliveredRecord, type FailedRecord, NO_CATEGORY } from './objects.js';

/** Records per category (the category field's values: ours, or whatever a transform writes). */
export type CategoryCounts = Record<string, number>;

/** Our five categories at zero: the counts every report shows, whatever arrived. */
export function emptyCounts(): CategoryCounts {
  return Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
}

/** Category names to show: ours first, in their order, then any others a transform wrote, sorted. */
export function categoryNames(counts: { sent: CategoryCounts; delivered: CategoryCounts }): string[] {
  const ours = CATEGORIES as readonly string[];
  const names = new Set([...Object.keys(counts.sent), ...Object.keys(counts.delivered)]);
  return [...ours.filter((c) => names.has(c)), ...[...names].filter((n) => !ours.includes(n)).sort()];
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

/** How delivered records were matched to sent events, and so how exact the figures are. */
export type Matching =
  /** Nothing delivered yet: nothing to match. */
  | { by: 'none' }
  /** By event_id: each record names its event; exact. */
  | { by: 'event_id' }
  /** By the fields the transform kept (it drops event_id). */
  | {
      by: 'content';
      /** The key: the kept fields whose values are the values sent (user_id, item_id, price). */
      fields: string[];
      /** Fields the transform wrote under a sent field's name but with other values: left out of the key. */
      changed: string[];
      /** Events whose key no other event shares: matched exactly. */
      exact: number;
      /** Events sharing their key with others: matched by count per key (which of them arrived is unknown). */
      ambiguous: number;
    }
  /** Nothing kept identifies an event: counts compared, per `field` when the transform writes one. */
  | { by: 'count'; field?: string; why: string };

export interface Reconciliation {
  /** Events Kinesis acknowledged, per the journal. */
  acknowledged: number;
  /** Acknowledged events found in delivered objects (each once, however often delivered). */
  delivered: number;
  /** Extra copies beyond the first (Firehose delivers at least once). */
  duplicates: number;
  /** Acknowledged events found neither delivered nor failed. */
  missing: number;
  /** Some of the missing events' ids (only those known exactly when matching by content). */
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
  /** Records per value of the category field (`categoryField`): sent (from the journal) and delivered. */
  categories: { sent: CategoryCounts; delivered: CategoryCounts };
  /** The field categories are counted by (`category` unless told otherwise). */
  categoryField: string;
  /** How records were matched to events: how exact every figure above is. */
  matching: Matching;
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

export interface ReconcileOptions {
  /** The field the transform writes categories in (default `category`). */
  categoryField?: string;
  /**
   * The target stops when the run that sent to it ends (the local cloud stops with each command and
   * with the wizard): an event written after its run ended was written after a restart.
   */
  stopsWithRuns?: boolean;
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

/** The category an acknowledged event was sent with, in the category field's terms. */
function sentCategory(ack: JournalAck, field: string): string {
  return field === 'category' ? ack.category : categoryText(ack.event?.[field]);
}

function countCategories(
  journal: Journal,
  delivered: readonly DeliveredRecord[],
  field: string,
): { sent: CategoryCounts; delivered: CategoryCounts } {
  const sent = emptyCounts();
  const got = emptyCounts();
  for (const ack of journal.acknowledged.values()) {
    if (ack.malformed) continue;
    const c = sentCategory(ack, field);
    sent[c] = (sent[c] ?? 0) + 1;
  }
  // No record carries the field (a pipeline without a transform delivers the events as sent): each record
  // found by its event_id counts under the category it was sent with.
  const written = delivered.some((r) => r.category !== NO_CATEGORY);
  for (const r of delivered) {
    const ack = !written && r.eventId !== undefined ? journal.acknowledged.get(r.eventId) : undefined;
    const c = ack && !ack.malformed ? sentCategory(ack, field) : r.category;
    got[c] = (got[c] ?? 0) + 1;
  }
  for (const name of Object.keys(sent)) got[name] ??= 0;
  for (const name of Object.keys(got)) sent[name] ??= 0;
  return { sent, delivered: got };
}

/** Processing-failed records, by the event id in their raw data (the original record, whatever the transform). */
function reconcileFailures(
  journal: Journal,
  failed: readonly FailedWithKey[],
  deliveredIds: ReadonlySet<string>,
) {
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
    if (!f.eventId || failedIds.has(f.eventId) || deliveredIds.has(f.eventId)) continue;
    const ack = journal.acknowledged.get(f.eventId);
    if (!ack) continue;
    failedIds.add(f.eventId);
    if (ack.malformed) expectedFailures++;
    else failureCodes[f.errorCode] = (failureCodes[f.errorCode] ?? 0) + 1;
  }
  return { failedIds, expectedFailures, unknownFailed, failureCodes };
}

/** What a way of matching finds; `counted` are the delivered records categories count (repeats left out). */
type Core = { counted: readonly DeliveredRecord[] } & Omit<
  Reconciliation,
  | 'acknowledged'
  | 'processingFailed'
  | 'expectedFailures'
  | 'failures'
  | 'failureCodes'
  | 'unknownFailed'
  | 'categories'
  | 'categoryField'
  | 'complete'
  | 'ok'
>;

/** Delivered after the run that sent it ended, on a target that stops with its runs: its wait includes the stop. */
function afterItsRun(journal: Journal, ack: JournalAck, written: number, options: ReconcileOptions): boolean {
  const ended = ack.run !== undefined ? journal.runs[ack.run]?.ended : undefined;
  return Boolean(options.stopsWithRuns) && ended !== undefined && written > ended + AFTER_RUN_MS;
}

/** By event_id: each delivered record names its event. */
function byEventId(
  journal: Journal,
  delivered: readonly DeliveredWithTime[],
  failedIds: ReadonlySet<string>,
  firstSeen: Map<string, DeliveredWithTime>,
  options: ReconcileOptions,
): Core {
  let duplicates = 0;
  let unknown = 0;
  const counted: DeliveredRecord[] = [];
  for (const record of delivered) {
    if (!record.eventId) {
      unknown++;
      counted.push(record);
      continue;
    }
    if (firstSeen.has(record.eventId)) duplicates++;
    else {
      firstSeen.set(record.eventId, record);
      counted.push(record);
    }
  }
  let deliveredCount = 0;
  let lateAcknowledged = 0;
  let latencyLeftOut = 0;
  const latencies: number[] = [];
  for (const [id, record] of firstSeen) {
    const ack = journal.acknowledged.get(id);
    if (ack) {
      deliveredCount++;
      if (afterItsRun(journal, ack, record.objectTime, options)) latencyLeftOut++;
      else latencies.push(Math.max(0, record.objectTime - ack.time));
    } else if (journal.unconfirmed.has(id) || journal.failed.has(id)) lateAcknowledged++;
    else unknown++;
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
  return {
    counted,
    delivered: deliveredCount,
    duplicates,
    missing,
    missingIds,
    ...(oldestMissingAt !== undefined ? { oldestMissingAt } : {}),
    lateAcknowledged,
    producerFailed: [...journal.failed.keys()].filter((id) => !firstSeen.has(id)).length,
    unknown,
    matching: delivered.length > 0 ? { by: 'event_id' } : { by: 'none' },
    latency: latencyOf(latencies),
    latencyLeftOut,
  };
}

/** A value as a key part: the same JSON value sent and delivered gives the same text. */
const canonical = (value: unknown) => (value === undefined ? '\u0000' : JSON.stringify(value));

/**
 * The fields to match on: those the transform wrote under a sent field's name whose values (for at least
 * half the records) are among the values sent; the others were changed by the transform.
 */
export function contentKeyFields(
  sent: ReadonlyArray<Record<string, unknown>>,
  delivered: ReadonlyArray<Record<string, unknown>>,
): { fields: string[]; changed: string[] } {
  const sentNames = Object.keys(sent[0] ?? {}).filter((f) => f !== 'event_id');
  const written = new Set<string>();
  for (const record of delivered) for (const name of Object.keys(record)) written.add(name);
  const fields: string[] = [];
  const changed: string[] = [];
  for (const name of sentNames) {
    if (!written.has(name)) continue;
    const values = new Set(sent.map((e) => canonical(e[name])));
    let having = 0;
    let same = 0;
    for (const record of delivered) {
      if (!Object.hasOwn(record, name)) continue;
      having++;
      if (values.has(canonical(record[name]))) same++;
    }
    (same * 2 >= having && having > 0 ? fields : changed).push(name);
  }
  return { fields, changed };
}

/** By the fields the transform kept: exact for unique keys, by count per key for shared ones. */
function byContent(
  journal: Journal,
  delivered: readonly DeliveredWithTime[],
  failedIds: ReadonlySet<string>,
  options: ReconcileOptions,
): Core | { why: string } {
  const acks = [...journal.acknowledged.values()].filter((a) => !a.malformed && !failedIds.has(a.event_id));
  const withContent = acks.filter((a) => a.event);
  if (acks.length > 0 && withContent.length === 0) {
    return { why: 'the journal holds no event contents (it was written by an earlier kinesis-tui)' };
  }
  const records = delivered.map((r) => r.fields ?? {});
  const { fields, changed } = contentKeyFields(
    withContent.map((a) => a.event as Record<string, unknown>),
    records,
  );
  if (fields.length === 0) {
    const kept = [...new Set(records.flatMap((r) => Object.keys(r)))];
    return {
      why: `none of the fields the transform writes (${kept.join(', ') || 'none'}) carries a value that was sent`,
    };
  }
  const keyOf = (values: Record<string, unknown>) => fields.map((f) => canonical(values[f])).join('\u0001');
  // Sent events by key, oldest first: of events sharing a key, the newest are taken as the missing ones.
  const sent = new Map<string, JournalAck[]>();
  for (const ack of withContent.sort((a, b) => a.time - b.time)) {
    const key = keyOf(ack.event as Record<string, unknown>);
    const list = sent.get(key);
    if (list) list.push(ack);
    else sent.set(key, [ack]);
  }
  const got = new Map<string, { count: number; firstTime: number }>();
  let unknown = 0;
  const counted: DeliveredRecord[] = [];
  for (const record of delivered) {
    const key = keyOf(record.fields ?? {});
    const events = sent.get(key);
    if (!events) {
      unknown++;
      counted.push(record);
      continue;
    }
    const seen = got.get(key);
    if (seen) {
      seen.count++;
      seen.firstTime = Math.min(seen.firstTime, record.objectTime);
    } else got.set(key, { count: 1, firstTime: record.objectTime });
    // Copies beyond the events sent with this key are repeats: not counted again.
    if ((got.get(key)?.count ?? 0) <= events.length) counted.push(record);
  }
  let deliveredCount = 0;
  let duplicates = 0;
  let missing = 0;
  let exact = 0;
  let ambiguous = 0;
  let oldestMissingAt: number | undefined;
  const missingIds: string[] = [];
  const latencies: number[] = [];
  let latencyLeftOut = 0;
  for (const [key, events] of sent) {
    const arrived = got.get(key);
    const count = arrived?.count ?? 0;
    const matched = Math.min(events.length, count);
    deliveredCount += matched;
    duplicates += Math.max(0, count - events.length);
    if (events.length === 1) {
      exact++;
      const ack = events[0];
      if (matched && arrived && ack) {
        if (afterItsRun(journal, ack, arrived.firstTime, options)) latencyLeftOut++;
        else latencies.push(Math.max(0, arrived.firstTime - ack.time));
      }
    } else ambiguous += events.length;
    for (const ack of events.slice(matched)) {
      missing++;
      if (oldestMissingAt === undefined || ack.time < oldestMissingAt) oldestMissingAt = ack.time;
      if (events.length === 1 && missingIds.length < LISTED) missingIds.push(ack.event_id);
    }
  }
  // Events journaled without content (none in a current journal) cannot be matched: counted as missing.
  for (const ack of acks) {
    if (ack.event) continue;
    missing++;
    if (oldestMissingAt === undefined || ack.time < oldestMissingAt) oldestMissingAt = ack.time;
  }
  return {
    counted,
    delivered: deliveredCount,
    duplicates,
    missing,
    missingIds,
    ...(oldestMissingAt !== undefined ? { oldestMissingAt } : {}),
    // Lost acknowledgements and given-up events are journaled by id only: their records count as unknown.
    lateAcknowledged: 0,
    producerFailed: journal.failed.size,
    unknown,
    matching: { by: 'content', fields, changed, exact, ambiguous },
    latency: latencyOf(latencies),
    latencyLeftOut,
  };
}

/** By counts: per category (or action) when the transform writes values that were sent, else in total. */
function byCount(
  journal: Journal,
  delivered: readonly DeliveredWithTime[],
  failedIds: ReadonlySet<string>,
  categoryField: string,
  why: string,
): Core {
  const acks = [...journal.acknowledged.values()].filter((a) => !a.malformed && !failedIds.has(a.event_id));
  const groupBy = [categoryField, 'action'].find((field) => {
    const sentValues = new Set(acks.map((a) => sentCategory(a, field)));
    const values = delivered.map((r) =>
      categoryText(r.fields?.[field] ?? (field === categoryField ? r.category : undefined)),
    );
    return values.length > 0 && values.every((v) => sentValues.has(v));
  });
  const groupOf = (a: JournalAck) => (groupBy ? sentCategory(a, groupBy) : '');
  const recordGroup = (r: DeliveredWithTime) =>
    groupBy ? categoryText(r.fields?.[groupBy] ?? (groupBy === categoryField ? r.category : undefined)) : '';
  const sent = new Map<string, JournalAck[]>();
  for (const ack of acks.sort((a, b) => a.time - b.time)) {
    const list = sent.get(groupOf(ack));
    if (list) list.push(ack);
    else sent.set(groupOf(ack), [ack]);
  }
  const got = new Map<string, number>();
  for (const r of delivered) got.set(recordGroup(r), (got.get(recordGroup(r)) ?? 0) + 1);
  let deliveredCount = 0;
  let extra = 0;
  let missing = 0;
  let oldestMissingAt: number | undefined;
  for (const [group, events] of sent) {
    const count = got.get(group) ?? 0;
    deliveredCount += Math.min(count, events.length);
    extra += Math.max(0, count - events.length);
    for (const ack of events.slice(Math.min(count, events.length))) {
      missing++;
      if (oldestMissingAt === undefined || ack.time < oldestMissingAt) oldestMissingAt = ack.time;
    }
  }
  for (const [group, count] of got) if (!sent.has(group)) extra += count;
  return {
    counted: delivered,
    delivered: deliveredCount,
    duplicates: 0,
    missing,
    missingIds: [],
    ...(oldestMissingAt !== undefined ? { oldestMissingAt } : {}),
    lateAcknowledged: 0,
    producerFailed: journal.failed.size,
    // More records than were sent (of a category): repeats and records from elsewhere look alike here.
    unknown: extra,
    matching: { by: 'count', ...(groupBy ? { field: groupBy } : {}), why },
    latency: undefined,
    latencyLeftOut: 0,
  };
}

export function reconcile(
  journal: Journal,
  delivered: readonly DeliveredWithTime[],
  failed: readonly FailedWithKey[],
  options: ReconcileOptions = {},
): Reconciliation {
  const categoryField = options.categoryField ?? 'category';
  // A transform that keeps event_id on any record is matched by it; one that keeps it on none, by content.
  const byId = delivered.length === 0 || delivered.some((r) => r.eventId !== undefined);
  const firstSeen = new Map<string, DeliveredWithTime>();
  if (byId)
    for (const r of delivered) if (r.eventId && !firstSeen.has(r.eventId)) firstSeen.set(r.eventId, r);
  const { failedIds, expectedFailures, unknownFailed, failureCodes } = reconcileFailures(
    journal,
    failed,
    new Set(firstSeen.keys()),
  );
  let core: Core;
  if (byId) core = byEventId(journal, delivered, failedIds, new Map(), options);
  else {
    const content = byContent(journal, delivered, failedIds, options);
    core = 'why' in content ? byCount(journal, delivered, failedIds, categoryField, content.why) : content;
  }
  const complete = core.missing === 0;
  const { counted, ...figures } = core;
  return {
    ...figures,
    acknowledged: journal.acknowledged.size,
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
    unknownFailed,
    categories: countCategories(journal, counted, categoryField),
    categoryField,
    complete,
    ok: complete && failedIds.size === expectedFailures,
  };
}

/** The same in a few words, for one line of a screen. */
export function matchingSummary(m: Matching): string {
  switch (m.by) {
    case 'none':
      return 'nothing delivered yet';
    case 'event_id':
      return 'matched on event_id (exact)';
    case 'content':
      return `matched on ${m.fields.join('+')} (no event_id): exact for ${m.exact} of ${m.exact + m.ambiguous}${m.ambiguous ? `, ${m.ambiguous} by count (shared keys)` : ''}`;
    case 'count':
      return `counts${m.field ? ` per ${m.field}` : ''} only: ${m.why}`;
  }
}

/** How the records were matched, in a sentence for people. */
export function matchingText(m: Matching): string {
  switch (m.by) {
    case 'none':
      return 'nothing delivered yet';
    case 'event_id':
      return 'matched on event_id: exact, one record per event';
    case 'content': {
      const total = m.exact + m.ambiguous;
      const how =
        m.ambiguous === 0
          ? `every key is unique: exact for all ${total} events`
          : `exact for ${m.exact} of ${total} events (keys no other event shares); ${m.ambiguous} share their key with another event and are matched by count per key`;
      const changed = m.changed.length
        ? `; left out, the transform changes them: ${m.changed.join(', ')}`
        : '';
      return `matched by content on ${m.fields.join('+')} (the transform drops event_id): ${how}${changed}`;
    }
    case 'count':
      return `${m.why}: compared counts${m.field ? ` per ${m.field}` : ' in total'} instead, so missing is a count, not a list of events, and repeats cannot be told from records sent by others`;
  }
}
