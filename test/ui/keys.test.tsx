// Keys are never lost: several in one read (a paste, or typed faster than the terminal is read) are each
// handled in order, keys typed while the target opens are kept until it is open, and a step asked for
// while a deploy runs opens when the deploy has made it possible.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { WizardEngine } from '../../src/ui/engine.js';
import { KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp, STREAM_OPEN } from './render-app.js';

afterEach(() => cleanup());

/** The selected parameter's line on the Deploy screen. */
const selected = (frame: string) => frame.split('\n').find((line) => line.startsWith('› ')) ?? '';

describe('keys', () => {
  it('a value and Enter pasted in one read: the value is kept and the field closed', async () => {
    const engine = fakeEngine({ stack: undefined });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'not deployed', 'Parameters');
    // Down to ShardCount, open it, clear it, and paste "3" with Enter: one read each time.
    r.stdin.write(`${KEYS.down.repeat(5)}e${KEYS.backspace}`);
    await waitForFrame(r, (f) => /ShardCount\s+▌/.test(selected(f)));
    r.stdin.write('3\r');
    const frame = await waitForFrame(r, (f) => /ShardCount\s+3 \(edited\)/.test(f));
    expect(frame).not.toContain('Esc undo');
    expect(selected(frame)).not.toContain('▌');
  });

  it('keys typed while the local cloud starts are kept, said so, and applied once it is up', async () => {
    let opened!: (engine: WizardEngine) => void;
    const { r } = renderApp(() => new Promise((resolve) => (opened = resolve)));
    resize(r, 120, 40);
    await waitForText(r, 'starting the local cloud');
    await press(r, KEYS.down);
    await press(r, KEYS.down);
    await press(r, 'e');
    await waitForText(r, '3 keys typed: kept until the local cloud is ready');
    opened(fakeEngine({ stack: undefined }));
    const frame = await waitForFrame(
      r,
      (f) => selected(f).includes('FunctionName') && f.includes('Esc undo'),
    );
    expect(frame).not.toContain('keys typed');
  });

  it('a step key typed while starting waits for the stack to be known, then opens the step', async () => {
    let opened!: (engine: WizardEngine) => void;
    const { r } = renderApp(() => new Promise((resolve) => (opened = resolve)));
    await waitForText(r, 'starting the local cloud');
    await press(r, '3');
    await waitForText(r, '1 key typed: kept until the local cloud is ready');
    const engine = fakeEngine({ stack: DEPLOYED });
    // The stack is looked at a moment after the target opens: the key waits for that too.
    let described!: () => void;
    const describe = engine.describeStack.bind(engine);
    engine.describeStack = () => new Promise((resolve) => (described = () => resolve(describe())));
    opened(engine);
    await waitForFrame(r, () => described !== undefined);
    expect(r.lastFrame()).toContain('1 key typed');
    described();
    const frame = await waitForText(r, '[3 Verify]');
    expect(frame).not.toContain('cannot open yet');
  });

  it('a step asked for while the deploy runs opens when the deploy has made it possible', async () => {
    let release: (() => void) | undefined;
    let steps = 0;
    const engine = fakeEngine({
      stack: undefined,
      gate: () => (++steps === 10 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
    });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'not deployed');
    await press(r, KEYS.enter);
    await waitForText(r, '[9/10]');
    await press(r, '2');
    await waitForText(r, 'Stream opens when the deploy finishes');
    release?.();
    const frame = await waitForFrame(r, (f) => STREAM_OPEN.test(f));
    expect(frame).not.toContain('opens when the deploy finishes');
  });

  it('a step key between the stack completing and its outputs being read waits, then opens the step', async () => {
    const engine = fakeEngine({ stack: undefined });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'not deployed');
    // The deploy's last event says CREATE_COMPLETE; the stack's outputs (the stream's name) are read after.
    let described: (() => void) | undefined;
    const describe = engine.describeStack.bind(engine);
    engine.describeStack = () => new Promise((resolve) => (described = () => resolve(describe())));
    await press(r, KEYS.enter);
    await waitForFrame(r, () => described !== undefined);
    expect(r.lastFrame()).toContain('stack kinesis-tui CREATE_COMPLETE');
    await press(r, '2');
    await waitForText(r, 'Stream opens when the deploy finishes');
    described?.();
    const frame = await waitForFrame(r, (f) => STREAM_OPEN.test(f));
    expect(frame).not.toContain('cannot open');
  });

  it('a step that cannot open says why instead of doing nothing', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: undefined }));
    await waitForText(r, 'not deployed');
    await press(r, '3');
    const frame = await waitForText(r, 'Verify cannot open yet: deploy the stack first');
    expect(frame).toContain('[1 Deploy]');
  });

  it('a step key and keys for that step in one read: the step opens, then takes them', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    resize(r, 120, 40);
    await waitForText(r, 'CREATE_COMPLETE');
    r.stdin.write('2');
    await waitForText(r, '▶ sending');
    r.stdin.write('1 2 ');
    await waitForText(r, '[2 ✔ Stream]', '❚❚ paused');
  });

  it('Ctrl-C in the middle of other keys still quits', async () => {
    const { r, session } = renderApp(async () => fakeEngine({ stack: DEPLOYED }));
    await waitForText(r, 'CREATE_COMPLETE');
    r.stdin.write('ab\u0003c');
    await waitForFrame(r, () => session.store.get().closing === 'done');
    expect(session.store.get().quit).toBe('interrupt');
  });
});
