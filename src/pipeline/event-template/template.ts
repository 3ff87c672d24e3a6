// Events of your own: a template in the style of the Kinesis Data Generator, one JSON object with
// `{{expressions}}` where values go, checked and compiled once when it is loaded; each event is then only
// the expressions' functions run and the pieces joined (nothing parsed again).
//
//   {
//     "sensor": "{{random.arrayElement(["s-1","s-2","s-3"])}}",
//     "temperature": {{random.number({"min": 10, "max": 150})}},
//     "status": "{{random.weightedArrayElement({"weights": [0.9, 0.1], "data": ["OK", "FAIL"]})}}",
//     "at": "{{date.utc("YYYY-MM-DD HH:mm:ss")}}"
//   }
//
// Values: inside "quotes" an expression's value is written as text, escaped for JSON; outside quotes a
// number, true/false or null goes as it is and anything else as a JSON string (so a name never breaks the
// JSON). Line breaks outside strings are left out, so every record is one line (as the KDG does).
// Traceability: each event gets `"event_id": "<uuid>"` as its first field (made by the template's seeded
// faker, so a seed repeats the ids too), which the transform copies to S3 and verify reconciles by; a
// template may not set its own `event_id`.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { base, en, Faker } from '@faker-js/faker';
import { type Category, categoryOf } from '../../../lambda/records.js';
import { InputError } from '../../config/errors.js';
import { MAX_RECORD_BYTES } from '../batches.js';
import type { EventSource, OutgoingEvent } from '../events.js';
import { ExpressionError, type Generate, resolveExpression } from './functions.js';
import { jsonError } from './literal.js';
import { type Part, ScanError, scanTemplate } from './scan.js';

/** A template that cannot make events; the message names the line and expression and what to do. */
export class TemplateError extends InputError {
  override name = 'TemplateError';
}

export interface EventTemplate {
  /** The file's name, for messages. */
  name: string;
  /** The fields every event has at the top level (from samples), event_id first. */
  fields: string[];
  /** Events made from it while checking it (with their event_id), for a preview. */
  samples: string[];
  readonly parts: readonly Part[];
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** How a value is written where the expression stands. */
function writer(inString: boolean): (value: unknown) => string {
  if (inString) {
    return (value) => {
      const text = asText(value);
      // Most values need no escaping; JSON.stringify is the slow path.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what JSON strings must escape
      return /["\\\u0000-\u001f]/.test(text) ? JSON.stringify(text).slice(1, -1) : text;
    };
  }
  return (value) => {
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
    if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'string') return JSON_NUMBER.test(value) ? value : JSON.stringify(value);
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    return JSON.stringify(value);
  };
}

interface Piece {
  text?: string;
  lineStarts?: ReadonlyArray<{ at: number; line: number }>;
  generate?: Generate;
  write?: (value: unknown) => string;
  line: number;
}

/** The pieces an event is joined from, bound to one faker and clock; throws TemplateError. */
function bind(template: { name: string; parts: readonly Part[] }, faker: Faker, now: () => Date): Piece[] {
  return template.parts.map((part) => {
    if (part.kind === 'text') return { text: part.text, lineStarts: part.lineStarts, line: part.line };
    try {
      return {
        generate: resolveExpression(part.source, { faker, now }),
        write: writer(part.inString),
        line: part.line,
      };
    } catch (error) {
      if (error instanceof ExpressionError) {
        throw new TemplateError(`${template.name} line ${part.line}: {{${part.source}}}: ${error.message}`);
      }
      throw error;
    }
  });
}

/** Joins the pieces into one event's text; `lines` (when given) gets the template line of each output offset. */
function render(pieces: readonly Piece[], lines?: Array<{ from: number; line: number }>): string {
  let out = '';
  for (const piece of pieces) {
    if (lines) {
      lines.push({ from: out.length, line: piece.line });
      for (const start of piece.lineStarts ?? [])
        lines.push({ from: out.length + start.at, line: start.line });
    }
    out += piece.text ?? piece.write?.(piece.generate?.());
  }
  return out;
}

function lineAt(lines: ReadonlyArray<{ from: number; line: number }>, offset: number): number {
  let line = lines[0]?.line ?? 1;
  for (const entry of lines) {
    if (entry.from > offset) break;
    line = entry.line;
  }
  return line;
}

const SAMPLES = 5;

/** Checks a template and compiles it; throws TemplateError naming the line and expression and what to do. */
export function parseEventTemplate(
  text: string,
  name: string,
  options: { partitionKey?: string } = {},
): EventTemplate {
  let parts: Part[];
  try {
    parts = scanTemplate(text);
  } catch (error) {
    if (error instanceof ScanError) throw new TemplateError(`${name} line ${error.line}: ${error.message}`);
    throw error;
  }
  const first = parts.find((p) => p.kind === 'expression' || p.text.trim() !== '');
  if (first?.kind !== 'text' || !first.text.trimStart().startsWith('{')) {
    throw new TemplateError(
      `${name}${first ? ` line ${first.line}` : ''}: a template makes one JSON object: it starts with { ` +
        '(the pipeline\'s transform reads JSON objects), such as {"sensor": "{{random.uuid}}", "value": {{random.number(100)}}}',
    );
  }
  // Checked with a faker of its own, so checking does not move the seeded sequence the events come from.
  const pieces = bind({ name, parts }, new Faker({ locale: [en, base], seed: 1 }), () => new Date());
  const samples: string[] = [];
  let fields: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const lines: Array<{ from: number; line: number }> = [];
    const sample = render(pieces, lines);
    const error = jsonError(sample);
    if (error) {
      throw new TemplateError(
        `${name} line ${lineAt(lines, error.at)}: the template does not make JSON: ${error.message}. ` +
          'Put text values (and {{expressions}} that make text) in "double quotes"; an event made from it was: ' +
          sample.slice(0, 300),
      );
    }
    const value = JSON.parse(sample) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TemplateError(
        `${name}: the template makes ${Array.isArray(value) ? 'an array' : 'a value'}, not one JSON object`,
      );
    }
    if ('event_id' in value) {
      throw new TemplateError(
        `${name}: the template sets "event_id": leave it out (or rename it): kinesis-tui gives every event its own event_id, which verify traces it by`,
      );
    }
    fields = Object.keys(value);
    const key = options.partitionKey;
    if (key !== undefined) {
      const v = (value as Record<string, unknown>)[key];
      if (
        v === undefined ||
        v === null ||
        typeof v === 'object' ||
        String(v) === '' ||
        String(v).length > 256
      ) {
        throw new TemplateError(
          `--partition-key ${key}: ${v === undefined ? `the events have no top-level field "${key}"` : `the field "${key}" is ${JSON.stringify(v).slice(0, 80)}, not text or a number of 1-256 characters`} ` +
            `(their fields: ${fields.join(', ') || 'none'})`,
        );
      }
    }
    samples.push(withId(sample, fields.length === 0, '00000000-0000-4000-8000-000000000000'));
  }
  const size = Math.max(...samples.map((s) => Buffer.byteLength(s)));
  if (size > MAX_RECORD_BYTES) {
    throw new TemplateError(
      `${name}: an event made from it is ${size.toLocaleString('en-US')} bytes; Kinesis takes at most ${MAX_RECORD_BYTES.toLocaleString('en-US')} a record`,
    );
  }
  return { name, fields: ['event_id', ...fields], samples, parts };
}

