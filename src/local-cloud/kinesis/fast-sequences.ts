// kinesalite spends most of a PutRecords in bignumber.js, converting every record's sequence number
// between hex and decimal and its partition key's MD5 to a number. These do the same with native BigInt,
// producing the same strings (the tests compare them with kinesalite's own, including for data kinesalite
// wrote before), and are installed in the kinesalite child before it serves. Only kinesalite's current
// (version 2) sequence numbers take the fast path; anything else goes to kinesalite's own code.
import kinesaliteDb from 'kinesalite/db/index.js';
import { partitionKeyHash } from './hash-keys.js';

type Db = typeof kinesaliteDb;
type Parts = Parameters<Db['stringifySequence']>[0];

const POW_2_124 = 1n << 124n;
const POW_2_129 = 1n << 129n;
const POW_2_185 = 1n << 185n;
const POW_2_185_NEXT = 3n << 184n;
// Past this many seconds kinesalite refuses a sequence number's date.
const MAX_SECONDS = 16025175000;

const hex = (value: number | bigint, width: number) => value.toString(16).padStart(width, '0').slice(-width);

export function stringifySequence(parts: Parts, original: Db['stringifySequence']): string {
  if (parts.version !== undefined && parts.version !== null && parts.version !== 2) return original(parts);
  const shardIx = parts.shardIx || 0;
  if (shardIx < 0) return original(parts);
  if (!Number.isInteger(shardIx) || !Number.isFinite(parts.shardCreateTime)) return original(parts);
  let seqIx: bigint;
  try {
    seqIx = BigInt(parts.seqIx || 0);
  } catch {
    return original(parts);
  }
  const digits =
    `2${hex(Math.floor(parts.shardCreateTime / 1000), 9)}${shardIx.toString(16).slice(-1)}` +
    `${hex(seqIx, 16)}${(parts as { byte1?: string }).byte1 || '00'}` +
    `${hex(Math.floor((parts.seqTime || parts.shardCreateTime) / 1000), 9)}${hex(shardIx, 8)}2`;
  return BigInt(`0x${digits}`).toString();
}

export function parseSequence(
  sequence: string,
  original: Db['parseSequence'],
): ReturnType<Db['parseSequence']> {
  if (!/^\d+$/.test(sequence)) return original(sequence);
  let value = BigInt(sequence);
  if (value < POW_2_124) value += POW_2_124;
  const digits = value.toString(16);
  const version2 = value >= POW_2_129 && value > POW_2_185 && value < POW_2_185_NEXT && digits.endsWith('2');
  if (!version2) return original(sequence);
  const seqIxHex = digits.slice(11, 27);
  const shardIxHex = digits.slice(38, 46);
  // kinesalite's limits on what it accepts: leave refusing to its own code, with its own errors.
  if (Number.parseInt(seqIxHex[0] as string, 16) > 7 || Number.parseInt(shardIxHex[0] as string, 16) > 7) {
    return original(sequence);
  }
  const shardCreateSecs = Number.parseInt(digits.slice(1, 10), 16);
  if (shardCreateSecs >= MAX_SECONDS) return original(sequence);
  return {
    shardCreateTime: shardCreateSecs * 1000,
    seqIx: BigInt(`0x${seqIxHex}`).toString(),
    byte1: digits.slice(27, 29),
    seqTime: Number.parseInt(digits.slice(29, 38), 16) * 1000,
    shardIx: Number.parseInt(shardIxHex, 16),
    version: 2,
  } as ReturnType<Db['parseSequence']>;
}

/** A partition key's hash as kinesalite's PutRecord(s) use it: compared with shards' decimal hash keys. */
export function partitionKeyToHashKey(partitionKey: string) {
  const value = partitionKeyHash(partitionKey);
  return {
    comparedTo(other: unknown): number {
      const b = BigInt(String(other));
      return value < b ? -1 : value > b ? 1 : 0;
    },
    toFixed: () => value.toString(),
  };
}

/** Replaces kinesalite's slow conversions with these (kinesalite's actions look them up on each call). */
export function installFastSequences(db: Db = kinesaliteDb): void {
  const originalStringify = db.stringifySequence;
  const originalParse = db.parseSequence;
  db.stringifySequence = (parts) => stringifySequence(parts, originalStringify);
  db.parseSequence = (sequence) => parseSequence(sequence, originalParse);
  (db as { partitionKeyToHashKey?: unknown }).partitionKeyToHashKey = partitionKeyToHashKey;
}
