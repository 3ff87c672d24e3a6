import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { flat, KEYS, press, resize, waitForFrame, waitForText } from '../support/ink.js';
import { DEPLOYED, fakeEngine } from './fake-engine.js';
import { renderApp, STREAM_OPEN } from './render-app.js';

afterEach(() => cleanup());

/** Moves the selection to the parameter whose line contains `label`. */
async function select(r: Parameters<typeof press>[0], label: string) {
  for (let i = 0; i < 20; i++) {
    const selected = (r.lastFrame() ?? '').split('\n').find((line) => line.startsWith('› '));
    if (selected?.includes(label)) return;
    await press(r, KEYS.down);
    await waitForFrame(r, (f) => f.split('\n').find((line) => line.startsWith('› ')) !== selected);
  }
  throw new Error(`no parameter "${label}"`);
}

describe('the Deploy screen', () => {
  it("lists the template's parameters and resources, and checks an edited value as it is typed", async () => {
    const engine = fakeEngine({ stack: undefined });
    const { r } = renderApp(async () => engine);
    resize(r, 80, 24);
    const frame = await waitForText(r, 'not deployed yet', 'Parameters', 'Resources (10)');
    expect(frame).toContain('DeliveryStream');
    await select(r, 'Shard');
    await press(r, 'e');
    await waitForText(r, 'Esc undo');
    await press(r, KEYS.backspace);
    await press(r, '0');
    await waitForFrame(r, (f) =>
      flat(f).includes('Parameter ShardCount failed to satisfy constraint: 1-200 shards'),
    );
    await press(r, KEYS.enter);
    await press(r, KEYS.enter);
    await waitForFrame(r, (f) =>
      flat(f).includes('Not deployed: Parameter ShardCount failed to satisfy constraint'),
    );
    expect(engine.deploys).toHaveLength(0);
    await press(r, 'e');
    await press(r, KEYS.escape);
    await waitForFrame(r, (f) => !f.includes('(1 invalid)') && !f.includes('(edited)'));
  });

  it('deploys on Enter with live progress, then shows the outputs and opens the next steps', async () => {
    let release: (() => void) | undefined;
    let steps = 0;
    const engine = fakeEngine({
      stack: undefined,
      // Hold the deploy after three resources so the screen can be seen mid-way.
      gate: () => (++steps === 4 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
    });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'not deployed yet');
    await select(r, 'Shard');
    await press(r, 'e');
    await press(r, KEYS.backspace);
    await press(r, '2');
    await press(r, KEYS.enter);
    await press(r, KEYS.enter);
    const mid = await waitForText(r, '[3/10]', 'in progress: TransformLogGroup', 'CREATE_COMPLETE');
    expect(mid).toMatch(/CREATE_COMPLETE\s+EventStream\s+AWS::Kinesis::Stream/);
    expect(mid).not.toContain('[2 Stream]');
    release?.();
    // Done: the parameters stay, with the stack's values, beside its outputs.
    const done = await waitForText(r, '✔ created in', 'Outputs', 'kinesis-tui-events', 'Parameters');
    expect(done).toMatch(/ShardCount\s+2 /);
    expect(done).toContain('[1 ✔ Deploy]');
    expect(engine.deploys[0]?.values).toEqual({ ShardCount: '2' });
    await press(r, '2');
    await waitForFrame(r, (f) => STREAM_OPEN.test(f));
  });

  it('pins the failure reason, and offers to delete and deploy again after a rollback', async () => {
    const engine = fakeEngine({ stack: undefined, failOn: 'DeliveryStream' });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'not deployed yet');
    await press(r, KEYS.enter);
    const failed = await waitForText(
      r,
      '✖ DeliveryStream CREATE_FAILED: Resource handler returned message: "Invalid request provided"',
      'ROLLBACK_COMPLETE',
      'r delete and deploy again',
    );
    expect(failed).not.toContain('[2 Stream]');
    await press(r, 'r');
    await waitForFrame(r, () => engine.deploys.length === 2);
    expect(engine.deploys[1]?.replace).toBe(true);
  });

  it('pins each pre-deployment validation failure: the resource, the property path, the reason, what to do', async () => {
    const engine = fakeEngine({
      stack: { ...DEPLOYED, parameters: { ShardCount: '1' } },
      refuse: [
        {
          logicalId: 'EventStream',
          resourceType: 'AWS::Kinesis::Stream',
          check: 'PROPERTY_VALIDATION',
          mode: 'FAIL',
          path: '/Resources/EventStream/Properties/ShardCount',
          reason: 'Value of property ShardCount must be of type Integer',
        },
      ],
    });
    const { r } = renderApp(async () => engine);
    resize(r, 160, 40);
    await waitForText(r, 'Stack kinesis-tui: CREATE_COMPLETE', 'Enter update');
    await press(r, KEYS.enter);
    await press(r, KEYS.enter);
    const failed = await waitForText(
      r,
      '✖ EventStream VALIDATION_FAILED: Value of property ShardCount must be of type Integer (at /Resources/EventStream/Properties/ShardCount)',
      "failed CloudFormation's pre-deployment validation, so nothing was changed",
      'Fix the property at that path in the template',
    );
    expect(failed).not.toContain('r delete and deploy again');
  });

  it('shows an existing stack and its status at start', async () => {
    const { r } = renderApp(async () =>
      fakeEngine({ stack: { ...DEPLOYED, parameters: { ShardCount: '3' } } }),
    );
    resize(r, 120, 40);
    const frame = await waitForText(r, 'Stack kinesis-tui: CREATE_COMPLETE', 'Enter update');
    expect(frame).toMatch(/Shard.*\b3\b/);
  });

  it('after a deploy, keeps the parameters with the live values; an update says what it changes and waits for y', async () => {
    const engine = fakeEngine({
      stack: { ...DEPLOYED, parameters: { ShardCount: '1', StreamName: 'kinesis-tui-events' } },
    });
    const { r } = renderApp(async () => engine);
    resize(r, 80, 24);
    await waitForText(r, 'Stack kinesis-tui: CREATE_COMPLETE', 'Enter update');
    await select(r, 'ShardCount');
    await press(r, 'e');
    await press(r, KEYS.backspace);
    await press(r, '3');
    await press(r, KEYS.enter);
    await waitForFrame(r, (f) => /ShardCount\s+3 \(edited\)/.test(f));
    await press(r, KEYS.enter);
    const asked = await waitForText(
      r,
      'Update stack kinesis-tui?',
      'ShardCount: 1 -> 3',
      'Modify EventStream (AWS::Kinesis::Stream)',
      'y updates it · n or Esc cancels',
    );
    expect(asked).toContain('y update  n/Esc cancel');
    // Nothing has changed yet: the stack is as it was while the question waits.
    expect(asked).toContain('Stack kinesis-tui: CREATE_COMPLETE');
    expect(asked).toMatch(/stack kinesis-tui CREATE_COMPLETE/);
    // n: nothing changes, the edit stays to try again.
    await press(r, 'n');
    await waitForText(r, 'update cancelled: nothing changed');
    expect(engine.stack?.parameters?.ShardCount).toBe('1');
    expect(r.lastFrame()).toMatch(/ShardCount\s+3 \(edited\)/);
    await press(r, KEYS.enter);
    await waitForText(r, 'Update stack kinesis-tui?');
    await press(r, 'y');
    const updated = await waitForText(r, 'UPDATE_COMPLETE', '✔ updated in');
    expect(updated).toMatch(/ShardCount\s+3\n/);
    expect(engine.stack?.parameters?.ShardCount).toBe('3');
  });

  it('says so when an update changes nothing, instead of a progress of nothing', async () => {
    const engine = fakeEngine({ stack: { ...DEPLOYED, parameters: { StreamName: 'kinesis-tui-events' } } });
    const { r } = renderApp(async () => engine);
    resize(r, 80, 24);
    await waitForText(r, 'Enter update');
    await press(r, KEYS.enter);
    const frame = await waitForText(r, 'Stack kinesis-tui: CREATE_COMPLETE · nothing to update');
    expect(frame).not.toMatch(/\[\d+\/\?\]|no changes/);
    expect(engine.stack?.status).toBe('CREATE_COMPLETE');
  });

  it('lists the allowed values when a value is not one of them', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: undefined }));
    resize(r, 80, 24);
    await waitForText(r, 'not deployed yet');
    await select(r, 'StreamMode');
    await press(r, 'e');
    for (let i = 0; i < 'PROVISIONED'.length; i++) await press(r, KEYS.backspace);
    await press(r, 'FAST');
    const frame = await waitForFrame(r, (f) => flat(f).includes('PROVISIONED, ON_DEMAND'));
    expect(flat(frame)).toContain(
      "Parameter 'StreamMode' must be one of AllowedValues: PROVISIONED, ON_DEMAND",
    );
  });

  it('warns when an update replaces the stream', async () => {
    const engine = fakeEngine({ stack: { ...DEPLOYED, parameters: { StreamName: 'kinesis-tui-events' } } });
    const { r } = renderApp(async () => engine);
    resize(r, 120, 40);
    await waitForText(r, 'Enter update');
    await press(r, 'e');
    await press(r, '2');
    await press(r, KEYS.enter);
    await press(r, KEYS.enter);
    await waitForText(
      r,
      'StreamName: kinesis-tui-events -> kinesis-tui-events2',
      'Modify EventStream (AWS::Kinesis::Stream): replaced by a new one (what it holds is lost)',
    );
    await press(r, KEYS.escape);
    await waitForText(r, 'update cancelled');
  });

  it('after Cleanup, starts over: no old results, and the values typed are kept for the next deploy', async () => {
    const engine = fakeEngine({ stack: undefined });
    const { r } = renderApp(async () => engine);
    resize(r, 80, 24);
    await waitForText(r, 'not deployed yet');
    await select(r, 'BufferIntervalSeconds');
    await press(r, 'e');
    await press(r, KEYS.backspace);
    await press(r, KEYS.backspace);
    await press(r, '0');
    await press(r, KEYS.enter);
    await press(r, KEYS.enter);
    await waitForText(r, '✔ created in', 'Outputs');
    await press(r, '4');
    await waitForText(r, 'd delete');
    await press(r, 'd');
    await waitForText(r, 'What remains:');
    await press(r, '1');
    const after = await waitForText(r, 'Stack kinesis-tui: not deployed yet');
    expect(after).not.toContain('Outputs');
    expect(after).not.toContain('created in');
    expect(after).toMatch(/BufferIntervalSeconds\s+0 \(edited\)/);
    expect(after).toContain(
      "the deleted stack's values are kept for the next deploy (BufferIntervalSeconds)",
    );
    await press(r, KEYS.enter);
    await waitForFrame(r, () => engine.deploys.length === 2);
    expect(engine.deploys[1]?.values).toMatchObject({ BufferIntervalSeconds: '0' });
  });

  it('jumps to the last parameter with End and back to the first with Home', async () => {
    const { r } = renderApp(async () => fakeEngine({ stack: undefined }));
    await waitForText(r, 'not deployed yet');
    await press(r, KEYS.end);
    await waitForFrame(r, (f) => /^› LogRetentionDays/m.test(f));
    await press(r, KEYS.home);
    await waitForFrame(r, (f) => /^› StreamName/m.test(f));
  });

  it('on AWS asks before creating the stack, saying it costs money; n creates nothing', async () => {
    const engine = fakeEngine({ stack: undefined, kind: 'aws' });
    const { r } = renderApp(async () => engine);
    resize(r, 80, 24);
    await waitForText(r, 'not deployed yet');
    await press(r, KEYS.enter);
    const asked = await waitForText(r, 'y creates it · n or Esc cancels');
    expect(flat(asked)).toContain(
      'Create stack kinesis-tui in AWS account 000000000000 (us-east-1)? Its resources cost money until Cleanup deletes them.',
    );
    await press(r, 'n');
    await waitForText(r, 'not deployed: nothing was created');
    expect(engine.deploys).toHaveLength(0);
    await press(r, KEYS.enter);
    await waitForText(r, 'y creates it');
    await press(r, 'y');
    await waitForText(r, '✔ created in');
    expect(engine.deploys).toHaveLength(1);
  });
});
