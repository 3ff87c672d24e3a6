import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES, categoryOf } from '../../lambda/records.js';
import { flat, KEYS, press, resize, squeezed, waitForFrame, waitForText } from '../support/ink.js';
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

/** The object list's rows: the selection marker or two spaces, then the kind. */
const objectRows = (frame: string) =>
  frame.split('\n').filter((l) => /^(› | {2})(delivered|failed) /.test(l));
const selectedRow = (frame: string) => frame.split('\n').find((l) => /^› (delivered|failed) /.test(l)) ?? '';

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
    const frame = await waitForText(r, 'Every sent event is accounted for', 'Objects: 3 (3 delivered');
    expect(frame).toMatch(/sent 50 · delivered 50 · awaiting 0 · duplicates 3 · processing-failed 0/);
    expect(frame).toContain('s3://kinesis-tui-bucket');
    expect(frame).toMatch(/kind\s+written\s+size\s+key/);
    // Newest first, with its kind, time, size and whole key (it fits at 120 columns).
    const rows = objectRows(frame);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain('events/2026/11/26/18/kinesis-tui-delivery-1-0-');
    expect(rows[0]).toMatch(/^› delivered \d\d:\d\d:\d\d\s+\d+(\.\d)? (B|KiB)\s+events\/\S+$/);
    // Category counts: each event once (duplicates not counted twice), matching what was sent.
    const expected: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    for (const ack of bucket.journal.acknowledged.values())
      expected[ack.category] = (expected[ack.category] ?? 0) + 1;
    for (const c of CATEGORIES) {
      expect(barLine(frame, c)).toEqual({ delivered: expected[c], sent: expected[c] });
    }
    expect(frame).toContain('█');
  });

  it('says a latency under a second as <1s (S3 times are to the second), never 0ms', async () => {
    const { r } = verifying((engine) => {
      const events = engine.bucket.send(10);
      engine.bucket.deliver(events);
    });
    const frame = await waitForText(r, 'Every sent event is accounted for');
    expect(flat(frame)).toContain(
      'latency, acknowledged -> written (S3 times are to the second): p50 <1s · p99 <1s',
    );
    expect(frame).not.toMatch(/\b0ms\b/);
  });

  it('previews an object with Enter, one record a line, the selected one in full; Esc goes back', async () => {
    const { r, bucket } = verifying((engine) => {
      engine.bucket.deliver(engine.bucket.send(4), new Date(Date.now() - 5000));
      engine.bucket.deliver(engine.bucket.send(2));
    });
    await waitForText(r, 'Objects: 2 (');
    await press(r, KEYS.down);
    await waitForFrame(
      r,
      (f) => f.includes('kinesis-tui-delivery-1-0-') && selectedRow(f).includes('delivered'),
    );
    await press(r, KEYS.enter);
    const preview = await waitForText(
      r,
      'Transformed records in kinesis-tui-delivery-1-0-',
      '(4)',
      'Esc back',
    );
    expect(preview).toMatch(/timestamp\s+action\s+user_id\s+item_id\s+category\s+price/);
    const first = JSON.parse(bucket.objects[0]?.body.split('\n')[0] ?? '') as {
      event_id: string;
      user_id: string;
      category: string;
      item_id: number | null;
    };
    expect(first.category).toBe(categoryOf(first.item_id));
    const line = preview.split('\n').find((l) => l.startsWith('› '));
    expect(line).toContain(first.user_id);
    expect(line).toContain(first.category);
    // The selected record in full, its event id included.
    expect(squeezed(preview)).toContain(`"event_id":"${first.event_id}"`);
    await press(r, KEYS.escape);
    await waitForText(r, 'Objects: 2 (', 'Enter preview');
  });

  it('tells processing-failed objects apart, decodes their records, and draws malformed-on-purpose ones as expected', async () => {
    const { r } = verifying((engine) => {
      const events = engine.bucket.send(10);
      const malformed = engine.bucket.sendMalformed();
      engine.bucket.deliver(events, new Date(Date.now() - 5000));
      engine.bucket.fail([malformed.raw]);
    });
    const frame = await waitForText(
      r,
      '1 record sent malformed on purpose is in processing-failed, as it should be.',
    );
    expect(frame).toMatch(
      /sent 11 · delivered 10 · awaiting 0 · duplicates 0 · processing-failed 1 \(1 on purpose\)/,
    );
    expect(frame).toContain('(1 malformed on purpose, in processing-failed)');
    // Nothing drawn as a failure: it was meant to fail.
    expect(frame).not.toContain('✖');
    // The newest object is the failed one, marked so, selected first.
    expect(selectedRow(frame)).toMatch(/^› failed +\d\d:\d\d:\d\d .* errors\/processing-failed\//);
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Processing-failed records in', '(1)');
    expect(preview).toMatch(/#\s+errorCode\s+attempts/);
    expect(preview).toMatch(/› #1\s+Lambda\.ProcessingFailed\s+4/);
    expect(flat(preview)).toContain(
      'Lambda.ProcessingFailed: The Lambda function returned ProcessingFailed for this record. (attempts: 4)',
    );
    expect(flat(preview)).toContain('raw "malformed 0000aaaa-0000-4000-8000-000000000010 {not json"');
  });

  it('shows an unexpected processing failure in full, in red, first', async () => {
    const { r } = verifying((engine) => {
      const events = engine.bucket.send(3);
      engine.bucket.deliver(events.slice(1), new Date(Date.now() - 5000));
      engine.bucket.fail([JSON.stringify({ ...events[0], note: `${'a long record '.repeat(8)}end` })]);
    });
    resize(r, 80, 24);
    const frame = await waitForText(r, 'Processing failed unexpectedly: 1');
    expect(flat(frame)).toContain(
      'Lambda.ProcessingFailed: The Lambda function returned ProcessingFailed for this record.',
    );
    expect(frame).toContain('✖');
    expect(frame).toContain('but 1 failed processing unexpectedly');
  });

  it('says why at once when records failed: the cause, what shows it and the fix, at 80 columns', async () => {
    const { r, bucket } = verifying((engine) => {
      const events = engine.bucket.send(2);
      engine.bucket.fail(events.map((e) => JSON.stringify(e)));
      engine.bucket.causes = [
        {
          id: 'return-shape',
          title: 'The transform returns its records in the wrong shape',
          evidence: [
            'Firehose: Lambda.JsonProcessingException (1 error in its log, 2 records under processing-failed/)',
          ],
          fix: 'return { "records": [{ "recordId": <as received>, "result": "Ok", "data": <base64> }, ...] }.',
        },
      ];
    });
    resize(r, 80, 24);
    const frame = await waitForText(r, 'Why: The transform returns its records in the wrong shape');
    expect(flat(frame)).toContain(
      'seen: Firehose: Lambda.JsonProcessingException (1 error in its log, 2 records under processing-failed/)',
    );
    expect(flat(frame)).toContain(
      'fix: return { "records": [{ "recordId": <as received>, "result": "Ok", "data": <base64> }, ...] }.',
    );
    expect(Math.max(...frame.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(bucket.diagnoses).toBe(1);
  });

  it('pages through many objects, jumps to the ends, and filters to the failed ones', async () => {
    const { r } = verifying((engine) => {
      for (let i = 0; i < 60; i++)
        engine.bucket.deliver(engine.bucket.send(1), new Date(Date.now() - 100_000 + i * 1000));
      engine.bucket.fail(['not json'], new Date(Date.now() - 200_000));
    });
    resize(r, 80, 24);
    const first = await waitForText(r, 'Objects: 61 (60 delivered, 1 processing-failed) · 1-');
    const page = objectRows(first).length;
    expect(page).toBeGreaterThan(2);
    // The whole key of the selection, under the list (the keys do not fit beside the rows at 80 columns).
    expect(squeezed(first)).toMatch(
      /s3:\/\/kinesis-tui-bucket\/events\/2026\/11\/26\/18\/kinesis-tui-delivery-1-59-\d+/,
    );
    await press(r, KEYS.pageDown);
    const down = await waitForFrame(r, (f) => f !== first && selectedRow(f) !== '');
    expect(squeezed(down)).toContain(`kinesis-tui-delivery-1-${59 - page}-`);
    // End: the oldest, the one failed object, in one key instead of sixty.
    await press(r, KEYS.end);
    const end = await waitForFrame(r, (f) => selectedRow(f).startsWith('› failed'));
    expect(end).toContain('of 61');
    await press(r, KEYS.home);
    await waitForFrame(r, (f) => squeezed(f).includes('kinesis-tui-delivery-1-59-'));
    // f: only the processing-failed objects.
    await press(r, 'f');
    const failed = await waitForText(r, 'showing processing-failed only');
    expect(objectRows(failed)).toHaveLength(1);
    expect(selectedRow(failed)).toMatch(/^› failed/);
    await press(r, 'f');
    const delivered = await waitForText(r, 'showing delivered only');
    expect(objectRows(delivered).every((row) => row.includes('delivered'))).toBe(true);
    await press(r, 'f');
    await waitForFrame(r, (f) => !f.includes('showing '));
  });

  it('scrolls an object’s records, saying where it is and that there is more', async () => {
    const { r, bucket } = verifying((engine) => engine.bucket.deliver(engine.bucket.send(40)));
    resize(r, 80, 24);
    await waitForText(r, 'Objects: 1 (');
    await press(r, KEYS.enter);
    const top = await waitForFrame(r, (f) => flat(f).includes('(40) · 1-') && flat(f).includes('more below'));
    const shown = Number(/\(40\) · 1-(\d+), more below/.exec(flat(top))?.[1]);
    // It says how many rows it shows, and shows that many.
    expect(top.split('\n').filter((l) => /^(› | {2})\d{4}-\d\d-\d\d /.test(l))).toHaveLength(shown);
    await press(r, KEYS.end);
    const bottom = await waitForFrame(
      r,
      (f) => / · \d+-40\b/.test(flat(f)) && !flat(f).includes('more below'),
    );
    const last = JSON.parse(bucket.objects[0]?.body.trim().split('\n').pop() ?? '') as { event_id: string };
    expect(squeezed(bottom)).toContain(`"event_id":"${last.event_id}"`);
    await press(r, KEYS.pageUp);
    await waitForFrame(r, (f) => flat(f).includes('more below'));
  });

  it('says what is awaited while Firehose buffers, counts down, and refreshes by itself until it arrives', async () => {
    const sentAt = Date.now();
    const { r, bucket } = verifying((engine) => {
      engine.bucket.send(25, sentAt);
    });
    const waiting = await waitForText(r, 'Awaiting 25 events, due within');
    expect(flat(waiting)).toContain(
      'Firehose buffers 60s or 5 MB, the transform 60s, then up to 15s to write',
    );
    expect(waiting).toMatch(/sent 25 · delivered 0 · awaiting 25/);
    expect(waiting).toContain('no object yet');
    const due = (f: string) => /due within ([^(]+) \(/.exec(f)?.[1];
    // The countdown moves on by itself.
    await waitForFrame(r, (f) => due(f) !== undefined && due(f) !== due(waiting), 5000);
    // Auto-refresh (on by default) picks up the delivery without a key.
    bucket.deliver([...bucket.journal.acknowledged.values()].map((a) => ({ ...eventFor(a.event_id) })));
    await waitForText(r, 'Every sent event is accounted for', 'Objects: 1 (');
  });

  it('with buffers at 0, events just sent are awaited, not missing or overdue', async () => {
    const { r } = verifying((engine) => {
      engine.bucket.info = {
        status: 'ACTIVE',
        bufferIntervalSeconds: 0,
        bufferSizeMB: 1,
        processorIntervalSeconds: 0,
      };
      engine.bucket.send(26, Date.now() - 1300);
    });
    const frame = await waitForText(r, 'Awaiting 26 events, due within');
    expect(frame).toMatch(/awaiting 26/);
    expect(frame).not.toContain('missing');
    expect(frame).not.toContain('ago');
  });

  it('says events are missing once due, and asks the engine why', async () => {
    const { r, bucket } = verifying((engine) => {
      engine.bucket.send(4, Date.now() - 10 * 60_000);
    });
    const late = await waitForText(
      r,
      '4 events missing: due',
      'Why: Firehose is still buffering',
      'fix:  wait',
    );
    expect(late).toMatch(/due (7|8|9|10)m \d\ds ago/);
    expect(late).toMatch(/missing 4/);
    expect(bucket.diagnoses).toBeGreaterThan(0);
  });

  it('keeps room for the preview on a short terminal', async () => {
    const { r } = verifying((engine) => engine.bucket.deliver(engine.bucket.send(12)));
    resize(r, 80, 24);
    await waitForText(r, 'Objects: 1 (');
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Transformed records (12)');
    expect(preview).not.toContain('█');
    expect(preview.split('\n').filter((l) => /user_\d+/.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(preview.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('refreshes with r when auto-refresh is off, and says when a check fails', async () => {
    const { r, bucket } = verifying((engine) => engine.bucket.deliver(engine.bucket.send(5)));
    await waitForText(r, 'Objects: 1 (', 'auto-refresh on');
    await press(r, 'a');
    await waitForText(r, 'auto-refresh off', 'a auto-refresh on');
    const checks = bucket.checks;
    bucket.deliver(bucket.send(5));
    // No refresh by itself: a later frame still shows one object.
    await waitForFrame(r, (f) => f.includes('Objects: 1 ('));
    expect(bucket.checks).toBe(checks);
    await press(r, 'r');
    await waitForText(r, 'Objects: 2 (', 'sent 10 · delivered 10');
    bucket.gate = async () => {
      throw new Error('AccessDenied: the role cannot list the bucket');
    };
    await press(r, 'r');
    const failed = await waitForText(
      r,
      '✖ The last check failed: AccessDenied: the role cannot list the bucket',
    );
    // What was read before stays on screen.
    expect(failed).toContain('Objects: 2 (');
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
