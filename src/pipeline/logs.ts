// The pipeline's logs: what the transform Lambda prints (its log group) and the delivery errors Firehose
// writes (the delivery stream's CloudWatch Logs group), read with FilterLogEvents and merged oldest first,
// so the newest line is at the bottom. A LogTail remembers what it returned: polling it (`logs --follow`,
// the wizard's Logs view) gives only lines not seen before. The same on AWS, an endpoint, the local cloud.
import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { DeliveryStreamRef, PipelineDiscovery } from './discovery.js';

export type LogSourceKind = 'transform' | 'firehose';

/** A log group to read, and which part of the pipeline writes it. */
export interface LogSource {
  kind: LogSourceKind;
  group: string;
  /** Only this stream of the group (Firehose's DestinationDelivery), when set. */
  stream?: string;
}

export interface LogLine {
  kind: LogSourceKind;
  group: string;
  stream: string;
  /** When it was logged, epoch ms. */
  time: number;
  message: string;
  /** Looks like an error (an exception, a failed invocation, a Firehose error code). */
  error: boolean;
  id: string;
}

// An exception or error report: Lambda's runtimes (`ERROR\tInvoke Error`, `[ERROR]`, Runtime.*, `Task timed
// out`), Python tracebacks, Node's `TypeError:`..., and Firehose's JSON error records (an errorCode).
const ERROR_LINE =
  /\bERROR\b|\[ERROR\]|Traceback \(most recent call last\)|Runtime\.[A-Z]\w+|Task timed out|\b\w*(Error|Exception)\b[:"]|"errorCode"\s*:|Unable to import module|Status: (error|timeout)/;

export function isErrorLine(message: string): boolean {
  return ERROR_LINE.test(message);
}

/**
 * Where the pipeline logs, from discovery (which asked the services): each delivery stream's transform
 * (its LoggingConfig group, or Lambda's `/aws/lambda/<name>`) and its error group (CloudWatchLoggingOptions;
 * Firehose logs nothing without them; one the endpoint could not describe is read under its conventional
 * name). `deliveryStreams`: those to read (every one of the stack's by default). When none names a
 * transform, the stack's own functions are read (an endpoint without Firehose still runs them).
 */
export function logSources(
  discovery: Pick<PipelineDiscovery, 'deliveryStreams' | 'functions'>,
  deliveryStreams: readonly DeliveryStreamRef[] = discovery.deliveryStreams,
): LogSource[] {
  const sources: LogSource[] = [];
  const add = (source: LogSource) => {
    if (!sources.some((s) => s.group === source.group && s.stream === source.stream)) sources.push(source);
  };
  for (const d of deliveryStreams) if (d.transform) add({ kind: 'transform', group: d.transform.logGroup });
  if (!deliveryStreams.some((d) => d.transform))
    for (const fn of discovery.functions) add({ kind: 'transform', group: `/aws/lambda/${fn}` });
  for (const d of deliveryStreams) {
    if (d.logGroup) {
      add({
        kind: 'firehose',
        group: d.logGroup.name,
        ...(d.logGroup.stream ? { stream: d.logGroup.stream } : {}),
      });
    } else if (d.status === 'MISSING' || d.status === 'UNKNOWN') {
      add({ kind: 'firehose', group: `/aws/kinesisfirehose/${d.name}` });
    }
  }
  return sources;
}

export interface LogTailOptions {
  /** Read from here, epoch ms. */
  since: number;
  /** Only lines holding this text (any case). */
  filter?: string;
  /** At most this many lines kept in memory to tell repeats (FilterLogEvents' start time is inclusive). */
  memory?: number;
}

/** What a poll found: new lines oldest first, and the groups that do not exist (yet). */
export interface LogPoll {
  lines: LogLine[];
  missingGroups: string[];
}

export class LogTail {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private readonly from = new Map<string, number>();

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly sources: readonly LogSource[],
    private readonly options: LogTailOptions,
  ) {}

  private remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    this.order.push(id);
    const limit = this.options.memory ?? 10_000;
    while (this.order.length > limit) this.seen.delete(this.order.shift() as string);
    return true;
  }

  private async read(source: LogSource, signal?: AbortSignal): Promise<FilteredLogEvent[] | undefined> {
    const events: FilteredLogEvent[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.logs.send(
          new FilterLogEventsCommand({
            logGroupName: source.group,
            ...(source.stream ? { logStreamNames: [source.stream] } : {}),
            startTime: this.from.get(source.group) ?? this.options.since,
            ...(token ? { nextToken: token } : {}),
          }),
          { abortSignal: signal },
        );
        events.push(...(page.events ?? []));
        token = page.nextToken;
      } while (token);
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
    return events;
  }

  /** Lines logged since the last poll (or since `since`), oldest first. */
  async poll(signal?: AbortSignal): Promise<LogPoll> {
    const lines: LogLine[] = [];
    const missingGroups: string[] = [];
    const filter = this.options.filter?.toLowerCase();
    await Promise.all(
      this.sources.map(async (source) => {
        const events = await this.read(source, signal);
        if (!events) {
          missingGroups.push(source.group);
          return;
        }
        for (const event of events) {
          const time = event.timestamp ?? 0;
          if (time > (this.from.get(source.group) ?? 0)) this.from.set(source.group, time);
          const message = (event.message ?? '').replace(/\n+$/, '');
          const id = event.eventId ?? `${source.group}/${event.logStreamName}/${time}/${message}`;
          if (!this.remember(id)) continue;
          if (filter && !message.toLowerCase().includes(filter)) continue;
          lines.push({
            kind: source.kind,
            group: source.group,
            stream: event.logStreamName ?? '',
            time,
            message,
            error: isErrorLine(message),
            id,
          });
        }
      }),
    );
    lines.sort((a, b) => a.time - b.time);
    return { lines, missingGroups };
  }
}

