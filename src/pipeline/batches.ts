// Kinesis PutRecords limits, and packing queued records into calls that respect them.

/** PutRecords: at most 500 records a call. */
export const MAX_RECORDS_PER_CALL = 500;
/** PutRecords: at most 5 MiB a call, data and partition keys together. */
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** One record: at most 1 MiB, data and partition key together. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface Sized {
  /** Data bytes plus the partition key's UTF-8 bytes: what Kinesis counts against its limits. */
  readonly size: number;
}

export function recordSize(data: Uint8Array, partitionKey: string): number {
  return data.byteLength + Buffer.byteLength(partitionKey, 'utf8');
}

/**
 * How many of `items` (from `start`) fit in one call: up to 500 records and 5 MiB. Items larger than a
 * record may be are refused before they are queued, so at least one always fits.
 */
export function fitInCall(
  items: ReadonlyArray<Sized>,
  start = 0,
  room = { records: MAX_RECORDS_PER_CALL, bytes: MAX_BYTES_PER_CALL },
): number {
  let count = 0;
  let bytes = 0;
  for (let i = start; i < items.length && count < room.records; i++) {
    const size = items[i]?.size ?? 0;
    if (count > 0 && bytes + size > room.bytes) break;
    if (count === 0 && size > room.bytes) break;
    bytes += size;
    count++;
  }
  return count;
}
