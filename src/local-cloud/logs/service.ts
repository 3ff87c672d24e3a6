// CloudWatch Logs over AWS JSON 1.1: each operation reads its fields, asks the store, shapes the answer.
import type { ServerResponse } from 'node:http';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { Fields } from '../protocol/fields.js';
import { jsonInput, jsonOperation, sendJson, sendJsonError } from '../protocol/json.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { liveTailRequest, serveLiveTail } from './live-tail.js';
import {
  EVENT_OVERHEAD,
  type GroupRecord,
  type LogEvent,
  LogStore,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  RETENTION_DAYS,
  type StreamView,
} from './store.js';

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export function groupArn(region: string, name: string): string {
  return `arn:aws:logs:${region}:${LOCAL_ACCOUNT_ID}:log-group:${name}`;
}

/** A log group given by name or ARN (`...:log-group:NAME` or `...:log-group:NAME:*`). */
function groupFromIdentifier(identifier: string): string {
  if (!identifier.startsWith('arn:')) return identifier;
  const at = identifier.indexOf(':log-group:');
  if (at < 0) throw new ServiceError('InvalidParameterException', `${identifier} is not a log group ARN.`);
  return identifier.slice(at + ':log-group:'.length).replace(/:\*$/, '');
}

/** What a log group identifier may hold (the API's pattern): no `*`, so the `...:*` ARN form is refused. */
const IDENTIFIER = /^[\w#+=/:,.@-]*$/;

/**
 * A logGroupIdentifier as given, refused as AWS refuses the `arn:...:log-group:NAME:*` form (tests run
 * against AWS: moto's test_get_log_events_using_arn). AWS's message leaves the value out. For a member of
 * logGroupIdentifiers the path is taken to follow the API's list convention (not captured).
 */
function checkIdentifier(value: string, field: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new ServiceError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*`,
    );
  }
  return value;
}

function validName(fields: Fields, name: string, value: string, pattern: RegExp, shape: string): string {
  if (!pattern.test(value)) {
    fields.fail(
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${shape}`,
    );
  }
  return value;
}

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decodeToken<T>(token: string | undefined): T | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
  }
}

