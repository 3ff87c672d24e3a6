// The producer journal: one NDJSON file per stack, appended by every `stream` run, read by `verify`.
// Lines (each a JSON object):
//   {"run":{"started":ms,"stream":"...","seed":n}}             a run begins
//   {"pending":["<event_id>",...],"time":ms}                   about to be sent (first attempt)
//   {"event_id":"..","shard":"..","seq":"..","time":ms,"category":"Books"[,"malformed":true][,"event":{..}]}
//                                                              acknowledged by Kinesis; `event` is the event
//                                                              as sent (journals before it lack it: verify
//                                                              then cannot match by content, and says so)
//   {"failed":"<event_id>","reason":"..","time":ms}            given up (its time budget ran out)
//   {"ended":ms}                                               the run stopped (nothing left in flight)
// Writes are synchronous and one per PutRecords call (all its lines in one write), so a crash of this
// process loses nothing the kernel has accepted; "pending" lines let verify recognise events that reached
// the stream although their acknowledgement was lost.
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
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
  /** The run it was sent in (an index into `Journal.runs`), set when the journal is read. */
  run?: number;
  /**
   * The event as it was sent (its fields), for matching delivered records by content when the transform
   * drops event_id. Absent for malformed records, and in journals written before it was kept.
   */
  event?: Record<string, unknown>;
}

/** An acknowledgement to journal: the event as sent comes as its JSON text, written as it is. */
export type JournalAckInput = Omit<JournalAck, 'event'> & { eventJson?: string };

export interface JournalFailure {
  event_id: string;
  reason: string;
  time: number;
}

export interface JournalRun {
  started: number;
  stream: string;
  seed?: number;
  /** When it stopped, epoch ms (read from its `ended` line; none when the producer was killed). */
  ended?: number;
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

  acknowledged(acks: readonly JournalAckInput[]): void {
    let lines = '';
    for (const a of acks) {
      // Written field by field, and the event's JSON as it was sent: no object copied or serialized again
      // per event on the producer's hot path. Categories are ours (fixed names); the rest is escaped.
      lines +=
        `{"event_id":${JSON.stringify(a.event_id)},"shard":${JSON.stringify(a.shard)},"seq":${JSON.stringify(a.seq)},` +
        `"time":${a.time},"category":"${a.category}"${a.malformed ? ',"malformed":true' : ''}` +
        `${a.eventJson ? `,"event":${a.eventJson}` : ''}}\n`;
    }
    this.write(lines);
  }

  failed(failures: readonly JournalFailure[]): void {
    let lines = '';
    for (const f of failures)
      lines += `${JSON.stringify({ failed: f.event_id, reason: f.reason, time: f.time })}\n`;
    this.write(lines);
  }

