// Where a delivery stream writes in its bucket, read from its configuration: Prefix and ErrorOutputPrefix
// with their `!{timestamp:..}` and `!{firehose:..}` expressions and Firehose's defaults ("Custom Prefixes
// for Amazon S3 Objects"), turned into what verify lists (prefixes) and how it tells a delivered object
// from a processing-failed one (key patterns). Pure. The local cloud's Firehose writes by the same rules
// (src/local-cloud/firehose/prefix.ts, which the pipeline may not import); this is the reading side, and
// it tolerates expressions it cannot evaluate (dynamic partitioning) instead of refusing them.
import { DateTimeFormatter, Instant, ZonedDateTime, ZoneOffset } from '@js-joda/core';

export type KeySegment =
  | { kind: 'literal'; text: string }
  /** A Java DateTimeFormatter pattern, evaluated at the arrival time of the object's oldest record. */
  | { kind: 'timestamp'; pattern: string }
  | { kind: 'error-output-type' }
  | { kind: 'random-string' }
  /** Any other expression (dynamic partitioning): matched as one path part, never evaluated. */
  | { kind: 'other'; body: string };

export interface KeyLayout {
  /** Prefix as configured ('' when none). */
  prefix: string;
  /** ErrorOutputPrefix as configured, undefined when none. */
  errorOutputPrefix: string | undefined;
  /** Where delivered objects go: Prefix, with `yyyy/MM/dd/HH/` appended when it has no timestamp. */
  delivered: KeySegment[];
  /** Where records that failed processing go. */
  failed: KeySegment[];
}

/** What Firehose appends to a Prefix without a timestamp expression. */
const DEFAULT_TIME = 'yyyy/MM/dd/HH/';
/** The error output type of records the transform failed (and the only one an S3 destination writes besides format conversion). */
export const PROCESSING_FAILED = 'processing-failed';

/** Splits a prefix into literal text and `!{namespace:value}` expressions. */
export function keySegments(text: string): KeySegment[] {
  const segments: KeySegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    const start = rest.indexOf('!{');
    const end = start < 0 ? -1 : rest.indexOf('}', start);
    if (start < 0 || end < 0) {
      segments.push({ kind: 'literal', text: rest });
      break;
    }
    if (start > 0) segments.push({ kind: 'literal', text: rest.slice(0, start) });
    const body = rest.slice(start + 2, end);
    if (body.startsWith('timestamp:') && body.length > 'timestamp:'.length) {
      segments.push({ kind: 'timestamp', pattern: body.slice('timestamp:'.length) });
    } else if (body === 'firehose:error-output-type') segments.push({ kind: 'error-output-type' });
    else if (body === 'firehose:random-string') segments.push({ kind: 'random-string' });
    else segments.push({ kind: 'other', body });
    rest = rest.slice(end + 1);
  }
  return segments;
}

/**
 * The layout a delivery stream writes by. A Prefix with no timestamp expression gets `yyyy/MM/dd/HH/`
 * appended (no slash inserted); without an ErrorOutputPrefix (allowed only when Prefix has no expressions)
 * failed records go to `<Prefix><error-output-type>/yyyy/MM/dd/HH/`.
 */
export function keyLayout(prefix: string | undefined, errorOutputPrefix: string | undefined): KeyLayout {
  const data = keySegments(prefix ?? '');
  const time: KeySegment = { kind: 'timestamp', pattern: DEFAULT_TIME };
  const delivered = data.some((s) => s.kind === 'timestamp') ? data : [...data, time];
  const failed = errorOutputPrefix
    ? keySegments(errorOutputPrefix)
    : [...data, { kind: 'error-output-type' as const }, { kind: 'literal' as const, text: '/' }, time];
  return { prefix: prefix ?? '', errorOutputPrefix: errorOutputPrefix || undefined, delivered, failed };
}

/** The literal text before the first expression: every key the segments make starts with it. */
export function staticPart(segments: readonly KeySegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (segment.kind !== 'literal') break;
    text += segment.text;
  }
  return text;
}

/** The prefix as written in the configuration (`events/!{timestamp:yyyy/MM/dd/HH}/`). */
export function prefixText(segments: readonly KeySegment[]): string {
  return segments
    .map((s) => {
      switch (s.kind) {
        case 'literal':
          return s.text;
        case 'timestamp':
          return `!{timestamp:${s.pattern}}`;
        case 'error-output-type':
          return '!{firehose:error-output-type}';
        case 'random-string':
          return '!{firehose:random-string}';
        default:
          return `!{${s.body}}`;
      }
    })
    .join('');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression for what a DateTimeFormatter pattern formats to (numeric fields exactly, text loosely). */
export function timestampRegex(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      if (close === i + 1) out += "'";
      else out += escapeRegex(pattern.slice(i + 1, close < 0 ? undefined : close));
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += escapeRegex(c);
      i++;
      continue;
    }
    let n = 1;
    while (pattern.charAt(i + n) === c) n++;
    i += n;
    if ('yuY'.includes(c)) out += n === 2 ? '\\d{2}' : '\\d{4,}';
    else if ('ML'.includes(c)) out += n >= 3 ? '[^/]+?' : n === 2 ? '\\d{2}' : '\\d{1,2}';
    else if ('dHhkKmsDwWQq'.includes(c)) out += n >= 2 ? `\\d{${n}}` : '\\d{1,3}';
    else if (c === 'S' || c === 'n' || c === 'N' || c === 'A') out += '\\d+';
    else out += '[^/]*?';
  }
  return out;
}

