// The wizard with a template of the user's own (issue 12): the classic homework's parameters shown and
// edited under their own names, Stream asking which of two streams, Verify matching records that carry no
// event_id by content and previewing their fields, Cleanup naming the bucket discovery found, and an
// endpoint that did not make the delivery stream said plainly, with no delivery promised.
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/pipeline/template.js';
import type { StackSummary } from '../../src/ui/engine.js';
import { loadTemplateSummary } from '../../src/ui/engine-target.js';
import { KEYS, press, resize, waitForText } from '../support/ink.js';
import { fakeEngine } from './fake-engine.js';
import { renderApp } from './render-app.js';

afterEach(() => cleanup());

const SEED = loadTemplateSummary(loadTemplate(join(import.meta.dirname, '../fixtures/seed-pipeline.yaml')));

const HOMEWORK: StackSummary = {
  name: 'kinesis-tui',
  status: 'CREATE_COMPLETE',
  // Outputs named its own way, ARNs rather than names: nothing in the wizard reads them.
  outputs: { KinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/ecommerce-events-stream' },
  pipeline: {
    streams: ['ecommerce-events-stream'],
    deliveryStreams: [
      {
        name: 'ecommerce-events-firehose',
        source: 'ecommerce-events-stream',
        destination: 's3://ecommerce-events-archive/!{timestamp:yyyy/MM/dd/HH/}',
        status: 'ACTIVE',
      },
    ],
    buckets: ['ecommerce-events-archive'],
    problems: [],
  },
};

describe('the wizard with the classic homework template', () => {
  it('shows its parameters under their own names and deploys what was edited', async () => {
    const engine = fakeEngine({ template: SEED, deployed: HOMEWORK });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    const frame = await waitForText(r, 'KinesisStreamName', 'LambdaFunctionName');
    for (const name of ['S3BucketName', 'DataFirehoseName', 'BufferSeconds']) expect(frame).toContain(name);
    expect(frame).toContain('ecommerce-events-stream');
    expect(frame).toMatch(/Resources \(6\)/);
    // The first parameter, edited: KinesisStreamName.
    await press(r, 'e');
    await waitForText(r, 'Esc undo');
    await press(r, KEYS.backspace.repeat('ecommerce-events-stream'.length));
    await press(r, 'orders');
    await press(r, KEYS.enter);
    await waitForText(r, 'orders (edited)');
    await press(r, KEYS.enter);
    await waitForText(r, 'CREATE_COMPLETE · ✔ created in');
    expect(engine.deploys[0]?.values).toEqual({ KinesisStreamName: 'orders' });
  });

  it('asks which stream to send to when the stack has two, and sends to the one chosen', async () => {
    const two: StackSummary = {
      ...HOMEWORK,
      pipeline: {
        ...(HOMEWORK.pipeline as NonNullable<StackSummary['pipeline']>),
        streams: ['ecommerce-events-stream', 'clickstream'],
      },
    };
    const engine = fakeEngine({ template: SEED, stack: two });
    const { r } = renderApp(async () => engine, { initialStep: 'stream' });
    resize(r, 120, 40);
    const asked = await waitForText(r, 'The stack has 2 Kinesis streams', 'clickstream');
    expect(asked).toMatch(/› ecommerce-events-stream\s+read by ecommerce-events-firehose/);
    expect(asked).toMatch(/clickstream\s+no delivery stream reads it/);
    expect(engine.streamedTo).toEqual([]);
    await press(r, KEYS.down);
    await press(r, KEYS.enter);
    await waitForText(r, 'stream clickstream');
    expect(engine.streamedTo).toEqual(['clickstream']);
  });

  it('verifies records without event_id by content, counts categories, and previews their own fields', async () => {
    const engine = fakeEngine({ template: SEED, stack: HOMEWORK });
    const sent = engine.bucket.send(40);
    engine.bucket.deliverShaped(sent.slice(0, 25), new Date(Date.now() - 3000));
    engine.bucket.deliverShaped(sent.slice(25));
    const { r } = renderApp(async () => engine, { initialStep: 'verify' });
    resize(r, 120, 40);
    const frame = await waitForText(r, 'Every sent event is accounted for', 'Objects: 2');
    expect(frame).toMatch(/sent 40 · delivered 40 · awaiting 0/);
    expect(frame).toMatch(/matched on user_id\+item_id\+price \(no event_id\): exact for \d+ of 40/);
    expect(frame).toMatch(/Books\s.*of \d+ sent/);
    await press(r, KEYS.enter);
    const preview = await waitForText(r, 'Transformed records in', '(15)');
    // The columns are the fields the records hold, not ours.
    const header = preview.split('\n').find((l) => /^\s+user_id\s+item_id\s+category\s+price\s*$/.test(l));
    expect(header, preview).toBeDefined();
    const first = sent[25];
    expect(preview.split('\n').some((l) => l.includes(String(first?.user_id)))).toBe(true);
  });

  it('cleans up the bucket discovery found, and says the target is an endpoint', async () => {
    const engine = fakeEngine({ template: SEED, stack: HOMEWORK, kind: 'endpoint' });
    const { r } = renderApp(async () => engine, { initialStep: 'cleanup' });
    resize(r, 120, 40);
    const frame = await waitForText(r, 'd deletes everything');
    expect(frame).toContain('every object in s3://ecommerce-events-archive');
    expect(frame).toContain('This is the endpoint http://127.0.0.1:45678: d deletes at once.');
    expect(frame).not.toContain('This is the local cloud');
    await press(r, 'd');
    await waitForText(r, 'Deleted: stack kinesis-tui', 'from s3://ecommerce-events-archive');
  });

  it('says what an endpoint did not make, and promises no delivery for a delivery stream that is not there', async () => {
    const partial: StackSummary = {
      ...HOMEWORK,
      pipeline: {
        ...(HOMEWORK.pipeline as NonNullable<StackSummary['pipeline']>),
        problems: ['EventsFirehose not made here: nothing will reach the bucket'],
      },
    };
    const engine = fakeEngine({ template: SEED, stack: partial, kind: 'endpoint' });
    engine.bucket.info = { status: 'MISSING', failure: 'ResourceNotFoundException: not found' };
    engine.bucket.send(12);
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'did not make', 'EventsFirehose not made here: nothing will reach the bucket');
    await press(r, '3');
    const verify = await waitForText(
      r,
      'Nothing will arrive: the delivery stream does not exist at this endpoint',
    );
    expect(verify).toMatch(/missing 12/);
    expect(verify).not.toMatch(/due in|overdue|Awaiting/);
  });
});
