import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());

describe('the Cleanup screen', () => {
  it('on the local cloud deletes at once with d, shows progress as Deploy does, then what went and what remains', async () => {
    let release: (() => void) | undefined;
    let steps = 0;
    const engine = fakeEngine({
      stack: DEPLOYED,
      // Hold the delete after three resources so the screen can be seen mid-way.
      gate: () => (++steps === 4 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
    });
    engine.bucket.deliver(engine.bucket.send(5));
    engine.bucket.deliver(engine.bucket.send(5));
    const { r } = renderApp(async () => engine, { initialStep: 'cleanup' });
    resize(r, 120, 40);
    const before = await waitForText(r, 'This is the local cloud: d deletes at once.', 'Export first: off');
    expect(before).toContain('d delete  e export first on');
    await press(r, 'd');
    const mid = await waitForText(
      r,
      '[3/10]',
      'DELETE_IN_PROGRESS',
      '✔ emptied s3://kinesis-tui-bucket: 2 objects deleted',
    );
    expect(mid).toMatch(/DELETE_COMPLETE\s+DeliveryStream\s+AWS::KinesisFirehose::DeliveryStream/);
    expect(mid).toContain('in progress:');
    // While it runs, d does nothing more.
    await press(r, 'd');
    expect(engine.teardowns).toHaveLength(1);
    release?.();
    const done = await waitForText(r, '[10/10]', 'stack deleted', 'What remains:');
    expect(done).toContain(
      '✔ Deleted: stack kinesis-tui, its 10 resources and 2 objects from s3://kinesis-tui-bucket.',
    );
    expect(done).toContain('DeliveryStream, DeliveryRole, DeliveryLogStream');
    expect(done).toContain("the producer's journal, kept as /state/journals/kinesis-tui.ndjson.");
    expect(done).toContain('[4 ✔ Cleanup]');
    expect(done).toContain('Stack kinesis-tui: deleted');
    expect(done).toContain('stack kinesis-tui not deployed');
    expect(engine.teardowns[0]?.export).toBe(false);
    // Stream and Verify need a stack again; Deploy starts over.
    await press(r, '2');
    await press(r, '1');
    await waitForText(r, '[1 Deploy]', 'not deployed yet');
  });

  it('says so when Firehose wrote after the bucket was emptied, empties it again, and ends deleted without a red line', async () => {
    const engine = fakeEngine({ stack: DEPLOYED, refill: true });
    engine.bucket.deliver(engine.bucket.send(5));
    const { r } = renderApp(async () => engine, { initialStep: 'cleanup' });
    resize(r, 120, 40);
    await waitForText(r, 'd deletes at once');
    await press(r, 'd');
    const done = await waitForText(r, 'stack deleted', 'What remains:');
    expect(done).toContain('[10/10] stack deleted');
    expect(done).toContain('emptying s3://kinesis-tui-bucket again and deleting once more');
    expect(done).toContain('✔ emptied s3://kinesis-tui-bucket: 1 object deleted');
    // The failure was handled: it is not left pinned as if the teardown had failed.
    expect(done).not.toMatch(/✖ DeliveryBucket DELETE_FAILED/);
    expect(done).toContain('Stack kinesis-tui: deleted');
  });

  it('exports first when e turns it on', async () => {
    const engine = fakeEngine({ stack: DEPLOYED });
    engine.bucket.deliver(engine.bucket.send(3));
    const { r } = renderApp(async () => engine, { initialStep: 'cleanup' });
    resize(r, 120, 40);
    await waitForText(r, 'Export first: off');
    await press(r, 'e');
    await waitForText(r, 'Export first: on', 'e export first off');
    await press(r, 'd');
    const done = await waitForText(r, 'What remains:');
    expect(done).toContain('✔ exported 1 object (1.2 KiB) to /state/exports/kinesis-tui-1');
    expect(done).toContain('the exported objects in /state/exports/kinesis-tui-1');
    expect(engine.teardowns[0]?.export).toBe(true);
  });

  it('on AWS asks for y before deleting; any other key cancels', async () => {
    const engine = fakeEngine({ stack: DEPLOYED, kind: 'aws' });
    const { r } = renderApp(async () => engine, { initialStep: 'cleanup' });
    resize(r, 120, 40);
    await waitForText(r, 'd asks you to confirm');
    await press(r, 'd');
    await waitForText(
      r,
      'Delete stack kinesis-tui and every object in its bucket, in AWS account 000000000000',
    );
    // q while asking is "no", not quit.
    await press(r, 'q');
    await waitForFrame(r, (f) => !f.includes('y deletes') && f.includes('d delete (asks to confirm)'));
    expect(engine.teardowns).toHaveLength(0);
    expect(engine.closed).toBe(0);
    await press(r, 'd');
    await waitForText(r, 'y deletes');
    await press(r, 'y');
    await waitForText(r, 'stack deleted', '✔ Deleted: stack kinesis-tui,');
    expect(engine.teardowns).toHaveLength(1);
  });

  it('stops the stream before deleting, so nothing is sent into a stream being deleted', async () => {
    const engine = fakeEngine({ stack: DEPLOYED });
    const { r } = renderApp(async () => engine, { initialStep: 'stream' });
    resize(r, 120, 40);
    await waitForText(r, '▶ sending');
    await press(r, '4');
    await waitForText(r, 'd delete');
    await press(r, 'd');
    await waitForText(r, 'stack deleted');
    const producer = engine.producers[0];
    expect(producer?.stats().state).toBe('done');
    expect(producer?.stats().outstanding).toBe(0);
    await press(r, KEYS.tab);
    // Only Deploy and Cleanup can be reached without a stack.
    await waitForText(r, '[1 Deploy]');
  });
});
