// DirectPut records, kept durably from the moment PutRecord/PutRecordBatch answers until they are
// delivered: an append-only JSON-lines file in the delivery stream's folder. Entries are numbered; the
// worker checkpoints the number of the last one settled, and the file is rewritten without settled
// entries once it has grown.
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SpooledRecord {
  /** Position in the spool: 1, 2, 3, ... */
  index: number;
  recordId: string;
  /** Epoch ms when Firehose accepted it. */
  arrival: number;
  data: Buffer;
}

interface Line {
  i: number;
  id: string;
  t: number;
  d: string;
}

const COMPACT_BYTES = 4 * 1024 * 1024;

function parseLines(text: string): SpooledRecord[] {
  const records: SpooledRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as Line;
      records.push({
        index: entry.i,
        recordId: entry.id,
        arrival: entry.t,
        data: Buffer.from(entry.d, 'base64'),
      });
    } catch {
      // A torn last line from a crash mid-append: that call never answered, so nobody was told it was kept.
    }
  }
  return records;
}

function toLine(record: SpooledRecord): string {
  return `${JSON.stringify({ i: record.index, id: record.recordId, t: record.arrival, d: record.data.toString('base64') } satisfies Line)}\n`;
}

export class DirectPutSpool {
  private pending: SpooledRecord[];
  private next: number;
  private writing: Promise<void> = Promise.resolve();

  /** Loads what is still to be delivered: entries after the checkpointed index. */
  constructor(
    readonly path: string,
    settledIndex: number,
  ) {
    const all = existsSync(path) ? parseLines(readFileSync(path, 'utf8')) : [];
    this.pending = all.filter((r) => r.index > settledIndex);
    this.next = Math.max(settledIndex, ...all.map((r) => r.index)) + 1;
  }

  /** Stores the records; resolves once they are in the file. */
  append(records: ReadonlyArray<{ recordId: string; data: Buffer }>, arrival = Date.now()): Promise<void> {
    const entries = records.map((r) => ({ index: this.next++, recordId: r.recordId, arrival, data: r.data }));
    const text = entries.map(toLine).join('');
    const written = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await appendFile(this.path, text, { mode: 0o600 });
      this.pending.push(...entries);
    });
    this.writing = written.catch(() => undefined);
    return written;
  }

  /** Takes the records not yet handed out, oldest first. */
  take(): SpooledRecord[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Rewrites the file without the entries up to `settledIndex` once it has grown past a few MB. */
  compact(settledIndex: number): Promise<void> {
    const done = this.writing.then(async () => {
      const size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
      if (size < COMPACT_BYTES) return;
      const keep = parseLines(readFileSync(this.path, 'utf8')).filter((r) => r.index > settledIndex);
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, keep.map(toLine).join(''), { mode: 0o600 });
      await rename(temp, this.path);
    });
    this.writing = done.catch(() => undefined);
    return done;
  }
}
