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
  try {
    const raw = Buffer.from(iterator, 'base64');
    if (raw.length < 24) return undefined;
    const decipher = createDecipheriv(
      'aes-256-cbc',
      kinesaliteDb.ITERATOR_PWD_KEY,
      kinesaliteDb.ITERATOR_PWD_IV,
    );
    const plain = Buffer.concat([decipher.update(raw.subarray(8)), decipher.final()]).toString('utf8');
    const [, stream, shardId] = plain.split('/');
    return stream && shardId ? { stream, shardId } : undefined;
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