function limitOf(fields: Fields, max: number, fallback: number): number {
  const limit = fields.number('limit', true) ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    fields.fail(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: ` +
        `Member must have value between 1 and ${max}`,
    );
  }
  return limit;
}

export function createLogsService(): Service {
  let store: LogStore | undefined;
  let context: ServiceContext | undefined;
  const need = () => {
    if (!store) throw new ServiceError('ServiceUnavailableException', 'CloudWatch Logs is starting.', 503);
    return store;
  };

  const groupView = (region: string, group: GroupRecord) => {
    const storedBytes = need()
      .streams(group.name)
      .reduce((sum, s) => sum + s.storedBytes, 0);
    return {
      logGroupName: group.name,
      creationTime: group.creationTime,
      ...(group.retentionInDays ? { retentionInDays: group.retentionInDays } : {}),
      ...(group.kmsKeyId ? { kmsKeyId: group.kmsKeyId } : {}),
      metricFilterCount: 0,
      arn: `${groupArn(region, group.name)}:*`,
      logGroupArn: groupArn(region, group.name),
      storedBytes,
      logGroupClass: group.logGroupClass,
    };
  };

  const streamView = (region: string, group: string, stream: StreamView) => ({
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(stream.firstEventTimestamp !== undefined ? { firstEventTimestamp: stream.firstEventTimestamp } : {}),
    ...(stream.lastEventTimestamp !== undefined ? { lastEventTimestamp: stream.lastEventTimestamp } : {}),
    ...(stream.lastIngestionTime !== undefined ? { lastIngestionTime: stream.lastIngestionTime } : {}),
    arn: `${groupArn(region, group)}:log-stream:${stream.name}`,
    storedBytes: stream.storedBytes,
  });

  /** The group named by logGroupName or logGroupIdentifier (exactly one of them). */
  const targetGroup = (f: Fields): string => {
    const name = f.string('logGroupName', true);
    const identifier = f.string('logGroupIdentifier', true);
    if (name && identifier) {
      f.fail('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    if (identifier) return groupFromIdentifier(checkIdentifier(identifier, 'logGroupIdentifier'));
    if (!name) f.fail('Either logGroupName or logGroupIdentifier must be provided.');
    return name;
  };

  const operations: Record<string, (f: Fields, region: string) => Promise<unknown> | unknown> = {
    async CreateLogGroup(f) {
      const name = validName(
        f,
        'logGroupName',
        f.string('logGroupName'),
        GROUP_NAME,
        '[\\.\\-_/#A-Za-z0-9]+',
      );
      const logGroupClass = f.string('logGroupClass', true);
      if (logGroupClass && !['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(logGroupClass)) {
        f.fail(`Invalid logGroupClass: ${logGroupClass}`);
      }
      await need().createGroup(name, {
        tags: f.stringMap('tags'),
        kmsKeyId: f.string('kmsKeyId', true),
        logGroupClass,
      });
      return {};
    },
    async DeleteLogGroup(f) {
      await need().deleteGroup(f.string('logGroupName'));
      return {};
    },
    DescribeLogGroups(f, region) {
      const prefix = f.string('logGroupNamePrefix', true);
      const pattern = f.string('logGroupNamePattern', true);
      if (prefix && pattern) f.fail('logGroupNamePrefix and logGroupNamePattern are mutually exclusive.');
      const identifiers = f
        .strings('logGroupIdentifiers')
        ?.map((id, i) => groupFromIdentifier(checkIdentifier(id, `logGroupIdentifiers.${i + 1}.member`)));
      const limit = limitOf(f, 50, 50);
      const after = decodeToken<string>(f.string('nextToken', true));
      const matching = need()
        .groups()
        .filter(
          (g) =>
            (!prefix || g.name.startsWith(prefix)) &&
            (!pattern || g.name.toLowerCase().includes(pattern.toLowerCase())) &&
            (!identifiers || identifiers.includes(g.name)) &&
            (after === undefined || g.name > after),
        );
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return {
        logGroups: page.map((g) => groupView(region, g)),
        ...(matching.length > limit && last ? { nextToken: encodeToken(last.name) } : {}),
      };
    },
    async PutRetentionPolicy(f) {
      const days = f.number('retentionInDays');
      if (!RETENTION_DAYS.includes(days)) {
        f.fail(
          `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: ` +
            `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
        );
      }
      await need().setRetention(f.string('logGroupName'), days);
      return {};
    },
    async DeleteRetentionPolicy(f) {
      await need().setRetention(f.string('logGroupName'), undefined);
      return {};
    },
    async CreateLogStream(f) {
      const stream = validName(f, 'logStreamName', f.string('logStreamName'), STREAM_NAME, '[^:*]*');
      await need().createStream(f.string('logGroupName'), stream);
      return {};
    },
    async DeleteLogStream(f) {
      await need().deleteStream(f.string('logGroupName'), f.string('logStreamName'));
      return {};
    },
    DescribeLogStreams(f, region) {
      const group = targetGroup(f);
      const prefix = f.string('logStreamNamePrefix', true);
      const orderBy = f.string('orderBy', true) ?? 'LogStreamName';
      if (!['LogStreamName', 'LastEventTime'].includes(orderBy)) {
        f.fail(`Invalid orderBy: ${orderBy}. Use LogStreamName or LastEventTime.`);
      }
      if (orderBy === 'LastEventTime' && prefix) {
        f.fail('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      const descending = f.boolean('descending') ?? false;
      const limit = limitOf(f, 50, 50);
      const offset = decodeToken<number>(f.string('nextToken', true)) ?? 0;
      const streams = need()
        .streams(group)
        .filter((s) => !prefix || s.name.startsWith(prefix))
        .sort((a, b) =>
          orderBy === 'LastEventTime'
            ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.name < b.name ? -1 : 1)
            : a.name < b.name
              ? -1
              : 1,
        );
      if (descending) streams.reverse();
      const page = streams.slice(offset, offset + limit);
      return {
        logStreams: page.map((s) => streamView(region, group, s)),
        ...(offset + limit < streams.length ? { nextToken: encodeToken(offset + limit) } : {}),
      };
    },
    PutLogEvents(f) {
      const group = f.string('logGroupName');
      const stream = f.string('logStreamName');
      const raw = f.list('logEvents') ?? [];
      if (raw.length < 1 || raw.length > MAX_BATCH_EVENTS) {
        f.fail(`A batch holds 1 to ${MAX_BATCH_EVENTS} log events; this one holds ${raw.length}.`);
      }
      let bytes = 0;
      const events = raw.map((item, i) => {
        const e = new Fields((item ?? {}) as Record<string, unknown>, 'InvalidParameterException');
        const message = e.string('message');
        if (message.length === 0) {
          f.fail(
            `1 validation error detected: Value '' at 'logEvents.${i + 1}.member.message' failed to satisfy ` +
              'constraint: Member must have length greater than or equal to 1',
          );
        }
        bytes += Buffer.byteLength(message) + EVENT_OVERHEAD;
        return { timestamp: e.number('timestamp'), message };
      });
      if (bytes > MAX_BATCH_BYTES) {
        f.fail(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
      }
      for (let i = 1; i < events.length; i++) {
        if ((events[i]?.timestamp ?? 0) < (events[i - 1]?.timestamp ?? 0)) {
          f.fail('Log events in a single PutLogEvents request must be in chronological order.');
        }
      }
      const rejected = need().putEvents(group, stream, events);
      return {
        nextSequenceToken: String(Date.now()).padStart(56, '0'),
        ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
      };
    },
    GetLogEvents(f) {
      const group = targetGroup(f);
      const list = need().streamEventsInRange(
        group,
        f.string('logStreamName'),
        f.number('startTime', true),
        f.number('endTime', true),
      );
      const limit = limitOf(f, 10_000, 10_000);
      const token = f.string('nextToken', true);
      const at = token ? /^([fb])\/(\d+)$/.exec(token) : null;
      if (token && !at) f.fail('The specified nextToken is invalid.');
      let start: number;
      let end: number;
      if (at?.[1] === 'f') {
        start = Math.min(Number(at[2]), list.length);
        end = Math.min(start + limit, list.length);
      } else if (at?.[1] === 'b') {
        end = Math.min(Number(at[2]), list.length);
        start = Math.max(0, end - limit);
      } else if (f.boolean('startFromHead')) {
        start = 0;
        end = Math.min(limit, list.length);
      } else {
        end = list.length;
        start = Math.max(0, end - limit);
      }
      const position = (n: number) => String(n).padStart(56, '0');
      return {
        events: list.slice(start, end).map((e: LogEvent) => ({
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
        })),
        nextForwardToken: `f/${position(end)}`,
        nextBackwardToken: `b/${position(start)}`,
      };
    },
    FilterLogEvents(f) {
      const group = targetGroup(f);
      const streamNames = f.strings('logStreamNames');
      const streamPrefix = f.string('logStreamNamePrefix', true);
      if (streamNames && streamPrefix) {
        f.fail('logStreamNames and logStreamNamePrefix are mutually exclusive.');
      }
      const limit = limitOf(f, 10_000, 10_000);
      const after = decodeToken<{ timestamp: number; seq: number }>(f.string('nextToken', true));
      const found = need().filter(group, {
        streamNames,
        streamPrefix,
        startTime: f.number('startTime', true),
        endTime: f.number('endTime', true),
        pattern: f.string('filterPattern', true),
        after,
      });
      const page = found.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page.map((e) => ({
          logStreamName: e.logStreamName,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
          eventId: String(e.seq).padStart(56, '0'),
        })),
        searchedLogStreams: [],
        ...(found.length > limit && last
          ? { nextToken: encodeToken({ timestamp: last.timestamp, seq: last.seq }) }
          : {}),
      };
    },
    async TagLogGroup(f) {
      await need().tag(f.string('logGroupName'), f.stringMap('tags') ?? {});
      return {};
    },
    async UntagLogGroup(f) {
      await need().untag(f.string('logGroupName'), f.strings('tags') ?? []);
      return {};
    },
    ListTagsLogGroup(f) {
      return { tags: need().group(f.string('logGroupName')).tags };
    },
    async TagResource(f) {
      await need().tag(groupFromIdentifier(f.string('resourceArn')), f.stringMap('tags') ?? {});
      return {};
    },
    async UntagResource(f) {
      await need().untag(groupFromIdentifier(f.string('resourceArn')), f.strings('tagKeys') ?? []);
      return {};
    },
    ListTagsForResource(f) {
      return { tags: need().group(groupFromIdentifier(f.string('resourceArn'))).tags };
    },
    // Export tasks to S3 are not provided: CreateExportTask checks what AWS checks first (its log group,
    // its bucket: both answers as AWS words them in tests run against it), then refuses by name. So no task
    // ever exists: DescribeExportTasks lists none and CancelExportTask finds none, as AWS answers those.
    async CreateExportTask(f) {
      need().group(f.string('logGroupName'));
      const bucket = f.string('destination');
      f.number('from');
      f.number('to');
      try {
        await context?.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch {
        f.fail('The given bucket does not exist. Please make sure the bucket is valid.');
      }
      throw new ServiceError(
        'InvalidOperationException',
        "The local cloud's CloudWatch Logs does not export to S3 (CreateExportTask): read the events with FilterLogEvents or GetLogEvents instead.",
      );
    },
    DescribeExportTasks(f) {
      limitOf(f, 50, 50);
      return { exportTasks: [] };
    },
    CancelExportTask(f) {
      f.string('taskId');
      throw new ServiceError('ResourceNotFoundException', 'The specified export task does not exist.');
    },
  };

  return {
    name: 'logs',
    async start(serviceContext: ServiceContext) {
      context = serviceContext;
      store = new LogStore(serviceContext.dataDir);
    },
    reset() {
      return startOver(this, context);
    },
    async stop() {
      await store?.flush();
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      const operation = jsonOperation(request.headers);
      if (operation === 'StartLiveTail') {
        const fields = new Fields(jsonInput(request.body), 'InvalidParameterException');
        const live = liveTailRequest(fields, (id) =>
          groupFromIdentifier(checkIdentifier(id, 'logGroupIdentifiers.member')),
        );
        await serveLiveTail(need(), live, response);
        return;
      }
      const run = operation ? operations[operation] : undefined;
      if (!run) {
        throw new ServiceError(
          'UnknownOperationException',
          `The local cloud's CloudWatch Logs does not support the operation ${operation ?? '(none)'}.`,
        );
      }
      const fields = new Fields(jsonInput(request.body), 'InvalidParameterException');
      sendJson(response, await run(fields, request.region));
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendJsonError(response, error);
    },
  };
}
