import { describe, expect, it } from 'vitest';
import { createOutput, duration } from '../../../src/commands/output.js';
import { eventLine } from '../../../src/commands/stack-output.js';
import { parseDuration, parseRate } from '../../../src/commands/stream.js';
import { InputError } from '../../../src/config/errors.js';
import { blockedMessage } from '../../../src/pipeline/stack.js';
import { exportPath } from '../../../src/pipeline/teardown.js';
import { deployParameters, loadTemplate } from '../../../src/pipeline/template.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    streams: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    },
  };
}

describe('command output', () => {
  it('prints lines for people and one JSON object a line for scripts', () => {
    const human = capture();
    const o = createOutput('deploy', false, human.streams);
    o.event('stack-event', { status: 'CREATE_COMPLETE' }, ['a', 'b']);
    o.event('quiet', { x: 1 });
    o.error('it broke', 3);
    expect(human.out.stdout).toBe('a\nb\n');
    expect(human.out.stderr).toBe('kinesis-tui deploy: it broke\n');

    const machine = capture();
    const j = createOutput('deploy', true, machine.streams);
    j.event('stack-event', { status: 'CREATE_COMPLETE' }, 'a');
    j.info('only for people');
    j.error('it broke', 3);
    j.conclude({ outcome: 'broken' });
    j.result(3);
    j.result(3);
    const lines = machine.out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The last line, once, says how it ended.
    expect(lines).toEqual([
      { type: 'stack-event', status: 'CREATE_COMPLETE' },
      { type: 'error', message: 'it broke', exitCode: 3 },
      { type: 'result', ok: false, exitCode: 3, outcome: 'broken' },
    ]);
    // People read the lines before it; the result line is for scripts.
    o.result(0);
    expect(human.out.stdout).toBe('a\nb\n');
    expect(machine.out.stderr).toBe('');
  });

  it('shows progress like [3/10] DeliveryStream CREATE_IN_PROGRESS', () => {
    const base = {
      id: '1',
      time: new Date(),
      type: 'AWS::KinesisFirehose::DeliveryStream',
      logicalId: 'DeliveryStream',
    };
    expect(eventLine({ ...base, status: 'CREATE_IN_PROGRESS' }, 3, 10)).toBe(
      '[3/10] DeliveryStream CREATE_IN_PROGRESS',
    );
    expect(eventLine({ ...base, status: 'CREATE_FAILED', reason: 'Bucket exists' }, 3, 10)).toBe(
      '[3/10] DeliveryStream CREATE_FAILED: Bucket exists',
    );
    expect(
      eventLine(
        {
          ...base,
          type: 'AWS::CloudFormation::Stack',
          logicalId: 'kinesis-tui',
          status: 'CREATE_IN_PROGRESS',
          reason: 'User Initiated',
        },
        0,
        10,
      ),
    ).toBe('stack kinesis-tui CREATE_IN_PROGRESS');
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_340)).toBe('12.3 s');
    expect(duration(125_000)).toBe('2 min 5 s');
  });
});

describe('stream options', () => {
  it('reads durations and rates, refusing nonsense', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1500ms')).toBe(1_500);
    expect(parseDuration('5')).toBe(5_000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(parseRate('max')).toBe(Number.POSITIVE_INFINITY);
    expect(parseRate('2500')).toBe(2500);
    expect(() => parseRate('-1')).toThrow(InputError);
  });
});

describe('deploy parameters', () => {
  const template = loadTemplate();

  it('passes valid values and keeps previous ones on update', () => {
    expect(deployParameters(template, ['ShardCount=2'])).toEqual([
      { ParameterKey: 'ShardCount', ParameterValue: '2' },
    ]);
    const update = deployParameters(template, ['ShardCount=3'], { ShardCount: '2', StreamName: 'mine' });
    expect(update).toContainEqual({ ParameterKey: 'StreamName', UsePreviousValue: true });
    expect(update).toContainEqual({ ParameterKey: 'ShardCount', ParameterValue: '3' });
  });

  it.each([
    ['Nope=1', /\[Nope\] do not exist in the template/],
    ['ShardCount=0', /ShardCount failed to satisfy constraint/],
    ['StreamMode=FAST', /StreamMode/],
    ['ShardCount', /not Key=Value/],
    ['BucketName=Has_Upper', /BucketName/],
  ])('refuses --param %s before any call', (param, message) => {
    expect(() => deployParameters(template, [param])).toThrow(message);
    expect(() => deployParameters(template, [param])).toThrow(InputError);
  });

  it('names the allowed values when a value is not one of them, and the parameters only when one is unknown', () => {
    expect(() => deployParameters(template, ['StreamMode=FAST'])).toThrow(
      "Parameter 'StreamMode' must be one of AllowedValues: PROVISIONED, ON_DEMAND",
    );
    expect(() => deployParameters(template, ['LogRetentionDays=2'])).toThrow(
      /^Parameter 'LogRetentionDays' must be one of AllowedValues: 1, 3, 5, 7, 14, .*, 3653$/,
    );
    expect(() => deployParameters(template, ['Nope=1'])).toThrow(
      /\(the template's parameters: StreamName, .*LogRetentionDays\)$/,
    );
  });

  it('refuses the same parameter twice', () => {
    expect(() => deployParameters(template, ['ShardCount=1', 'ShardCount=2'])).toThrow(/given twice/);
  });
});

describe('stack states that block a deploy', () => {
  const stack = { name: 'kinesis-tui', id: 'id', outputs: {}, parameters: {} };
  it('explains ROLLBACK_COMPLETE and DELETE_FAILED and says what to do', () => {
    expect(blockedMessage({ ...stack, status: 'ROLLBACK_COMPLETE' })).toMatch(
      /only allows deleting it.*deploy --replace/,
    );
    expect(blockedMessage({ ...stack, status: 'DELETE_FAILED', reason: 'bucket not empty' })).toMatch(
      /DELETE_FAILED.*bucket not empty.*kinesis-tui teardown/,
    );
    expect(blockedMessage({ ...stack, status: 'UPDATE_IN_PROGRESS' })).toMatch(/busy.*wait/);
    expect(blockedMessage({ ...stack, status: 'CREATE_COMPLETE' })).toBeUndefined();
  });
});

describe('export paths', () => {
  it('keeps keys under the export folder', () => {
    expect(exportPath('/tmp/out', 'events/2026/11/26/14/x')).toBe('/tmp/out/events/2026/11/26/14/x');
    expect(() => exportPath('/tmp/out', '../../etc/passwd')).toThrow(/outside/);
  });
});