function segmentRegex(segment: KeySegment): string {
  switch (segment.kind) {
    case 'literal':
      return escapeRegex(segment.text);
    case 'timestamp':
      return timestampRegex(segment.pattern);
    case 'error-output-type':
      return '[A-Za-z]+(?:-[A-Za-z]+)*-failed';
    case 'random-string':
      return '[^/]{1,32}';
    default:
      return '[^/]*';
  }
}

/**
 * Keys a delivery stream writes under these segments: the evaluated prefix, then
 * `<DeliveryStreamName>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>[extension]` (LocalStack leaves the version
 * out). Without the delivery stream's name, any object name.
 */
export function keyPattern(segments: readonly KeySegment[], deliveryStreamName?: string): RegExp {
  const name = deliveryStreamName
    ? `${escapeRegex(deliveryStreamName)}(?:-\\d+)?-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[^/]+`
    : '[^/]+';
  return new RegExp(`^${segments.map(segmentRegex).join('')}${name}$`);
}

export type KeyKind = 'delivered' | 'failed';

/** Tells delivered objects from processing-failed ones by key; undefined for anything else in the bucket. */
export function keyClassifier(
  layout: KeyLayout,
  deliveryStreamName?: string,
): (key: string) => KeyKind | undefined {
  const failed = keyPattern(layout.failed, deliveryStreamName);
  const delivered = keyPattern(layout.delivered, deliveryStreamName);
  return (key) => (failed.test(key) ? 'failed' : delivered.test(key) ? 'delivered' : undefined);
}

/** The instant in a delivery stream's time zone (CustomTimeZone; UTC when none). */
export function zonedTime(epochMs: number, timeZone = 'UTC'): ZonedDateTime {
  let offset = 0;
  if (timeZone !== 'UTC') {
    try {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        })
          .formatToParts(epochMs)
          .map((p) => [p.type, Number(p.value)]),
      );
      const local = Date.UTC(
        parts.year ?? 0,
        (parts.month ?? 1) - 1,
        parts.day,
        parts.hour,
        parts.minute,
        parts.second,
      );
      offset = Math.round((local - Math.floor(epochMs / 1000) * 1000) / 1000);
    } catch {
      offset = 0;
    }
  }
  return ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.ofTotalSeconds(offset));
}

export interface TimeRange {
  /** Epoch ms. */
  from: number;
  to: number;
  timeZone?: string;
}

/** At most this many prefixes from evaluating timestamps; more, and the literal part is listed instead. */
const MAX_EVALUATED = 48;
/** Evaluating minute by minute over more than this many minutes is not worth it: list the literal part. */
const MAX_MINUTES = 3 * 24 * 60;

/** The texts a run of timestamp and literal segments formats to over the range, or undefined when too many. */
function evaluateRun(run: readonly KeySegment[], range: TimeRange): string[] | undefined {
  let parts: Array<DateTimeFormatter | string>;
  try {
    parts = run.map((s) =>
      s.kind === 'timestamp' ? DateTimeFormatter.ofPattern(s.pattern) : s.kind === 'literal' ? s.text : '',
    );
  } catch {
    return undefined;
  }
  const minutes = Math.ceil((range.to - range.from) / 60_000);
  if (minutes < 0 || minutes > MAX_MINUTES) return undefined;
  const found = new Set<string>();
  for (let i = 0; i <= minutes; i++) {
    const time = zonedTime(Math.min(range.to, range.from + i * 60_000), range.timeZone);
    let text = '';
    try {
      for (const part of parts) text += typeof part === 'string' ? part : part.format(time);
    } catch {
      return undefined;
    }
    found.add(text);
    if (found.size > MAX_EVALUATED) return undefined;
  }
  return [...found];
}

/**
 * What to list to find every object the segments can make between `range.from` and `range.to`: literal
 * text as it is, `!{firehose:error-output-type}` as each type that can occur (`processing-failed`), and
 * timestamp expressions evaluated for each minute of the range (`2026/12/06/20/` for the default layout)
 * when that gives a handful of prefixes. Evaluation stops at what cannot be evaluated (a random string,
 * dynamic partitioning, timestamps without a range): what came before is the prefix.
 */
export function evaluatedPrefixes(
  segments: readonly KeySegment[],
  range?: TimeRange,
  errorTypes: readonly string[] = [PROCESSING_FAILED],
): string[] {
  let prefixes = [''];
  let i = 0;
  while (i < segments.length) {
    const segment = segments[i] as KeySegment;
    if (segment.kind === 'literal') {
      prefixes = prefixes.map((p) => p + segment.text);
      i++;
      continue;
    }
    if (segment.kind === 'error-output-type') {
      prefixes = prefixes.flatMap((p) => errorTypes.map((t) => p + t));
      i++;
      continue;
    }
    if (segment.kind !== 'timestamp' || !range) break;
    let j = i;
    while (j < segments.length && ['timestamp', 'literal'].includes((segments[j] as KeySegment).kind)) j++;
    const texts = evaluateRun(segments.slice(i, j), range);
    const next = texts && prefixes.flatMap((p) => texts.map((t) => p + t));
    if (!next || next.length > MAX_EVALUATED) break;
    prefixes = next;
    i = j;
  }
  return prefixes.sort();
}

/** Prefixes to list so each key is listed once: any prefix another one starts is dropped. */
export function minimalPrefixes(prefixes: readonly string[]): string[] {
  const sorted = [...new Set(prefixes)].sort();
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  return kept;
}

/** Everything to list for both delivered and failed objects over the range. */
export function listPrefixes(
  layout: KeyLayout,
  range?: TimeRange,
  errorTypes: readonly string[] = [PROCESSING_FAILED],
): string[] {
  return minimalPrefixes([
    ...evaluatedPrefixes(layout.delivered, range, errorTypes),
    ...evaluatedPrefixes(layout.failed, range, errorTypes),
  ]);
}
