import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { flat, KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());

/** The number after a label in the counters line (-1 before the line is drawn). */
function counter(frame: string, label: string): number {
  const match = new RegExp(`${label} ([\\d,]+)`).exec(frame);
  if (!match?.[1]) return -1;
  return Number(match[1].replace(/,/g, ''));
}

/** The table's rows: lines that start with a clock time. */
function rows(frame: string): string[] {
  return frame.split('\n').filter((line) => /^\d\d:\d\d:\d\d /.test(line));
}

async function streaming() {
  const engine = fakeEngine({ stack: DEPLOYED });
  const rendered = renderApp(async () => engine, { initialStep: 'stream' });
  resize(rendered.r, 120, 40);
  await waitForFrame(rendered.r, (f) => counter(f, 'acknowledged') > 0 && rows(f).length > 0);
  return { ...rendered, engine };
}

describe('the Stream screen', () => {
  it('shows the sent events newest first with the counters and the stream they go to', async () => {
    const { r, engine } = await streaming();
    const frame = await waitForFrame(r, (f) => rows(f).length >= 5);
    expect(frame).toContain('▶ sending · stream kinesis-tui-events');
    expect(frame).toMatch(/time\s+action\s+user\s+item\s+price\s+shard\s+sequence/);
    for (const row of rows(frame)) {
      expect(row).toMatch(
        /^\d\d:\d\d:\d\d (login|view_item|add_to_cart|checkout)\s+user_\d{4}\s+(\d{3}|-)\s+(\d+\.\d\d|-)\s+shardId-\d{12}\s+…?\d+$/,
      );
    }
    // Newest first: sequence numbers fall down the table.
    const sequences = rows(frame).map((row) => Number(/(\d+)$/.exec(row)?.[1]));
    expect([...sequences].sort((a, b) => b - a)).toEqual(sequences);
    expect(counter(frame, 'acknowledged')).toBeLessThanOrEqual(engine.kinesis.records);
    expect(frame).toMatch(/retried 0 · throttled 0 · failed 0/);
  });

  it('pauses and resumes with space', async () => {
    const { r, engine, session } = await streaming();
    await press(r, ' ');
    await waitForText(r, '❚❚ paused', 'space resume', 'actual 0/s');
    const producer = engine.producers[0];
    await waitForFrame(r, () => producer?.stats().outstanding === 0);
    const sent = producer?.stats().sent;
    // Paused means no new events: wait until the rate history has taken its next sample (the zero that
    // shows the pause, up to a second later) and compare.
    const samples = session.stream?.store.get().rateHistory.length ?? 0;
    await waitForFrame(r, () => {
      const history = session.stream?.store.get().rateHistory ?? [];
      return history.length > samples && history.at(-1) === 0;
    });
    expect(producer?.stats().sent).toBe(sent);
    await press(r, ' ');
    await waitForText(r, '▶ sending');
    await waitForFrame(r, () => (producer?.stats().sent ?? 0) > (sent ?? 0));
  });

  it('changes the rate with + and -', async () => {
    const { r, engine } = await streaming();
    // The wizard's default rate is the stream command's: 100/s.
    await waitForText(r, 'target 100/s');
    await press(r, '+');
    await waitForText(r, 'target 200/s');
    await press(r, '+');
    await waitForText(r, 'target 500/s');
    expect(engine.producers[0]?.stats().targetRate).toBe(500);
    await press(r, '-');
    await press(r, '-');
    await press(r, '-');
    await waitForText(r, 'target 50/s');
  });

  it('shows the rate the shards take when throttling holds the stream under its target', async () => {
    const { r, engine } = await streaming();
    // A stream that takes one record in three: at 10,000/s the producer learns it and paces to it.
    engine.kinesis.throttle = (n) => n % 3 !== 0;
    for (let i = 0; i < 6; i++) await press(r, '+');
    await waitForText(r, 'target 10,000/s');
    const frame = await waitForText(r, 'shards take ~');
    const shown = Number(/shards take ~([\d,]+)\/s/.exec(frame)?.[1]?.replace(/,/g, ''));
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10_000);
    expect(engine.producers[0]?.stats().shardLimitedRate).toBeDefined();
  });

  it('sends a burst of 100 with b', async () => {
    const { r, engine } = await streaming();
    await press(r, ' ');
    await waitForText(r, '❚❚ paused');
    const producer = engine.producers[0];
    await waitForFrame(r, () => producer?.stats().outstanding === 0);
    const before = producer?.stats().sent ?? 0;
    await press(r, 'b');
    const frame = await waitForFrame(r, (f) => counter(f, 'acknowledged') >= before + 100);
    expect(counter(frame, 'sent')).toBe(before + 100);
  });

  it('sends one malformed record with m and shows it in the table', async () => {
    const { r, engine } = await streaming();
    await press(r, ' ');
    await waitForText(r, '❚❚ paused');
    await press(r, 'm');
    const frame = await waitForText(r, 'malformed sent on purpose: 1');
    const row = await waitForFrame(r, (f) => rows(f).some((line) => line.includes(' malformed ')));
    expect(rows(row)[0]).toMatch(/^\d\d:\d\d:\d\d malformed\s+-\s+-/);
    // The whole id, not its tail: it is the one to look for in Verify.
    expect(frame).toMatch(
      /malformed sent on purpose: 1 \(last [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/,
    );
    expect(engine.producers[0]?.stats().failed).toBe(0);
  });

  it('filters the table by action with /, keeping q and digits as text while typing', async () => {
    const { r, session } = await streaming();
    await press(r, '+');
    await press(r, '+');
    await press(r, '/');
    await waitForText(r, 'filter: ▌', 'Enter apply');
    for (const ch of 'checkout') await press(r, ch);
    await press(r, KEYS.enter);
    const filtered = await waitForFrame(
      r,
      (f) =>
        f.includes('filter: checkout') &&
        rows(f).length > 0 &&
        rows(f).every((l) => l.includes(' checkout ')),
    );
    expect(filtered).toContain('[2 ✔ Stream]');
    // Typing q in the filter does not quit; Esc clears the filter.
    await press(r, '/');
    await press(r, 'q');
    await press(r, '2');
    await waitForText(r, 'filter: checkoutq2▌');
    expect(session.store.get().closing).toBeUndefined();
    await press(r, KEYS.escape);
    await waitForFrame(
      r,
      (f) => f.includes('filter: none') && rows(f).some((l) => !l.includes(' checkout ')),
    );
  });

  it('pins the reason when events cannot be sent, and counts throttling and retries', async () => {
    const { r, engine } = await streaming();
    engine.kinesis.throttle = () => true;
    const frame = await waitForFrame(r, (f) => counter(f, 'throttled') > 0 && counter(f, 'retried') > 0);
    expect(frame).toMatch(/throttled [1-9]/);
    const failed = await waitForFrame(r, (f) => counter(f, 'failed') > 0, 30_000);
    expect(failed).toMatch(/✖ event [0-9a-f]{8}-[0-9a-f-]{27}: ProvisionedThroughputExceededException/);
  });

  it('on AWS starts paused and says how to start: nothing is sent until space, b or m', async () => {
    const engine = fakeEngine({ stack: DEPLOYED, kind: 'aws' });
    const { r } = renderApp(async () => engine, { initialStep: 'stream' });
    resize(r, 80, 24);
    const idle = await waitForText(r, '❚❚ not started', 'space start');
    expect(flat(idle)).toContain(
      'Nothing is sent until you say so (on AWS each PutRecords call is billed): space starts sending at 100/s',
    );
    expect(idle).toContain('nothing sent yet');
    // Moving between steps does not start it either.
    await press(r, '1');
    await waitForText(r, '[1 ✔ Deploy]');
    await press(r, '2');
    await waitForText(r, '❚❚ not started');
    expect(engine.kinesis.calls).toBe(0);
    await press(r, ' ');
    await waitForFrame(r, (f) => f.includes('▶ sending') && counter(f, 'acknowledged') > 0);
    expect(engine.kinesis.calls).toBeGreaterThan(0);
  });

  it('on AWS, b sends a burst without starting the stream', async () => {
    const engine = fakeEngine({ stack: DEPLOYED, kind: 'aws' });
    const { r } = renderApp(async () => engine, { initialStep: 'stream' });
    await waitForText(r, '❚❚ not started');
    await press(r, 'b');
    const frame = await waitForFrame(
      r,
      (f) => counter(f, 'acknowledged') === 100 && counter(f, 'in flight') === 0,
    );
    expect(frame).toContain('❚❚ paused');
    expect(counter(frame, 'sent')).toBe(100);
  });
});
