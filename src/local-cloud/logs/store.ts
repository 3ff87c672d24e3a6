// CloudWatch Logs' model: log groups, their streams and events. Group settings and stream names live in one
// small JSON state file; events are appended to one NDJSON file per stream and held in memory. Whatever can
// be derived from the events (first/last event time, stored bytes) is derived, not stored.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../protocol/common.js';
import { JsonState } from '../state.js';
import { matchesPattern, parseFilterPattern } from './filter-pattern.js';

export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const DAY_MS = 86_400_000;
/** PutLogEvents refuses events older than this or further than 2 hours ahead. */
const MAX_AGE_MS = 14 * DAY_MS;
const MAX_AHEAD_MS = 2 * 3_600_000;
/** AWS counts each event's UTF-8 message plus this many bytes against the 1 MiB batch limit. */
export const EVENT_OVERHEAD = 26;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;

export interface StreamRecord {
  creationTime: number;
}

export interface GroupRecord {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Record<string, StreamRecord>;
}

interface StateFile {
  groups: Record<string, GroupRecord>;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Ingestion order in this process: the tie-break between events of one timestamp, and the event id. */
  seq: number;
}

export interface StreamView extends StreamRecord {
  name: string;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface RejectedInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export interface FilteredEvent extends LogEvent {
  logStreamName: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export class LogStore {
  private readonly state: JsonState<StateFile>;
  /** group -> stream -> events sorted by (timestamp, seq). */
  private readonly events = new Map<string, Map<string, LogEvent[]>>();
  private readonly writes = new Map<string, Promise<void>>();
  private seq = 0;

  constructor(private readonly dataDir: string) {
    this.state = new JsonState<StateFile>(join(dataDir, 'groups.json'), { groups: {} });
    this.load();
  }

  private load(): void {
    for (const group of Object.values(this.state.get().groups)) {
      for (const stream of Object.keys(group.streams)) {
        const file = this.eventsFile(group.name, stream);
        if (!existsSync(file)) continue;
        const list: LogEvent[] = [];
        // Events past the group's retention are gone for good: they are not even loaded.
        const cutoff = group.retentionInDays ? Date.now() - group.retentionInDays * DAY_MS : 0;
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          if (!line) continue;
          try {
            const [timestamp, ingestionTime, message] = JSON.parse(line) as [number, number, string];
            if (timestamp >= cutoff) list.push({ timestamp, ingestionTime, message, seq: this.seq++ });
          } catch {
            // A line torn by a crash mid-append: the events before it are intact.
          }
        }
        list.sort(byTime);
        this.streamEvents(group.name, stream).push(...list);
      }
    }
  }

  private eventsFile(group: string, stream: string): string {
    return join(this.dataDir, 'events', hash(group), `${hash(stream)}.ndjson`);
  }

  private streamEvents(group: string, stream: string): LogEvent[] {
    let streams = this.events.get(group);
    if (!streams) {
      streams = new Map();
      this.events.set(group, streams);
    }
    let list = streams.get(stream);
    if (!list) {
      list = [];
      streams.set(stream, list);
    }
    return list;
  }

  group(name: string): GroupRecord {
    const group = this.state.get().groups[name];
    if (!group)
      throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  hasGroup(name: string): boolean {
    return Boolean(this.state.get().groups[name]);
  }

  groups(): GroupRecord[] {
    return Object.values(this.state.get().groups).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private async change(name: string, apply: (group: GroupRecord) => GroupRecord | undefined): Promise<void> {
    await this.state.update((state) => {
      const groups = { ...state.groups };
      const current = groups[name];
      const next = current ? apply(current) : undefined;
      if (next) groups[name] = next;
      else delete groups[name];
      return { groups };
    });
  }

  async createGroup(
    name: string,
    options: { tags?: Record<string, string>; kmsKeyId?: string; logGroupClass?: string } = {},
  ): Promise<void> {
    if (this.hasGroup(name)) {
      throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    const group: GroupRecord = {
      name,
      creationTime: Date.now(),
      logGroupClass: options.logGroupClass ?? 'STANDARD',
      tags: options.tags ?? {},
      streams: {},
      ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
    };
    await this.state.update((state) => ({ groups: { ...state.groups, [name]: group } }));
  }

  async deleteGroup(name: string): Promise<void> {
    this.group(name);
    await this.change(name, () => undefined);
    this.events.delete(name);
    const dir = join(this.dataDir, 'events', hash(name));
    await Promise.all([...this.writes.entries()].filter(([f]) => f.startsWith(dir)).map(([, w]) => w));
    await rm(dir, { recursive: true, force: true });
  }

  async setRetention(name: string, days: number | undefined): Promise<void> {
    this.group(name);
    await this.change(name, (group) => {
      const { retentionInDays: _, ...rest } = group;
      return days === undefined ? rest : { ...rest, retentionInDays: days };
    });
  }

  async tag(name: string, tags: Record<string, string>): Promise<void> {
    this.group(name);
    await this.change(name, (group) => ({ ...group, tags: { ...group.tags, ...tags } }));
  }

  async untag(name: string, keys: string[]): Promise<void> {
    this.group(name);
    await this.change(name, (group) => ({
      ...group,
      tags: Object.fromEntries(Object.entries(group.tags).filter(([k]) => !keys.includes(k))),
    }));
  }

  async createStream(groupName: string, stream: string): Promise<void> {
    const group = this.group(groupName);
    if (group.streams[stream]) {
      throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    await this.change(groupName, (g) => ({
      ...g,
      streams: { ...g.streams, [stream]: { creationTime: Date.now() } },
    }));
  }

  async deleteStream(groupName: string, stream: string): Promise<void> {
    this.requireStream(groupName, stream);
    await this.change(groupName, (g) => {
      const { [stream]: _, ...streams } = g.streams;
      return { ...g, streams };
    });
    this.events.get(groupName)?.delete(stream);
    const file = this.eventsFile(groupName, stream);
    await this.writes.get(file);
    await rm(file, { force: true });
  }

  private requireStream(groupName: string, stream: string): StreamRecord {
    const record = this.group(groupName).streams[stream];
    if (!record)
      throw new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return record;
  }

  /** Events still within the group's retention, oldest first. */
  private visible(groupName: string, stream: string, now = Date.now()): LogEvent[] {
    const list = this.events.get(groupName)?.get(stream) ?? [];
    const days = this.group(groupName).retentionInDays;
    if (!days) return list;
    const cutoff = now - days * DAY_MS;
    return list[0] && list[0].timestamp >= cutoff ? list : list.filter((e) => e.timestamp >= cutoff);
  }

  streams(groupName: string): StreamView[] {
    const group = this.group(groupName);
    return Object.entries(group.streams).map(([name, record]) => {
      const list = this.visible(groupName, name);
      let lastIngestionTime: number | undefined;
      let storedBytes = 0;
      for (const e of list) {
        storedBytes += Buffer.byteLength(e.message);
        if (lastIngestionTime === undefined || e.ingestionTime > lastIngestionTime)
          lastIngestionTime = e.ingestionTime;
      }
      return {
        name,
        ...record,
        firstEventTimestamp: list[0]?.timestamp,
        lastEventTimestamp: list.at(-1)?.timestamp,
        lastIngestionTime,
        storedBytes,
      };
    });
  }

  /** Stores a batch (validated for size and order by the caller); returns what was refused for its age. */
  putEvents(
    groupName: string,
    stream: string,
    batch: Array<{ timestamp: number; message: string }>,
  ): RejectedInfo {
    this.requireStream(groupName, stream);
    const now = Date.now();
    const retention = this.group(groupName).retentionInDays;
    const rejected: RejectedInfo = {};
    const accepted: LogEvent[] = [];
    batch.forEach((event, index) => {
      if (event.timestamp > now + MAX_AHEAD_MS) {
        rejected.tooNewLogEventStartIndex ??= index;
      } else if (event.timestamp < now - MAX_AGE_MS) {
        rejected.tooOldLogEventEndIndex = index;
      } else if (retention && event.timestamp < now - retention * DAY_MS) {
        rejected.expiredLogEventEndIndex = index;
      } else {
        accepted.push({
          timestamp: event.timestamp,
          message: event.message,
          ingestionTime: now,
          seq: this.seq++,
        });
      }
    });
    if (accepted.length > 0) {
      const list = this.streamEvents(groupName, stream);
      const tail = list.at(-1);
      list.push(...accepted);
      // Events usually arrive in order; only an older batch needs a re-sort.
      if (tail && accepted[0] && byTime(tail, accepted[0]) > 0) list.sort(byTime);
      this.append(
        this.eventsFile(groupName, stream),
        accepted.map((e) => `${JSON.stringify([e.timestamp, e.ingestionTime, e.message])}\n`).join(''),
      );
    }
    return rejected;
  }

  private append(file: string, text: string): void {
    const previous = this.writes.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
      await appendFile(file, text, { mode: 0o600 });
    });
    const settled = next.catch(() => undefined);
    this.writes.set(file, settled);
    void settled.then(() => {
      if (this.writes.get(file) === settled) this.writes.delete(file);
    });
  }

  /** Resolves once every event stored so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  streamEventsInRange(groupName: string, stream: string, startTime?: number, endTime?: number): LogEvent[] {
    this.requireStream(groupName, stream);
    return this.visible(groupName, stream).filter(
      (e) =>
        (startTime === undefined || e.timestamp >= startTime) &&
        (endTime === undefined || e.timestamp < endTime),
    );
  }

  /** The ingestion number the next event stored gets: a live tail shows what comes from here on. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Events stored from ingestion number `seq` on, in the groups given (those that exist), in ingestion order. */
  ingestedSince(
    groupNames: readonly string[],
    seq: number,
    options: { streamNames?: string[]; streamPrefixes?: string[]; pattern?: string },
  ): Array<FilteredEvent & { group: string }> {
    const pattern = parseFilterPattern(options.pattern);
    const found: Array<FilteredEvent & { group: string }> = [];
    for (const groupName of groupNames) {
      if (!this.hasGroup(groupName)) continue;
      for (const name of Object.keys(this.group(groupName).streams)) {
        if (options.streamNames && !options.streamNames.includes(name)) continue;
        if (options.streamPrefixes && !options.streamPrefixes.some((p) => name.startsWith(p))) continue;
        for (const event of this.events.get(groupName)?.get(name) ?? []) {
          if (event.seq >= seq && matchesPattern(pattern, event.message))
            found.push({ ...event, logStreamName: name, group: groupName });
        }
      }
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** Events of many streams matching a text pattern, interleaved by time, after an optional cursor. */
  filter(
    groupName: string,
    options: {
      streamNames?: string[];
      streamPrefix?: string;
      startTime?: number;
      endTime?: number;
      pattern?: string;
      after?: { timestamp: number; seq: number };
    },
  ): FilteredEvent[] {
    const group = this.group(groupName);
    const pattern = parseFilterPattern(options.pattern);
    const names = Object.keys(group.streams).filter(
      (name) =>
        (!options.streamNames || options.streamNames.includes(name)) &&
        (!options.streamPrefix || name.startsWith(options.streamPrefix)),
    );
    const found: FilteredEvent[] = [];
    for (const name of names) {
      for (const event of this.visible(groupName, name)) {
        if (options.startTime !== undefined && event.timestamp < options.startTime) continue;
        if (options.endTime !== undefined && event.timestamp > options.endTime) continue;
        if (options.after && byTime(event, options.after) <= 0) continue;
        if (matchesPattern(pattern, event.message)) found.push({ ...event, logStreamName: name });
      }
    }
    return found.sort(byTime);
  }
}

function byTime(a: { timestamp: number; seq: number }, b: { timestamp: number; seq: number }): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}