  /** The run stopped, with nothing left in flight. */
  ended(time: number): void {
    this.write(`${JSON.stringify({ ended: time })}\n`);
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
  /** Ids given up (their time budget ran out, or the stream refused for good), with the last reason. */
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

/** Journal lines, parsed in order as they come; `result()` is what the lines so far say. */
class JournalParser {
  private readonly journal: Journal;
  /** Ids sent and not yet acknowledged or given up. */
  private readonly pending = new Set<string>();
  private lines = 0;

  constructor(path: string) {
    this.journal = emptyJournal(path);
  }

  line(line: string): void {
    this.lines++;
    if (!line) return;
    const journal = this.journal;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      journal.unreadable.push(this.lines);
      return;
    }
    if (typeof value.event_id === 'string' && typeof value.seq === 'string') {
      if (journal.runs.length > 0) value.run = journal.runs.length - 1;
      journal.acknowledged.set(value.event_id, value as unknown as JournalAck);
      this.pending.delete(value.event_id);
      journal.failed.delete(value.event_id);
    } else if (Array.isArray(value.pending)) {
      for (const id of value.pending) if (typeof id === 'string') this.pending.add(id);
    } else if (typeof value.failed === 'string') {
      this.pending.delete(value.failed);
      if (!journal.acknowledged.has(value.failed)) {
        journal.failed.set(value.failed, {
          event_id: value.failed,
          reason: String(value.reason ?? ''),
          time: Number(value.time ?? 0),
        });
      }
    } else if (value.run && typeof value.run === 'object') {
      journal.runs.push(value.run as JournalRun);
    } else if (typeof value.ended === 'number') {
      const run = journal.runs.at(-1);
      if (run) run.ended = value.ended;
    } else {
      journal.unreadable.push(this.lines);
    }
  }

  /**
   * What the lines so far say. `torn`: a last line without its newline follows (a crash cut its write, or
   * it is being written): noted as unreadable, as a line that does not parse is. The maps are the parser's
   * own: read them before feeding it more.
   */
  result(torn = false): Journal {
    const { acknowledged } = this.journal;
    const unconfirmed = new Set<string>();
    for (const id of this.pending) if (!acknowledged.has(id)) unconfirmed.add(id);
    return {
      ...this.journal,
      unconfirmed,
      unreadable: torn ? [...this.journal.unreadable, this.lines + 1] : [...this.journal.unreadable],
    };
  }
}

/** Parses a journal's text. Pure; a torn or foreign line is noted, never fatal. */
export function parseJournal(text: string, path = ''): Journal {
  const parser = new JournalParser(path);
  for (const line of text.split('\n')) parser.line(line);
  return parser.result();
}

/** Reads the journal at `path`; a missing file is an empty journal (nothing was sent). */
export function readJournal(path: string): Journal {
  if (!existsSync(path)) return emptyJournal(path);
  return parseJournal(readFileSync(path, 'utf8'), path);
}

const NEWLINE = 0x0a;

/**
 * A journal read again and again as it grows (verify polls while `stream` appends): each read parses only
 * the bytes appended since the last, from the offset it reached. A last line without its newline yet is
 * kept, as bytes, for the next read. A journal replaced (archived and started anew) or cut shorter is read
 * again from its start.
 */
export class JournalReader {
  private parser: JournalParser;
  private offset = 0;
  private rest: Buffer = Buffer.alloc(0);
  private file: number | undefined;

  constructor(readonly path: string) {
    this.parser = new JournalParser(path);
  }

  private restart(file: number | undefined): void {
    this.parser = new JournalParser(this.path);
    this.offset = 0;
    this.rest = Buffer.alloc(0);
    this.file = file;
  }

  /** The journal as it stands now. */
  read(): Journal {
    let size: number;
    try {
      const stat = statSync(this.path);
      if (stat.ino !== this.file || stat.size < this.offset) this.restart(stat.ino);
      size = stat.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.restart(undefined);
      return emptyJournal(this.path);
    }
    if (size > this.offset) {
      const added = Buffer.alloc(size - this.offset);
      const fd = openSync(this.path, 'r');
      let got = 0;
      try {
        while (got < added.length) {
          const n = readSync(fd, added, got, added.length - got, this.offset + got);
          if (n === 0) break;
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      this.offset += got;
      // Lines split on the newline byte, so a character cut between two reads is joined before decoding.
      const bytes =
        this.rest.length > 0 ? Buffer.concat([this.rest, added.subarray(0, got)]) : added.subarray(0, got);
      const end = bytes.lastIndexOf(NEWLINE);
      if (end >= 0) {
        for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) this.parser.line(line);
      }
      this.rest = Buffer.from(bytes.subarray(end + 1));
    }
    return this.parser.result(this.rest.length > 0);
  }
}

/** Moves a journal aside (a new stack of the same name starts a new one); returns where it went. */
export function archiveJournal(path: string, now = new Date()): string | undefined {
  if (!existsSync(path)) return undefined;
  const archived = `${path}.${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, archived);
  return archived;
}
