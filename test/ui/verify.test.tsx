import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES, categoryOf } from '../../lambda/records.js';
import { KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());

function verifying(prepare: (engine: ReturnType<typeof fakeEngine>) => void = () => {}) {
  const engine = fakeEngine({ stack: DEPLOYED });
  prepare(engine);
  const rendered = renderApp(async () => engine, { initialStep: 'verify' });
  resize(rendered.r, 120, 40);
  return { ...rendered, engine, bucket: engine.bucket };
}

/** The bar chart's line for a category: its delivered count and what was sent. */
function barLine(frame: string, category: string): { delivered: number; sent: number } | undefined {
  const line = frame.split('\n').find((l) => l.startsWith(`${category} `) && l.includes(' sent'));
  const match = line && /([\d,]+) of ([\d,]+) sent/.exec(line);
  if (!match?.[1] || !match[2]) return undefined;
  return { delivered: Number(match[1].replace(/,/g, '')), sent: Number(match[2].replace(/,/g, '')) };
}

describe('the Verify screen', () => {
  it('lists the objects, counts categories over everything delivered, and reconciles with what was sent', async () => {
    const { r, bucket } = verifying((engine) => {
      const first = engine.bucket.send(30);
      const second = engine.bucket.send(20);
      engine.bucket.deliver(first, new Date(Date.now() - 5000));
      engine.bucket.deliver(second);
      // Firehose delivers at least once: a retried batch shows up again.
      engine.bucket.deliver(second.slice(0, 3));
    });
    const frame = await waitForText(r, 'Every sent event is accounted for', 'Objects (3: 3 delivered');
    expect(frame).toMatch(/sent 50 · delivered 50 · missing 0 · duplicates 3 · processing-failed 0/);
    expect(frame).toContain('s3://kinesis-tui-bucket');
    expect(frame).toMatch(/key\s+size\s+time/);
    // Newest first, with its size.
    const keyRows = frame.split('\n').filter((l) => /kinesis-tui-delivery-1-\d/.test(l));
    expect(keyRows).toHaveLength(3);
    expect(keyRows[2]).toContain('kinesis-tui-delivery-1-0-');
    expect(keyRows[0]).toMatch(/^› .*\d+(\.\d)? (B|KiB)\s+\d\d:\d\d:\d\d$/);
    // Category counts: each event once (duplicates not counted twice), matching what was sent.
    const expected: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    for (const ack of bucket.journal.acknowledged.values())
      expected[ack.category] = (expected[ack.category] ?? 0) + 1;
    for (const c of CATEGORIES) {
      expect(barLine(frame, c)).toEqual({ delivered: expected[c], sent: expected[c] });
    }
    expect(frame).toContain('█');
  });

  it('previews an object as a table of transformed records with Enter, and goes back with Esc', async () => {
    const { r, bucket } = verifying((engine) => {
      engine.bucket.deliver(engine.bucket.send(4), new Date(Date.now() - 5000));
      engine.bucket.deliver(engine.bucket.send(2));
    });
    await waitForText(r, 'Objects (2');
    await press(r, KEYS.down);
    await waitForFrame(r, (f) => /› \S*kinesis-tui-delivery-1-0-/.test(f));
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Transformed records in', '(4)', 'Esc back to the objects');
    expect(preview).toMatch(/event_id\s+timestamp\s+action\s+user_id\s+item_id\s+category\s+price/);
    const events = [...bucket.journal.acknowledged.keys()].slice(0, 4);
    const first = bucket.objects[0]?.body.split('\n')[0] ?? '';
    const record = JSON.parse(first) as { user_id: string; category: string; item_id: number | null };
    expect(record.category).toBe(categoryOf(record.item_id));
    const line = preview.split('\n').find((l) => l.includes(events[0]?.slice(-8) ?? '?'));
    expect(line).toContain(record.user_id);
    expect(line).toContain(record.category);
    await press(r, KEYS.escape);
    await waitForText(r, 'Objects (2', 'Enter preview');
  });

  it('decodes processing-failed records, in the reconciliation and in the preview', async () => {
    const { r } = verifying((engine) => {
      const events = engine.bucket.send(10);
      const malformed = engine.bucket.sendMalformed();
      engine.bucket.deliver(events, new Date(Date.now() - 5000));
      engine.bucket.fail([malformed.raw]);
    });
    const frame = await waitForText(r, 'Processing failed (1, 1 malformed on purpose)');
    expect(frame).toMatch(/sent 11 · delivered 10 · missing 0 · duplicates 0 · processing-failed 1/);
    expect(frame).toContain('Lambda.ProcessingFailed: The Lambda function returned ProcessingFailed');
    expect(frame).toContain('raw "malformed 0000aaaa-0000-4000-8000-000000000010 {not json"');
    expect(frame).toContain('(1 malformed on purpose, in processing-failed)');
    // The newest object is the failed one, selected first.
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Processing-failed records in', '(1)');
    expect(preview).toMatch(/errorCode\s+errorMessage\s+attempts\s+raw/);
    expect(preview).toMatch(/Lambda\.ProcessingFailed .* 4 malformed 0000aaaa/);
  });

  it('says what is awaited while Firehose buffers, counts down, and refreshes by itself until it arrives', async () => {
    const sentAt = Date.now();
    const { r, bucket } = verifying((engine) => {
      engine.bucket.send(25, sentAt);
    });
    const waiting = await waitForText(r, 'Awaiting 25 events from Firehose', 'due in');
    expect(waiting).toContain("Firehose writes every 60s or 5 MB, after the transform's 60s buffer");
    expect(waiting).toMatch(/sent 25 · delivered 0 · missing 25/);
    expect(waiting).toContain('no object yet');
    const due = (f: string) => /due in ([^·]+) ·/.exec(f)?.[1];
    // The countdown moves on by itself.
    await waitForFrame(r, (f) => due(f) !== undefined && due(f) !== due(waiting), 5000);
    // Auto-refresh (on by default) picks up the delivery without a key.
    bucket.deliver([...bucket.journal.acknowledged.values()].map((a) => ({ ...eventFor(a.event_id) })));
    await waitForText(r, 'Every sent event is accounted for', 'Objects (1');
  });

  it('says it is overdue and asks the engine why when events are late past both buffers', async () => {
    const { r, bucket } = verifying((engine) => {
      engine.bucket.send(4, Date.now() - 10 * 60_000);
    });
    const late = await waitForText(
      r,
      'Awaiting 4 events from Firehose',
      'overdue by',
      '- no object yet, and no error seen',
    );
    expect(late).toMatch(/overdue by (8|9|10)m/);
    expect(bucket.diagnoses).toBeGreaterThan(0);
  });

  it('keeps room for the preview on a short terminal', async () => {
    const { r } = verifying((engine) => engine.bucket.deliver(engine.bucket.send(12)));
    resize(r, 80, 24);
    await waitForText(r, 'Objects (1');
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Transformed records in', '(12)');
    expect(preview).not.toContain('Categories');
    expect(preview.split('\n').filter((l) => /user_\d+/.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(preview.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('refreshes with r when auto-refresh is off, and says when a check fails', async () => {
    const { r, bucket } = verifying((engine) => engine.bucket.deliver(engine.bucket.send(5)));
    await waitForText(r, 'Objects (1', 'auto-refresh on');
    await press(r, 'a');
    await waitForText(r, 'auto-refresh off', 'a auto-refresh on');
    const checks = bucket.checks;
    bucket.deliver(bucket.send(5));
    // No refresh by itself: a later frame (the clock in the header moves) still shows one object.
    await waitForFrame(r, (f) => f.includes('Objects (1'));
    expect(bucket.checks).toBe(checks);
    await press(r, 'r');
    await waitForText(r, 'Objects (2', 'sent 10 · delivered 10');
    bucket.gate = async () => {
      throw new Error('AccessDenied: the role cannot list the bucket');
    };
    await press(r, 'r');
    const failed = await waitForText(
      r,
      '✖ The last check failed: AccessDenied: the role cannot list the bucket',
    );
    // What was read before stays on screen.
    expect(failed).toContain('Objects (2');
  });
});

/** A delivered record for a journaled event id (the fields verify reads: id and category). */
function eventFor(id: string) {
  return {
    event_id: id,
    timestamp: '2026-11-26 18:00:00',
    user_id: 'user_0001',
    session_id: 's',
    action: 'view_item' as const,
    item_id: 120,
    price: 12.5,
  };
}
