// The wizard's troubleshooting views: the logs (l) and the graphs (g) from Stream and Verify, and the
// events picker (t) on Stream. Over the fake engine; the real logs, metrics and templates are tested on the
// local cloud (test/integration/pipeline/).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/pipeline/logs.js';
import type { StepId } from '../../src/ui/steps.js';
import { flat, KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { tempDir } from '../support/local-cloud.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());
const work = tempDir('troubleshooting-ui-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function open(step: StepId, columns = 120, rows = 40) {
  const engine = fakeEngine({ stack: DEPLOYED });
  const rendered = renderApp(async () => engine, { initialStep: step });
  resize(rendered.r, columns, rows);
  return { ...rendered, engine };
}

let n = 0;
function line(kind: LogLine['kind'], message: string, error = false, time = Date.now()): LogLine {
  const group = kind === 'transform' ? '/aws/lambda/kinesis-tui-transform' : '/aws/kinesisfirehose/x';
  return { kind, group, stream: 's', time, message, error, id: `l${++n}` };
}

/** The log lines on screen (they start with a clock time), top to bottom. */
const logRows = (frame: string) =>
  frame.split('\n').filter((l) => /^\d\d:\d\d:\d\d (transform|firehose)/.test(l));

describe('the Logs view', () => {
  it('opens from Stream with l: lines as they come, newest at the bottom, errors marked, filtered by text', async () => {
    const { r, engine } = open('stream');
    await waitForText(r, 'l logs');
    const t0 = Date.now() - 10_000;
    engine.logLines.push(
      line('transform', 'START RequestId: 1', false, t0),
      line('transform', "[ERROR] KeyError: 'Records'\nTraceback (most recent call last):", true, t0 + 1000),
      line('firehose', '{"errorCode":"Lambda.FunctionError"}', true, t0 + 2000),
    );
    await press(r, 'l');
    let frame = await waitForText(r, 'Logs of transform /aws/lambda/kinesis-tui-transform');
    frame = await waitForFrame(r, (f) => logRows(f).length === 3);
    const rows = logRows(frame);
    expect(rows[0]).toMatch(/transform\s+START RequestId: 1$/);
    expect(rows[1]).toMatch(/transform ! \[ERROR\] KeyError: 'Records'/);
    // A traceback's next line sits under its first.
    expect(frame).toMatch(/\n {21}Traceback \(most recent call last\):/);
    expect(rows[2]).toMatch(/firehose {2}! Lambda\.FunctionError$/);
    expect(frame).toMatch(/3 lines · 2 errors/);

    // Tailed: a line logged later shows up below the others without a key.
    engine.logLines.push(line('transform', 'END RequestId: 2', false, t0 + 3000));
    frame = await waitForFrame(r, (f) => logRows(f).length === 4);
    expect(logRows(frame).at(-1)).toMatch(/END RequestId: 2$/);

    // Filtered by text, any case; Esc clears the filter, a second Esc goes back to the stream.
    await press(r, '/');
    for (const ch of 'keyerror') await press(r, ch);
    frame = await waitForFrame(r, (f) => logRows(f).length === 1);
    expect(logRows(frame)[0]).toContain("KeyError: 'Records'");
    expect(frame).toContain('1 match "keyerror"');
    await press(r, KEYS.enter);
    await waitForText(r, 'filter: keyerror\n');
    await press(r, KEYS.escape);
    await waitForText(r, 'stream kinesis-tui-events');
    // Kept while away: l shows the same lines again, still filtered.
    await press(r, 'l');
    frame = await waitForText(r, '4 lines · 2 errors · 1 match "keyerror"');
    expect(logRows(frame)).toHaveLength(1);
  });

  it('opens from Verify too, and says when nothing is logged yet', async () => {
    const { r } = open('verify');
    await waitForText(r, 'l logs');
    await press(r, 'l');
    const frame = await waitForText(r, 'no log lines yet');
    expect(frame).toContain('Logs of transform');
    await press(r, KEYS.escape);
    await waitForFrame(r, (f) => !f.includes('Logs of transform'));
  });

  it('looks back with PgUp and follows again with End', async () => {
    const { r, engine } = open('stream', 100, 20);
    const t0 = Date.now() - 100_000;
    for (let i = 0; i < 60; i++) engine.logLines.push(line('transform', `line ${i}`, false, t0 + i * 1000));
    await waitForText(r, 'stream kinesis-tui-events');
    await press(r, 'l');
    let frame = await waitForFrame(r, (f) => /line 59$/m.test(f));
    expect(frame).not.toMatch(/line 0$/m);
    await press(r, KEYS.pageUp);
    frame = await waitForFrame(r, (f) => !/line 59$/m.test(f) && /lines back/.test(f));
    await press(r, KEYS.home);
    frame = await waitForFrame(r, (f) => /line 0$/m.test(f));
    await press(r, KEYS.end);
    await waitForFrame(r, (f) => /line 59$/m.test(f) && !/lines back/.test(f));
  });
});

describe('the graphs view', () => {
  it('draws CloudWatch sparklines from Stream with g, and turns per-shard metrics on with e (the hot shard marked)', async () => {
    const { r } = open('stream');
    await waitForText(r, 'stream kinesis-tui-events');
    await press(r, 'g');
    let frame = await waitForText(r, 'CloudWatch, last 15 min');
    expect(frame).toMatch(/stream in\s+\S*[▁▂▃▄▅▆▇█]+/);
    expect(frame).toMatch(/firehose in/);
    expect(frame).toMatch(/delivered .* fresh 51s/);
    expect(frame).toContain('per shard: off');
    await press(r, 'e');
    frame = await waitForFrame(r, (f) => f.includes('shard 0001'));
    // The hot shard first, marked.
    const shardRows = frame.split('\n').filter((l) => /shard 000\d/.test(l));
    expect(shardRows[0]).toMatch(/!shard 0001 .* hot/);
    expect(shardRows[1]).toMatch(/ shard 0000/);
    expect(shardRows[1]).not.toContain('hot');
    await press(r, KEYS.escape);
    await waitForText(r, 'stream kinesis-tui-events');
  });

  it('opens from Verify, and a step key leaves it for that step', async () => {
    const { r } = open('verify');
    await waitForText(r, 'g graphs');
    await press(r, 'g');
    await waitForText(r, 'CloudWatch, last 15 min');
    await press(r, '2');
    await waitForText(r, 'stream kinesis-tui-events');
  });
});

describe('the events picker', () => {
  it('switches the stream to a template that comes with kinesis-tui, and back to the built-in events', async () => {
    const { r, engine } = open('stream');
    await waitForFrame(r, (f) => /acknowledged [1-9]/.test(f));
    await press(r, 't');
    let frame = await waitForText(r, 'Which events to send');
    expect(frame).toContain('› built-in e-commerce events');
    expect(frame).toMatch(/clickstream\.json: /);
    expect(frame).toMatch(/shop\.json: event_id, timestamp, user_id, session_id, action, item_id, price/);
    // Down to shop.json: its sample shows.
    const index = engine.eventTemplates().findIndex((t) => t.name === 'shop.json');
    for (let i = 0; i <= index; i++) await press(r, KEYS.down);
    frame = await waitForText(r, '› shop.json');
    expect(flat(frame)).toMatch(/sample: \{"event_id":"[-0-9a-f]+","timestamp":/);
    await press(r, KEYS.enter);
    // The first stream stopped (everything in flight finished), a second one sends the template's events.
    await waitForFrame(r, () => engine.producers.length === 2);
    expect(engine.producers[0]?.stats().state).toBe('done');
    frame = await waitForFrame(r, (f) =>
      /\{"event_id":"[-0-9a-f]+","timestamp":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/.test(f),
    );
    expect(frame).toContain('events: shop.json (t changes)');
    expect(frame).toMatch(/time\s+event\s+shard/);

    await press(r, 't');
    await waitForText(r, '› shop.json');
    await press(r, KEYS.home);
    for (let i = 0; i <= index; i++) await press(r, KEYS.up);
    await waitForText(r, '› built-in e-commerce events');
    await press(r, KEYS.enter);
    frame = await waitForFrame(r, () => engine.producers.length === 3);
    await waitForFrame(
      r,
      (f) => f.includes('events: built-in') && /(login|view_item|add_to_cart|checkout) +user_/.test(f),
    );
  });

  it('refuses a bad template of your own with what is wrong, and takes a good one', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{ "user": "{{faker.nosuch.thing}}" }');
    const good = join(work, 'good.json');
    writeFileSync(good, '{ "reading": {{number.int({"min": 1, "max": 9})}}, "kind": "probe" }');
    const { r, engine } = open('stream');
    await waitForFrame(r, (f) => /acknowledged [1-9]/.test(f));
    await press(r, 't');
    await waitForText(r, 'Which events to send');
    await press(r, KEYS.end);
    for (let i = 0; i < 10; i++) await press(r, KEYS.down);
    await waitForText(r, '› a file of your own');
    await press(r, KEYS.enter);
    await waitForText(r, 'path: ▌');
    r.stdin.write(bad);
    await press(r, KEYS.enter);
    const frame = await waitForText(r, `✖ ${bad}`);
    expect(flat(frame)).toMatch(/nosuch/);
    // Nothing changed: the built-in events still go.
    expect(engine.producers).toHaveLength(1);

    await press(r, KEYS.enter);
    await waitForText(r, 'path: ▌');
    r.stdin.write(good);
    await press(r, KEYS.enter);
    await waitForFrame(r, () => engine.producers.length === 2);
    await waitForFrame(
      r,
      (f) =>
        /\{"event_id":"[-0-9a-f]+","reading":\d,"kind":"probe"\}/.test(f) && f.includes('events: good.json'),
    );
  });
});

describe('at 80x24', () => {
  it('the logs, the graphs, the picker and the help fit the terminal', async () => {
    const { r, engine } = open('stream', 80, 24);
    for (let i = 0; i < 40; i++)
      engine.logLines.push(line('transform', `[ERROR] a long line ${i} ${'x'.repeat(90)}`, true));
    await waitForText(r, 'stream kinesis-tui-events');
    const fits = (f: string) => f.split('\n').length <= 24 && f.split('\n').every((l) => l.length <= 80);
    await press(r, 'l');
    expect(fits(await waitForFrame(r, (f) => /a long line 39/.test(f)))).toBe(true);
    await press(r, KEYS.escape);
    await press(r, 'g');
    expect(fits(await waitForText(r, 'CloudWatch, last 15 min'))).toBe(true);
    await press(r, 'e');
    expect(fits(await waitForText(r, 'shard 0001'))).toBe(true);
    await press(r, KEYS.escape);
    await press(r, 't');
    expect(fits(await waitForText(r, 'a file of your own'))).toBe(true);
    await press(r, KEYS.escape);
    await press(r, '?');
    const help = await waitForText(r, 'Keys (Esc or ? closes)');
    expect(fits(help)).toBe(true);
    expect(flat(help)).toMatch(/l g +logs, graphs \(in Verify too\)/);
    expect(flat(help)).toMatch(/events: built-in or a template/);
    expect(help).toContain('Debug log:');
  });
});
