// Reading what Firehose wrote: objects hold JSON records either one a line or concatenated with no
// separator at all (Firehose adds none; our transform adds a newline, others may not). Pure.

export interface ParsedObject {
  values: unknown[];
  /** Bits of the object that are not JSON, with their offset. */
  errors: Array<{ offset: number; text: string }>;
}

/** Every top-level JSON value in `text`, whether separated by newlines, other whitespace, or nothing. */
export function parseJsonRecords(text: string): ParsedObject {
  const values: unknown[] = [];
  const errors: ParsedObject['errors'] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    const open = text[i];
    if (open === '{' || open === '[') {
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const ch = text[i];
        if (inString) {
          if (ch === '\\') i++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
      const slice = text.slice(start, i);
      try {
        values.push(JSON.parse(slice));
      } catch {
        errors.push({ offset: start, text: slice.slice(0, 200) });
      }
      continue;
    }
    // Not the start of an object or array: skip to the end of the line and say so.
    const end = text.indexOf('\n', i);
    i = end === -1 ? n : end + 1;
    errors.push({ offset: start, text: text.slice(start, end === -1 ? n : end).slice(0, 200) });
  }
  return { values, errors };
}

/** One transformed record as verify needs it. */
export interface DeliveredRecord {
  eventId: string | undefined;
  /** The value of the category field as the transform wrote it (`NO_CATEGORY` when it wrote none). */
  category: string;
  action: unknown;
  /** The record's fields, kept when it has no event_id: verify then matches it to what was sent by content. */
  fields?: Record<string, unknown>;
}

/** The category of a record whose transform wrote no category field. */
export const NO_CATEGORY = '(none)';

/** The category field's value as text (a transform may write any value, or none). */
export function categoryText(value: unknown): string {
  if (value === undefined || value === null || value === '') return NO_CATEGORY;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function toDeliveredRecord(value: unknown, categoryField = 'category'): DeliveredRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id : undefined;
  return {
    eventId,
    category: categoryText(record[categoryField]),
    action: record.action,
    ...(eventId === undefined ? { fields: record } : {}),
  };
}

/** One line of errors/processing-failed/: Firehose's record of a record it could not transform. */
export interface FailedRecord {
  eventId: string | undefined;
  errorCode: string;
  errorMessage: string;
  /** The original record, decoded from base64 (as text; binary shown as such). */
  raw: string;
  attemptsMade: number | undefined;
  arrivalTimestamp: number | undefined;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The event id in a raw record: its `event_id` if it is a JSON object, else the first UUID in it. */
export function eventIdIn(raw: string): string | undefined {
  try {
    const value = JSON.parse(raw) as { event_id?: unknown };
    if (value && typeof value === 'object' && typeof value.event_id === 'string') return value.event_id;
  } catch {
    // not JSON: look for an id in the text
  }
  return UUID.exec(raw)?.[0];
}

export function toFailedRecord(value: unknown): FailedRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.rawData !== 'string' && typeof r.errorCode !== 'string') return undefined;
  const bytes = Buffer.from(typeof r.rawData === 'string' ? r.rawData : '', 'base64');
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    raw = `(${bytes.length} bytes of binary data)`;
  }
  const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));
  return {
    eventId: eventIdIn(raw),
    errorCode: String(r.errorCode ?? 'unknown'),
    errorMessage: String(r.errorMessage ?? ''),
    raw,
    attemptsMade: num(r.attemptsMade),
    arrivalTimestamp: num(r.arrivalTimestamp),
  };
}
