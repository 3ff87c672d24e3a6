import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledTemplates } from '../../../src/pipeline/event-template/bundled.js';
import { compileDateFormat } from '../../../src/pipeline/event-template/date-format.js';
import { jsonError, parseArguments } from '../../../src/pipeline/event-template/literal.js';
import {
  createTemplateSource,
  loadEventTemplate,
  parseEventTemplate,
  TemplateError,
} from '../../../src/pipeline/event-template/template.js';

const NOW = new Date('2026-03-07T09:05:03.042Z');

function events(text: string, n = 200, options: { seed?: number; partitionKey?: string } = {}) {
  const template = parseEventTemplate(text, 'test.json', options);
  const source = createTemplateSource(template, { seed: options.seed ?? 5, now: () => NOW, ...options });
  return Array.from({ length: n }, () => source.make());
}

function refusal(text: string, options: { partitionKey?: string } = {}): string {
  try {
    parseEventTemplate(text, 'test.json', options);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
  throw new Error('the template was accepted');
}

describe('event templates: the Kinesis Data Generator documentation examples', () => {
  it('makes the help page sensor record: numbers, a range spread over lines, a choice, as valid JSON', () => {
    const made = events(`{
    "sensorId": {{random.number(50)}},
    "currentTemperature": {{random.number(
        {
            "min":10,
            "max":150
        }
    )}},
    "status": "{{random.arrayElement(
        ["OK","FAIL","WARN"]
    )}}"
}`);
    for (const e of made) {
      const f = e.fields as { sensorId: number; currentTemperature: number; status: string };
      expect(Number.isInteger(f.sensorId) && f.sensorId >= 0 && f.sensorId <= 50).toBe(true);
      expect(f.currentTemperature).toBeGreaterThanOrEqual(10);
      expect(f.currentTemperature).toBeLessThanOrEqual(150);
      expect(['OK', 'FAIL', 'WARN']).toContain(f.status);
      // One line: what goes on the stream is compact, as the KDG sends it.
      expect(e.json).not.toContain('\n');
    }
    expect(new Set(made.map((e) => (e.fields as { status: string }).status)).size).toBe(3);
  });

  it('chooses weighted elements in proportion to their weights', () => {
    const made = events(
      `{"pet": "{{random.weightedArrayElement({"weights": [0.3,0.2,0.5], "data": ["cat","fish","dog"]})}}"}`,
      20_000,
    );
    const share = (pet: string) => made.filter((e) => e.fields?.pet === pet).length / made.length;
    // Four standard deviations of a binomial share.
    for (const [pet, weight] of [
      ['cat', 0.3],
      ['fish', 0.2],
      ['dog', 0.5],
    ] as const) {
      expect(Math.abs(share(pet) - weight)).toBeLessThan(4 * Math.sqrt((weight * (1 - weight)) / 20_000));
    }
  });

  it('formats date.now and date.utc with moment.js format strings', () => {
    const [e] = events(
      `{"default": "{{date.utc}}", "clf": "{{date.utc("DD/MMM/YYYY:HH:mm:ss ZZ")}}", "long": "{{date.utc("dddd, MMMM Do YYYY, h:mm:ss a")}}", "short": "{{date.utc("ddd, hA")}}", "local": "{{date.now}}"}`,
      1,
    );
    expect(e?.fields).toMatchObject({
      default: '2026-03-07T09:05:03Z',
      clf: '07/Mar/2026:09:05:03 +0000',
      long: 'Saturday, March 7th 2026, 9:05:03 am',
      short: 'Sat, 9AM',
    });
    // The local form carries the offset, and is the same instant.
    expect(new Date(e?.fields?.local as string).getTime()).toBe(Math.floor(NOW.getTime() / 1000) * 1000);
  });

  it("maps faker.js 4's names onto faker 10 (name.*, address.*, random.uuid, ...) and takes faker 10's own, with or without faker.", () => {
    const [e] = events(
      `{"first": "{{name.firstName}}", "city": "{{address.city}}", "id": "{{random.uuid}}", "yes": {{random.boolean}},
        "last": "{{faker.person.lastName}}", "n": {{number.int({min: 5, max: 5})}}, "when": "{{date.past(1)}}"}`,
      1,
    );
    const f = e?.fields as Record<string, unknown>;
    expect(typeof f.first).toBe('string');
    expect((f.first as string).length).toBeGreaterThan(0);
    expect(typeof f.city).toBe('string');
    expect(f.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(typeof f.yes).toBe('boolean');
    expect(typeof f.last).toBe('string');
    expect(f.n).toBe(5);
    expect(Number.isNaN(Date.parse(f.when as string))).toBe(false);
  });

  it('keeps random.number({precision}) to that many decimals', () => {
    for (const e of events(`{"v": {{random.number({"min": 1, "max": 2, "precision": 0.01})}}}`, 500)) {
      const v = e.fields?.v as number;
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(2);
      expect(Math.round(v * 100) / 100).toBe(v);
    }
  });
});

describe('event templates: values stay JSON', () => {
  it('escapes text with quotes and backslashes inside a string, and quotes text outside one', () => {
    const [e] = events(
      `{"inside": "say {{random.arrayElement(["\\"hi\\" \\\\ there"])}}", "outside": {{random.arrayElement(["bare text"])}}, "num": {{random.arrayElement(["12.50"])}}, "zip": {{random.arrayElement(["01234"])}}}`,
      1,
    );
    expect(e?.fields).toMatchObject({
      inside: 'say "hi" \\ there',
      outside: 'bare text',
      num: 12.5,
      zip: '01234',
    });
  });

  it('gives every event its own event_id, first, and a seed repeats the whole sequence', () => {
    const a = events('{"x": {{random.number(9)}}}', 100, { seed: 11 });
    const b = events('{"x": {{random.number(9)}}}', 100, { seed: 11 });
    expect(new Set(a.map((e) => e.eventId)).size).toBe(100);
    for (const e of a) {
      expect(e.json.startsWith(`{"event_id":"${e.eventId}",`)).toBe(true);
      expect(e.fields?.event_id).toBe(e.eventId);
    }
    expect(b.map((e) => e.json)).toEqual(a.map((e) => e.json));
    const [empty] = events('{}', 1);
    expect(JSON.parse(empty?.json ?? '')).toEqual({ event_id: empty?.eventId });
  });

  it('gives each event the category of its item_id, as the transform will, and Other without one', () => {
    const made = events('{"item_id": {{random.arrayElement([120, 300, 600, 800])}}}', 200);
    const byItem = new Map(made.map((e) => [e.fields?.item_id, e.category]));
    expect(Object.fromEntries(byItem)).toEqual({
      120: 'Clothing',
      300: 'Instruments',
      600: 'Electronics',
      800: 'Books',
    });
    expect(events('{"a": 1}', 1)[0]?.category).toBe('Other');
  });

  it('keys events by their event_id, or by the field --partition-key names', () => {
    for (const e of events('{"device": "{{random.arrayElement(["a","b"])}}"}', 50))
      expect(e.partitionKey).toBe(e.eventId);
    const keyed = events('{"device": "{{random.arrayElement(["a","b"])}}"}', 50, { partitionKey: 'device' });
    expect(new Set(keyed.map((e) => e.partitionKey))).toEqual(new Set(['a', 'b']));
  });
});

describe('event templates: refused with the line, the expression and what to do', () => {
  it('names an unknown function and the closest one', () => {
    const message = refusal('{\n  "a": 1,\n  "b": {{random.numbr(5)}}\n}');
    expect(message).toMatch(
      /^test\.json line 3: \{\{random\.numbr\(5\)\}\}: there is no random\.numbr \(did you mean random\.number\?\)/,
    );
    expect(message).toMatch(/fakerjs\.dev/);
  });

  it('points at the line where the JSON breaks: an unquoted text value', () => {
    const message = refusal('{\n  "a": 1,\n  "status": OK\n}');
    expect(message).toMatch(/^test\.json line 3: the template does not make JSON/);
    expect(message).toMatch(/double quotes/);
  });

  it('refuses arguments that are not data, and arguments faker refuses', () => {
    expect(refusal('{"a": {{random.number(Math.random())}}}')).toMatch(
      /line 1: \{\{random\.number\(Math\.random\(\)\)\}\}: its arguments are not data/,
    );
    expect(refusal('{"a": {{number.int({"min": 9, "max": 1})}}}')).toMatch(
      /faker refused it: Max 1 should be greater than min 9/,
    );
    expect(refusal('{"a": "{{random.weightedArrayElement({"weights": [1], "data": ["x", "y"]})}}"}')).toMatch(
      /needs one weight for each item: 1 weights for 2 items/,
    );
  });

  it('refuses what is not one JSON object, an unclosed expression, its own event_id, a missing key field', () => {
    expect(refusal('{{name.firstName}},{{name.lastName}}')).toMatch(
      /a template makes one JSON object: it starts with \{/,
    );
    expect(refusal('{\n"a": {{random.number(3)\n}')).toMatch(
      /^test\.json line 2: \{\{ is not closed with \}\}/,
    );
    expect(refusal('{"event_id": "{{random.uuid}}"}')).toMatch(/sets "event_id": leave it out/);
    expect(refusal('{"a": 1}', { partitionKey: 'device' })).toMatch(
      /--partition-key device: the events have no top-level field "device" \(their fields: a\)/,
    );
    expect(refusal('{"d": "{{date.now("LLL")}}"}')).toMatch(/LLL depends on a locale/);
  });

  it('says when the file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'template-'));
    expect(() => loadEventTemplate(join(dir, 'missing.json'))).toThrow(
      /--events .*missing\.json: no such file/,
    );
    expect(() => loadEventTemplate(dir)).toThrow(/that is a folder, not a file/);
    writeFileSync(join(dir, 'ok.json'), '{"a": {{random.number(1)}}}');
    expect(loadEventTemplate(join(dir, 'ok.json')).fields).toEqual(['event_id', 'a']);
  });

  it('accepts every template that comes with kinesis-tui', () => {
    const paths = bundledTemplates();
    expect(paths.map((p) => p.split('/').pop())).toEqual(
      expect.arrayContaining(['shop.json', 'sensors.json']),
    );
    for (const path of paths) expect(loadEventTemplate(path).samples.length).toBeGreaterThan(0);
  });
});

describe('reading template arguments and checking JSON', () => {
  it('reads JSON plus single quotes, bare keys and trailing commas, and never runs code', () => {
    expect(parseArguments(`{min: 1, 'max': 2,}, [1, 'a', "b",], true, null, -1.5e2`)).toEqual([
      { min: 1, max: 2 },
      [1, 'a', 'b'],
      true,
      null,
      -150,
    ]);
    expect(() => parseArguments('process.exit(1)')).toThrow(/expected a number/);
  });

  it('finds where text stops being JSON', () => {
    expect(jsonError('{"a": 1, "b": [1, 2]}')).toBeUndefined();
    expect(jsonError('{"a": 1 "b": 2}')?.at).toBe(8);
    expect(jsonError('{"a": 1,}')?.message).toMatch(/quoted/);
    expect(jsonError('{"a": "x\ny"}')?.message).toMatch(/line break/);
  });

  it('formats the moment.js tokens people use, in UTC and local time', () => {
    const date = new Date('2025-12-29T23:04:05.006Z');
    expect(compileDateFormat('YYYY-MM-DD HH:mm:ss.SSS [at] Q WW x X', true)(date)).toBe(
      `2025-12-29 23:04:05.006 at 4 01 ${date.getTime()} ${Math.floor(date.getTime() / 1000)}`,
    );
    expect(compileDateFormat('Mo Do DDD hh kk A', true)(date)).toBe('12th 29th 363 11 23 PM');
  });
});
