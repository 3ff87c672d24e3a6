// What kinesalite's opaque tokens hold: shard iterators (which stream and shard a GetRecords reads) and
// sequence numbers (when a shard opened and closed), read with kinesalite's own keys and parsers.
import { createDecipheriv } from 'node:crypto';
import kinesaliteDb from 'kinesalite/db/index.js';
import type { Shard } from './hash-keys.js';

export interface IteratorTarget {
  stream: string;
  shardId: string;
}

/** The stream and shard a kinesalite shard iterator reads, or undefined for anything else. */
export function iteratorTarget(iterator: string): IteratorTarget | undefined {
  const position = iteratorPosition(iterator);
  return position && { stream: position.stream, shardId: position.shardId };
}

/** What a kinesalite shard iterator holds: its stream, shard and the sequence number it reads from. */
export function iteratorPosition(iterator: string): (IteratorTarget & { sequence: string }) | undefined {
  try {
    const raw = Buffer.from(iterator, 'base64');
    if (raw.length < 24) return undefined;
    const decipher = createDecipheriv(
      'aes-256-cbc',
      kinesaliteDb.ITERATOR_PWD_KEY,
      kinesaliteDb.ITERATOR_PWD_IV,
    );
    const plain = Buffer.concat([decipher.update(raw.subarray(8)), decipher.final()]).toString('utf8');
    const [, stream, shardId, sequence] = plain.split('/');
    return stream && shardId && sequence ? { stream, shardId, sequence } : undefined;
  } catch {
    return undefined;
  }
}

/** When a shard opened (epoch ms). */
export function shardOpenedAt(shard: Shard): number {
  return kinesaliteDb.parseSequence(shard.SequenceNumberRange.StartingSequenceNumber).shardCreateTime;
}

/** When a shard closed (epoch ms), or undefined while it is open. */
export function shardClosedAt(shard: Shard): number | undefined {
  const ending = shard.SequenceNumberRange.EndingSequenceNumber;
  return ending === undefined ? undefined : (kinesaliteDb.parseSequence(ending).seqTime ?? undefined);
}

/**
 * The sequence number just before `sequence` in kinesalite's order: AFTER_SEQUENCE_NUMBER with it reads
 * from `sequence` on (kinesalite's "after" is the same index one second later).
 */
export function sequenceBefore(sequence: string): string {
  const parts = kinesaliteDb.parseSequence(sequence);
  return kinesaliteDb.stringifySequence({
    ...parts,
    seqTime: (parts.seqTime ?? parts.shardCreateTime) - 1000,
  });
}
