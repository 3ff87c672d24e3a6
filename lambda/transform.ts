import type { FirehoseTransformationResultRecord } from './contract.js';
import { categoryOf, type TransformedRecord } from './records.js';

// Firehose always sends standard, padded base64; anything else was not written by it and cannot be trusted.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type Decoded = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** Base64 -> UTF-8 -> JSON object, or why not. Never throws. */
export function decodeEvent(data: unknown): Decoded {
  if (typeof data !== 'string' || !BASE64.test(data)) return { ok: false, reason: 'data is not base64' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64'));
  } catch {
    return { ok: false, reason: 'data is not UTF-8 text' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'data is JSON but not an object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The output record for one event: its fields, missing ones as null, and the category of its item. */
export function toTransformed(event: Record<string, unknown>): TransformedRecord {
  const field = (name: string): unknown => event[name] ?? null;
  return {
    user_id: field('user_id'),
    item_id: field('item_id'),
    category: categoryOf(event.item_id),
    price: field('price'),
    action: field('action'),
    timestamp: field('timestamp'),
    event_id: field('event_id'),
  };
}

/**
 * One Firehose record in, its result out: Ok with one JSON line (newline-terminated, because Firehose
 * concatenates records with no separator), or ProcessingFailed carrying the original data unchanged.
 */
export function transformRecord(recordId: string, data: unknown): FirehoseTransformationResultRecord {
  const decoded = decodeEvent(data);
  if (!decoded.ok) {
    return { recordId, result: 'ProcessingFailed', data: typeof data === 'string' ? data : '' };
  }
  const line = `${JSON.stringify(toTransformed(decoded.value))}\n`;
  return { recordId, result: 'Ok', data: Buffer.from(line, 'utf8').toString('base64') };
}
