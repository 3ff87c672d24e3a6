// The producer journal: one NDJSON file per stack, appended by every `stream` run, read by `verify`.
// Lines (each a JSON object):
//   {"run":{"started":ms,"stream":"...","seed":n}}             a run begins
//   {"pending":["<event_id>",...],"time":ms}                   about to be sent (first attempt)
//   {"event_id":"..","shard":"..","seq":"..","time":ms,"category":"Books"[,"malformed":true]}
//                                                              acknowledged by Kinesis
//   {"failed":"<event_id>","reason":"..","time":ms}            given up after the retry budget
// Writes are synchronous and one per PutRecords call (all its lines in one write), so a crash of this
// process loses nothing the kernel has accepted; "pending" lines let verify recognise events that reached
// the stream although their acknowledgement was lost.
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Category } from '../../lambda/records.js';
import { makeDirs } from '../config/paths.js';

export interface JournalAck {
  event_id: string;
  shard: string;
  seq: string;
  /** When Kinesis acknowledged it, epoch ms. */
  time: number;
  category: Category;
  malformed?: boolean;
}

export interface JournalFailure {
  event_id: string;
  reason: string;
  time: number;
}

export interface JournalRun {
  started: number;
  stream: string;
  seed?: number;
}

export class JournalWriter {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  static open(path: string): JournalWriter {
    makeDirs(dirname(path));
    return new JournalWriter(path, openSync(path, 'a', 0o600));
  }

  private write(lines: string): void {
    if (this.fd === undefined || lines.length === 0) return;
    writeSync(this.fd, lines);
  }

  run(run: JournalRun): void {
    this.write(`${JSON.stringify({ run })}\n`);
  }

  pending(eventIds: readonly string[], time: number): void {
    if (eventIds.length > 0) this.write(`${JSON.stringify({ pending: eventIds, time })}\n`);
  }

  acknowledged(acks: readonly JournalAck[]): void {
    let lines = '';
    for (const ack of acks) lines += `${JSON.stringify(ack)}\n`;
    this.write(lines);
  }

  failed(failures: readonly JournalFailure[]): void {
    let lines = '';
    for (const f of failures)
      lines += `${JSON.stringify({ failed: f.event_id, reason: f.reason, time: f.time })}\n`;
    this.write(lines);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface Journal {
  path: string;
  runs: JournalRun[];
  /** Acknowledged events by id (a repeat acknowledgement, from a retry after a lost answer, is counted). */
  acknowledged: Map<string, JournalAck>;
  /** Ids sent but never acknowledged nor given up: the producer was killed with them in flight. */
  unconfirmed: Set<string>;
  /** Ids given up after the retry budget, with the last reason. */
  failed: Map<string, JournalFailure>;
  /** Lines that could not be read (a torn last line after a crash), by line number. */
  unreadable: number[];
}

export function emptyJournal(path: string): Journal {
  return {
    path,
    runs: [],
    acknowledged: new Map(),
    unconfirmed: new Set(),
    failed: new Map(),
    unreadable: [],
  };
}

/** Parses a journal's text. Pure; a torn or foreign line is noted, never fatal. */
export function parseJournal(text: string, path = ''): Journal {
  const journal = emptyJournal(path);
  const pending = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      journal.unreadable.push(i + 1);
      continue;
    }
    if (typeof value.event_id === 'string' && typeof value.seq === 'string') {
      journal.acknowledged.set(value.event_id, value as unknown as JournalAck);
      pending.delete(value.event_id);
      journal.failed.delete(value.event_id);
    } else if (Array.isArray(value.pending)) {
      for (const id of value.pending) if (typeof id === 'string') pending.add(id);
    } else if (typeof value.failed === 'string') {
      pending.delete(value.failed);
      if (!journal.acknowledged.has(value.failed)) {
        journal.failed.set(value.failed, {
          event_id: value.failed,
          reason: String(value.reason ?? ''),
          time: Number(value.time ?? 0),
        });
      }
    } else if (value.run && typeof value.run === 'object') {
      journal.runs.push(value.run as JournalRun);
    } else {
      journal.unreadable.push(i + 1);
    }
  }
  for (const id of pending) if (!journal.acknowledged.has(id)) journal.unconfirmed.add(id);
  return journal;
}

/** Reads the journal at `path`; a missing file is an empty journal (nothing was sent). */
export function readJournal(path: string): Journal {
  if (!existsSync(path)) return emptyJournal(path);
  return parseJournal(readFileSync(path, 'utf8'), path);
}

/** Moves a journal aside (a new stack of the same name starts a new one); returns where it went. */
export function archiveJournal(path: string, now = new Date()): string | undefined {
  if (!existsSync(path)) return undefined;
  const archived = `${path}.${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, archived);
  return archived;
}
