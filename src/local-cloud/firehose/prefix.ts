// Firehose's S3 object keys: `<evaluated prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>[.ext]`.
// Prefixes hold `!{namespace:value}` expressions: `timestamp` (a Java DateTimeFormatter pattern, evaluated
// at the approximate arrival time of the oldest record in the object) and `firehose` (`error-output-type`,
// `random-string`). The rules below are the "Custom Prefixes for Amazon S3 Objects" semantic rules.
import { randomUUID } from 'node:crypto';
import { DateTimeFormatter, Instant, ZonedDateTime, ZoneOffset } from '@js-joda/core';

export type PrefixSegment =
  | { kind: 'literal'; text: string }
  | { kind: 'timestamp'; formatter: DateTimeFormatter }
  | { kind: 'error-output-type' }
  | { kind: 'random-string' };

export interface ParsedPrefix {
  segments: PrefixSegment[];
  hasExpressions: boolean;
  hasTimestamp: boolean;
  hasErrorOutputType: boolean;
}

/** A prefix that breaks Firehose's rules; the message says which rule and how to fix it. */
export class PrefixError extends Error {}

/** What Firehose appends to a Prefix without a timestamp expression, and uses when there is no Prefix. */
const DEFAULT_TIME_PATTERN = 'yyyy/MM/dd/HH/';

// A Monday, afternoon, two-digit fields everywhere: formatting it once tells whether a pattern is usable.
const PROBE = ZonedDateTime.ofInstant(
  Instant.ofEpochMilli(Date.UTC(2024, 10, 25, 14, 5, 9, 7)),
  ZoneOffset.UTC,
);

function timestampFormatter(pattern: string, field: string): DateTimeFormatter {
  let formatter: DateTimeFormatter;
  try {
    formatter = DateTimeFormatter.ofPattern(pattern);
  } catch (error) {
    throw new PrefixError(
      `${field}: !{timestamp:${pattern}} is not a valid Java DateTimeFormatter pattern (${(error as Error).message}); quote literal text in single quotes, e.g. !{timestamp:'year='yyyy}`,
    );
  }
  try {
    formatter.format(PROBE);
  } catch {
    throw new PrefixError(
      `${field}: !{timestamp:${pattern}} uses text fields (month or day names, AM/PM), which this local cloud does not format; use numeric fields such as yyyy, MM, dd, HH, mm, ss`,
    );
  }
  return formatter;
}

/** Parses a Prefix or ErrorOutputPrefix into literal text and expressions, or says what is wrong with it. */
export function parsePrefix(text: string, field: string): ParsedPrefix {
  const segments: PrefixSegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    const start = rest.indexOf('!{');
    if (start < 0) {
      segments.push({ kind: 'literal', text: rest });
      break;
    }
    if (start > 0) segments.push({ kind: 'literal', text: rest.slice(0, start) });
    const end = rest.indexOf('}', start);
    if (end < 0) {
      throw new PrefixError(
        `${field}: "!{" must start a !{namespace:value} expression closed by "}" (found "${rest.slice(start)}")`,
      );
    }
    const body = rest.slice(start + 2, end);
    const colon = body.indexOf(':');
    const namespace = colon < 0 ? body : body.slice(0, colon);
    const value = colon < 0 ? '' : body.slice(colon + 1);
    if (namespace === 'timestamp' && value !== '') {
      segments.push({ kind: 'timestamp', formatter: timestampFormatter(value, field) });
    } else if (namespace === 'firehose' && value === 'error-output-type') {
      segments.push({ kind: 'error-output-type' });
    } else if (namespace === 'firehose' && value === 'random-string') {
      segments.push({ kind: 'random-string' });
    } else if (namespace === 'partitionKeyFromQuery' || namespace === 'partitionKeyFromLambda') {
      throw new PrefixError(
        `${field}: !{${body}} needs dynamic partitioning, which this local cloud does not support; use !{timestamp:...} and !{firehose:...} expressions`,
      );
    } else {
      throw new PrefixError(
        `${field}: !{${body}} is not a supported expression; use !{timestamp:<pattern>}, !{firehose:random-string} or !{firehose:error-output-type}`,
      );
    }
    rest = rest.slice(end + 1);
  }
  return {
    segments,
    hasExpressions: segments.some((s) => s.kind !== 'literal'),
    hasTimestamp: segments.some((s) => s.kind === 'timestamp'),
    hasErrorOutputType: segments.some((s) => s.kind === 'error-output-type'),
  };
}