/** What tells a line from another when no event id comes with it (Live Tail's results carry none). */
export function lineKey(line: Pick<LogLine, 'group' | 'stream' | 'time' | 'message'>): string {
  return `${line.group}\u0000${line.stream}\u0000${line.time}\u0000${line.message}`;
}

/** The target cannot do Live Tail (an endpoint without it, or a caller without the permission). */
export class LiveTailUnavailable extends Error {}

/**
 * Lines as they are logged, from CloudWatch Logs Live Tail (StartLiveTail): a batch about once a second,
 * started again when a session reaches its time limit. `onStart` runs once the first session is open, so
 * a caller can read what came before without missing what comes during. Throws LiveTailUnavailable when
 * the target refuses the call itself.
 */
export async function* liveTail(
  logs: CloudWatchLogsClient,
  sources: readonly LogSource[],
  options: {
    region: string;
    account: string;
    filter?: string;
    signal: AbortSignal;
    onStart?: () => Promise<void>;
  },
): AsyncGenerator<LogLine[]> {
  const arn = (group: string) => `arn:aws:logs:${options.region}:${options.account}:log-group:${group}`;
  const byArn = new Map(sources.map((s) => [arn(s.group), s]));
  const filter = options.filter?.toLowerCase();
  let started = false;
  while (!options.signal.aborted) {
    let stream: AsyncIterable<unknown> | undefined;
    try {
      const out = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [...byArn.keys()] }), {
        abortSignal: options.signal,
      });
      stream = (out as { responseStream?: AsyncIterable<unknown> }).responseStream;
    } catch (error) {
      if (options.signal.aborted) return;
      if (!started) throw new LiveTailUnavailable(`${(error as Error).name}: ${(error as Error).message}`);
      throw error;
    }
    if (!stream) throw new LiveTailUnavailable('StartLiveTail answered without a stream');
    try {
      for await (const event of stream) {
        const e = event as {
          sessionStart?: unknown;
          sessionUpdate?: {
            sessionResults?: Array<{
              logGroupIdentifier?: string;
              logStreamName?: string;
              message?: string;
              timestamp?: number;
            }>;
          };
        };
        if (e.sessionStart && !started) {
          started = true;
          await options.onStart?.();
        }
        const lines: LogLine[] = [];
        for (const result of e.sessionUpdate?.sessionResults ?? []) {
          const source = byArn.get(result.logGroupIdentifier ?? '');
          if (!source) continue;
          const stream = result.logStreamName ?? '';
          if (source.stream && stream !== source.stream) continue;
          const message = (result.message ?? '').replace(/\n+$/, '');
          if (filter && !message.toLowerCase().includes(filter)) continue;
          const line = {
            kind: source.kind,
            group: source.group,
            stream,
            time: result.timestamp ?? 0,
            message,
            error: isErrorLine(message),
          };
          lines.push({ ...line, id: lineKey(line) });
        }
        if (lines.length > 0) yield lines;
      }
    } catch (error) {
      if (options.signal.aborted) return;
      // A session that reached its time limit is started again; anything else ends the tail.
      if ((error as Error).name !== 'SessionTimeoutException') throw error;
    }
  }
}
