import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { WizardEngine } from '../../src/ui/engine.js';
import { GLOBAL_KEYS, SCREEN_KEYS } from '../../src/ui/keys.js';
import { flat, KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());

describe('the frame', () => {
  it('says what it is opening, then shows the target, region, stack and its status', async () => {
    let opened!: (engine: WizardEngine) => void;
    const { r } = renderApp(() => new Promise((resolve) => (opened = resolve)));
    await waitForText(r, 'starting the local cloud');
    opened(fakeEngine({ stack: DEPLOYED }));
    const frame = await waitForText(
      r,
      'local cloud 127.0.0.1:45678',
      'us-east-1',
      'stack kinesis-tui',
      'CREATE_COMPLETE',
    );
    expect(frame).toContain('[1 ✔ Deploy]');
    expect(frame).toMatch(/2 Stream.*3 Verify.*4 Cleanup/);
    expect(frame).toContain('? help');
  });

  it('shows why a target could not be opened, in words, and quits on q', async () => {
    const { r, session } = renderApp(async () => {
      throw new Error('no AWS credentials found: set AWS_ACCESS_KEY_ID or pass --profile NAME');
    });
    const frame = await waitForText(r, '✖ Could not open the target: no AWS credentials found');
    expect(frame).not.toMatch(/at .*\.ts:\d+/);
    await press(r, 'q');
    await waitForFrame(r, () => session.store.get().closing === 'done');
  });

  it('keeps a step closed until its prerequisite holds, and says why', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: undefined }));
    await waitForText(r, 'not deployed');
    await press(r, '2');
    await press(r, '3');
    await press(r, KEYS.tab);
    const frame = await waitForText(r, '[1 Deploy]');
    expect(frame).not.toContain('[2 Stream]');
    await press(r, '4');
    expect(r.lastFrame()).toContain('[1 Deploy]');
  });

  it('moves between reachable steps with number keys, Tab and Shift-Tab', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    await waitForText(r, 'CREATE_COMPLETE');
    await press(r, '3');
    await waitForText(r, '[3 Verify]');
    await press(r, KEYS.tab);
    await waitForText(r, '[4 Cleanup]');
    await press(r, KEYS.tab);
    await waitForText(r, '[1 ✔ Deploy]');
    await press(r, KEYS.shiftTab);
    await waitForText(r, '[4 Cleanup]');
  });

  it('opens a help overlay listing every key, and closes it with Esc or ?', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    await waitForText(r, 'CREATE_COMPLETE');
    await press(r, '?');
    const help = await waitForText(r, 'Keys (Esc or ? closes)');
    for (const text of [
      'start / pause / resume',
      'a burst of 100 events',
      'one malformed record',
      'filter by action',
      'a page up / down',
      'all / failed / delivered',
      'its records (Esc: back)',
      'refresh now',
      'deploy, or update (y confirms)',
      'delete all (AWS: y confirms)',
      'Debug log: /tmp/kinesis-tui-test.log',
      'quit (sending finishes first)',
    ]) {
      expect(help).toContain(text);
    }
    // Keys that mean something elsewhere do nothing while help is open.
    await press(r, '2');
    await press(r, KEYS.escape);
    const frame = await waitForFrame(r, (f) => !f.includes('Keys (Esc or ? closes)'));
    expect(frame).toContain('[1 ✔ Deploy]');
    await press(r, '?');
    await waitForText(r, 'Keys (Esc or ? closes)');
    await press(r, '?');
    await waitForFrame(r, (f) => !f.includes('Keys (Esc or ? closes)'));
  });

  it('at 80x24, the help shows every key and all it does, wrapped in its column, never cut', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    resize(r, 80, 24);
    await waitForText(r, 'CREATE_COMPLETE');
    await press(r, '?');
    const help = await waitForText(r, 'Keys (Esc or ? closes)', 'Debug log:');
    const lines = help.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    // Each column read on its own (39 columns, a gap of 2), its wrapped lines joined.
    const column = (from: number, to: number) => flat(lines.map((l) => l.slice(from, to)).join('\n'));
    const both = `${column(0, 39)} ${column(41, 80)}`;
    for (const hint of [...GLOBAL_KEYS, ...Object.values(SCREEN_KEYS).flat()]) {
      expect(both, hint.keys).toContain(`${hint.keys} `);
      expect(both, hint.keys).toContain(hint.does);
    }
  });

  it('at 80 columns, a header that cannot fit on one line wraps between its parts, never inside a word', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED, kind: 'aws' }), {
      stackName: 'kinesis-tui-a-stack-name-long-enough-to-push-the-header-over',
    });
    resize(r, 80, 24);
    const frame = await waitForText(r, 'CREATE_COMPLETE');
    const [first, second, third, fourth] = frame.split('\n');
    expect(first).toBe('AWS 000000000000 · us-east-1');
    expect(second).toBe('stack kinesis-tui-a-stack-name-long-enough-to-push-the-header-over');
    expect(third).toBe('CREATE_COMPLETE');
    expect(fourth).toMatch(/^\[1 ✔ Deploy\]/);
    // A name wider than the terminal on its own breaks after a separator.
    const longer = renderApp(async () => fakeEngine({ stack: DEPLOYED, kind: 'aws' }), {
      stackName: `kinesis-tui-${'very-long-'.repeat(8)}name`,
    }).r;
    resize(longer, 80, 24);
    const broken = await waitForText(longer, 'CREATE_COMPLETE');
    const lines = broken.split('\n');
    const status = lines.indexOf('CREATE_COMPLETE');
    const name = lines.slice(1, status);
    expect(name.every((l) => [...l].length <= 80 && !l.includes('…'))).toBe(true);
    expect(name.join('')).toBe(`stackkinesis-tui-${'very-long-'.repeat(8)}name`);
  });

  it('quits cleanly from any step: the producer finishes what is in flight, then the engine closes', async () => {
    const engine = fakeEngine({ stack: DEPLOYED });
    const { r, session } = renderApp(async () => engine);
    await waitForText(r, 'CREATE_COMPLETE');
    await press(r, '2');
    await waitForFrame(r, (f) => /acknowledged [1-9]/.test(f));
    await press(r, 'q');
    await waitForFrame(r, () => session.store.get().closing === 'done');
    const stats = engine.producers[0]?.stats();
    expect(stats?.state).toBe('done');
    expect(stats?.outstanding).toBe(0);
    expect(stats?.acknowledged).toBe(stats?.sent);
    expect(engine.closed).toBe(1);
  });

  it('Ctrl-C quits too, and a second Ctrl-C does not wait', async () => {
    const engine = fakeEngine({ stack: DEPLOYED });
    const { r, session } = renderApp(async () => engine);
    await waitForText(r, 'CREATE_COMPLETE');
    await press(r, KEYS.ctrlC);
    await press(r, KEYS.ctrlC);
    await waitForFrame(r, () => session.store.get().closing === 'done');
    expect(engine.closed).toBe(1);
  });

  it('asks for a bigger window below the minimum size and lays out again when it grows', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    await waitForText(r, 'CREATE_COMPLETE');
    resize(r, 60, 20);
    const small = await waitForText(r, 'Terminal too small: 60x20');
    expect(small).not.toContain('Deploy >');
    resize(r, 100, 30);
    await waitForText(r, 'CREATE_COMPLETE', '[1 ✔ Deploy]');
  });

  it('never draws more lines than the terminal has, however many events there are', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }), { initialStep: 'stream' });
    resize(r, 100, 24);
    await waitForFrame(r, (f) => /acknowledged [1-9]\d\d/.test(f));
    await press(r, 'b');
    const frame = await waitForFrame(
      r,
      (f) => /acknowledged [1-9],?\d\d\d/.test(f) || /acknowledged [2-9]\d\d/.test(f),
    );
    // The whole screen (the alternate screen, written line by line), never a line more.
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    resize(r, 120, 40);
    const tall = await waitForFrame(r, (f) => f.split('\n').length > 30);
    expect(tall.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('shows a readable message when a screen crashes, not a stack dump', async () => {
    const engine = fakeEngine({ stack: DEPLOYED });
    Object.defineProperty(engine, 'template', {
      get() {
        throw new Error('template went missing');
      },
    });
    const { r } = renderApp(async () => engine);
    const frame = await waitForText(r, 'Something went wrong in the wizard: template went missing');
    expect(frame).toContain('Press q to quit');
    expect(frame).toContain('Details: /tmp/kinesis-tui-test.log');
    expect(frame).not.toMatch(/at .*:\d+:\d+/);
  });
});