/** Where delivered and failed records go, parsed once per configuration. */
export interface KeyPlan {
  data: PrefixSegment[];
  error: PrefixSegment[];
}

/**
 * Checks Prefix and ErrorOutputPrefix against Firehose's rules and returns how to evaluate them. A Prefix
 * with no timestamp expression gets `yyyy/MM/dd/HH/` appended (literally, no slash inserted); a null
 * ErrorOutputPrefix (allowed only when Prefix has no expressions) means `<Prefix><error-output-type>/yyyy/MM/dd/HH/`.
 */
export function planKeys(prefix: string | undefined, errorOutputPrefix: string | undefined): KeyPlan {
  const data = parsePrefix(prefix ?? '', 'Prefix');
  if (data.hasErrorOutputType) {
    throw new PrefixError(
      'Prefix cannot contain !{firehose:error-output-type}; it can only be used in ErrorOutputPrefix',
    );
  }
  const time = parsePrefix(`!{timestamp:${DEFAULT_TIME_PATTERN}}`, 'Prefix');
  const dataSegments = data.hasTimestamp ? data.segments : [...data.segments, ...time.segments];
  if (!errorOutputPrefix) {
    if (data.hasExpressions) {
      throw new PrefixError(
        'The supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
      );
    }
    return {
      data: dataSegments,
      error: [
        ...data.segments,
        { kind: 'error-output-type' },
        { kind: 'literal', text: '/' },
        ...time.segments,
      ],
    };
  }
  const error = parsePrefix(errorOutputPrefix, 'ErrorOutputPrefix');
  if (error.hasExpressions && !error.hasErrorOutputType) {
    throw new PrefixError(
      'ErrorOutputPrefix contains expressions, so it must contain !{firehose:error-output-type} at least once',
    );
  }
  return { data: dataSegments, error: error.segments };
}

/** The instant in the delivery stream's time zone (UTC unless CustomTimeZone says otherwise). */
export function zonedTime(epochMs: number, timeZone = 'UTC'): ZonedDateTime {
  return ZonedDateTime.ofInstant(
    Instant.ofEpochMilli(epochMs),
    ZoneOffset.ofTotalSeconds(zoneOffsetSeconds(timeZone, epochMs)),
  );
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at that instant, from the platform's time zone database. */
function zoneOffsetSeconds(timeZone: string, epochMs: number): number {
  if (timeZone === 'UTC') return 0;
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(epochMs).map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return Math.round((local - Math.floor(epochMs / 1000) * 1000) / 1000);
}

/** Whether the platform knows this IANA time zone (CustomTimeZone). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** 11 characters, as Firehose's random-string (its documented sample is a cut UUID: `046b6c7f-0b`). */
export function randomString(): string {
  return randomUUID().slice(0, 11);
}

export interface EvaluationContext {
  time: ZonedDateTime;
  errorOutputType?: string;
  random?: () => string;
}

export function evaluatePrefix(segments: PrefixSegment[], context: EvaluationContext): string {
  const random = context.random ?? randomString;
  return segments
    .map((segment) => {
      switch (segment.kind) {
        case 'literal':
          return segment.text;
        case 'timestamp':
          return segment.formatter.format(context.time);
        case 'error-output-type':
          return context.errorOutputType ?? '';
        case 'random-string':
          return random();
      }
      return '';
    })
    .join('');
}

const NAME_TIME = DateTimeFormatter.ofPattern('yyyy-MM-dd-HH-mm-ss');

/** `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>`: the part of the key Firehose owns. */
export function objectName(
  deliveryStreamName: string,
  versionId: string,
  time: ZonedDateTime,
  extension = '',
  uuid: string = randomUUID(),
): string {
  return `${deliveryStreamName}-${versionId}-${NAME_TIME.format(time)}-${uuid}${extension}`;
}