/** `{"a":1}` -> `{"event_id":"<id>","a":1}`: the id goes in as text, after the template's opening brace. */
function withId(json: string, empty: boolean, id: string): string {
  const brace = json.indexOf('{') + 1;
  return `${json.slice(0, brace)}"event_id":"${id}"${empty ? '' : ','}${json.slice(brace)}`;
}

/** Reads and checks a template file; a file that cannot be read or used throws InputError saying why. */
export function loadEventTemplate(path: string, options: { partitionKey?: string } = {}): EventTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `--events ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'that is a folder, not a file' : (error as Error).message}`,
    );
  }
  return parseEventTemplate(text, basename(path), options);
}

export interface TemplateSourceOptions {
  seed?: number;
  /** The top-level field whose value is the partition key (default: the event_id, spreading events evenly). */
  partitionKey?: string;
  now?: () => Date;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A version 4 UUID from four draws of the seeded faker (faker's own string.uuid draws once a character,
 * about 2 µs: as much as the rest of a small template's event).
 */
function uuidFrom(faker: Faker): string {
  const words = [0, 0, 0, 0].map(() => faker.number.int({ min: 0, max: 0xffff_ffff }));
  const bytes: number[] = [];
  for (const word of words) bytes.push(word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const h = bytes.map((b) => HEX[b] as string);
  return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
}

/** A source of events made from `template`. */
export function createTemplateSource(
  template: EventTemplate,
  options: TemplateSourceOptions = {},
): EventSource {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const faker = new Faker({ locale: [en, base], seed });
  const pieces = bind(template, faker, options.now ?? (() => new Date()));
  const empty = template.fields.length === 1;
  // The event_id goes after the opening brace, which is in the first piece of text.
  const head = pieces[0]?.text ?? '';
  const brace = head.indexOf('{') + 1;
  const before = `${head.slice(0, brace)}"event_id":"`;
  const after = `"${empty ? '' : ','}${head.slice(brace)}`;
  const rest = pieces.slice(1);
  const key = options.partitionKey;
  return {
    seed,
    description: `events from ${template.name}`,
    make(): OutgoingEvent {
      const eventId = uuidFrom(faker);
      let json = before + eventId + after;
      for (const piece of rest) json += piece.text ?? piece.write?.(piece.generate?.());
      // Parsed once more: the category (from item_id), the partition key and the screens need the fields.
      // The check at load makes a value that breaks the JSON unlikely, not impossible: such an event is
      // still sent (the transform files it under processing-failed, where verify shows it).
      let fields: Record<string, unknown> | undefined;
      try {
        fields = JSON.parse(json) as Record<string, unknown>;
      } catch {
        fields = undefined;
      }
      const category: Category = categoryOf(fields?.item_id);
      const partition = key === undefined ? undefined : fields?.[key];
      return {
        eventId,
        json,
        partitionKey:
          partition === undefined || partition === null || partition === '' || typeof partition === 'object'
            ? eventId
            : String(partition).slice(0, 256),
        category,
        ...(fields ? { fields } : {}),
      };
    },
  };
}
