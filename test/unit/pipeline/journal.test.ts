import { appendFileSync, closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Journal, JournalReader, JournalWriter, parseJournal } from '../../../src/pipeline/journal.js';
import { tempDir } from '../../support/local-cloud.js';

describe('journal', () => {
  it('reads acknowledgements, failures, runs and events whose acknowledgement was lost', () => {
    const text = [
      JSON.stringify({ run: { started: 1, stream: 's', seed: 4 } }),
      JSON.stringify({ pending: ['a', 'b', 'c', 'd'], time: 2 }),
      JSON.stringify({ event_id: 'a', shard: 'shardId-0', seq: '1', time: 3, category: 'Books' }),
      JSON.stringify({ failed: 'b', reason: 'InternalFailure', time: 4 }),
      JSON.stringify({
        event_id: 'c',
        shard: 'shardId-0',
        seq: '2',
        time: 5,
        category: 'Other',
        malformed: true,
      }),
      '{"event_id":"d","sha', // torn by a crash
    ].join('\n');
    const journal = parseJournal(text);
    expect([...journal.acknowledged.keys()]).toEqual(['a', 'c']);
    expect(journal.acknowledged.get('c')?.malformed).toBe(true);
    expect(journal.failed.get('b')?.reason).toBe('InternalFailure');
    expect([...journal.unconfirmed]).toEqual(['d']);
    expect(journal.unreadable).toEqual([6]);
    expect(journal.runs).toEqual([{ started: 1, stream: 's', seed: 4 }]);
  });

  it('keeps each event as it was sent with its acknowledgement, and still reads journals without it', () => {
    const dir = tempDir('journal-writer-');
    try {
      const path = join(dir, 'j.ndjson');
      const writer = JournalWriter.open(path);
      const sent = { event_id: 'e"1', user_id: 'user_7', item_id: 512, price: 40.5, action: 'view_item' };
      writer.acknowledged([
        {
          event_id: 'e"1',
          shard: 'shardId-000000000000',
          seq: '49',
          time: 10,
          category: 'Electronics',
          eventJson: JSON.stringify(sent),
        },
        {
          event_id: 'm',
          shard: 'shardId-000000000000',
          seq: '50',
          time: 11,
          category: 'Other',
          malformed: true,
        },
      ]);
      writer.close();
      const text = readFileSync(path, 'utf8');
      // One JSON object a line, as every reader of the journal expects.
      for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      const journal = parseJournal(text);
      expect(journal.acknowledged.get('e"1')).toEqual({
        event_id: 'e"1',
        shard: 'shardId-000000000000',
        seq: '49',
        time: 10,
        category: 'Electronics',
        event: sent,
      });
      expect(journal.acknowledged.get('m')).toMatchObject({ malformed: true });
      expect(journal.acknowledged.get('m')?.event).toBeUndefined();
      // A journal from before events were kept reads as before, without contents.
      const old = parseJournal(
        JSON.stringify({ event_id: 'a', shard: 'shardId-0', seq: '1', time: 3, category: 'Books' }),
      );
      expect(old.acknowledged.get('a')).toEqual({
        event_id: 'a',
        shard: 'shardId-0',
        seq: '1',
        time: 3,
        category: 'Books',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts an event acknowledged after an earlier give-up as acknowledged', () => {
    const journal = parseJournal(
      [
        JSON.stringify({ failed: 'x', reason: 'r', time: 1 }),
        JSON.stringify({ event_id: 'x', shard: 's', seq: '9', time: 2, category: 'Books' }),
      ].join('\n'),
    );
    expect(journal.failed.size).toBe(0);
    expect(journal.acknowledged.has('x')).toBe(true);
  });
});

describe('journal read as it grows (verify polling while stream appends)', () => {
  const dir = tempDir('journal-reader-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ack = (id: string, seq: number) =>
    `${JSON.stringify({ event_id: id, shard: 'shardId-0', seq: String(seq), time: seq, category: 'Books' })}\n`;
  /** What a journal says, in a form to compare. */
  const view = (j: Journal) => ({
    acknowledged: [...j.acknowledged.keys()],
    failed: [...j.failed.entries()],
    unconfirmed: [...j.unconfirmed],
    runs: j.runs,
    unreadable: j.unreadable,
  });

  it('says at each read what the whole file says, a line cut between reads (inside a character too) included', () => {
    const path = join(dir, 'growing.ndjson');
    const reader = new JournalReader(path);
    expect(view(reader.read())).toEqual(view(parseJournal('')));
    const text =
      JSON.stringify({ run: { started: 1, stream: 's' } }) +
      '\n' +
      JSON.stringify({ pending: ['a', 'b', 'c'], time: 2 }) +
      '\n' +
      ack('a', 3) +
      // A reason with characters of two and three bytes, so some cut falls inside one.
      `${JSON.stringify({ failed: 'b', reason: 'ThrottlingException: débit dépassé → réessayé', time: 4 })}\n` +
      ack('c', 5);
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    for (const cut of [7, 40, 41, 95, 150, 151, 192, 208, 209, 230, bytes.length]) {
      appendFileSync(path, bytes.subarray(written, cut));
      written = cut;
      const sofar = bytes.subarray(0, cut).toString('utf8');
      const complete = sofar.slice(0, sofar.lastIndexOf('\n') + 1);
      const expected = parseJournal(complete);
      // A last line without its newline yet is noted as unreadable (as a line torn by a crash is), not parsed.
      if (complete.length < sofar.length) expected.unreadable.push(complete.split('\n').length);
      expect(view(reader.read()), `after ${cut} bytes`).toEqual(view(expected));
    }
    const last = reader.read();
    expect(last.failed.get('b')?.reason).toBe('ThrottlingException: débit dépassé → réessayé');
    expect([...last.acknowledged.keys()]).toEqual(['a', 'c']);
    expect(last.unconfirmed.size).toBe(0);
  });

  it('reads only what was appended since the last read', () => {
    const path = join(dir, 'appended.ndjson');
    appendFileSync(path, ack('a', 1) + ack('b', 2));
    const reader = new JournalReader(path);
    expect(reader.read().acknowledged.size).toBe(2);
    // Bytes already read are not read again: rewriting them in place (same length) changes nothing it says.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from(ack('x', 1)), 0, ack('x', 1).length, 0);
    closeSync(fd);
    appendFileSync(path, ack('c', 3));
    expect([...reader.read().acknowledged.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('starts over when the journal is archived and a new one begun, and when it is gone', () => {
    const path = join(dir, 'archived.ndjson');
    appendFileSync(path, ack('old-1', 1) + ack('old-2', 2));
    const reader = new JournalReader(path);
    expect(reader.read().acknowledged.size).toBe(2);
    renameSync(path, `${path}.archived`);
    expect(reader.read().acknowledged.size).toBe(0);
    appendFileSync(path, ack('new', 1));
    expect([...reader.read().acknowledged.keys()]).toEqual(['new']);
  });
});
