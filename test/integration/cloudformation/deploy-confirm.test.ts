// An update asks before it changes anything (the wizard shows what it will do and waits for a key): the
// engine hands over the change set's resource changes, and a "no" deletes the change set, leaving the stack
// as it was. Through the engine and the SDK against a local cloud.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { deployStack, describeStack, type UpdatePlan } from '../../../src/pipeline/stack.js';
import { deployParameters, loadTemplate } from '../../../src/pipeline/template.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';

const work = tempDir('deploy-confirm-');
const path = join(work, 'stream.yaml');
writeFileSync(
  path,
  [
    'Parameters:',
    '  Shards: { Type: Number, Default: 1 }',
    'Resources:',
    '  Stream:',
    '    Type: AWS::Kinesis::Stream',
    '    Properties: { ShardCount: !Ref Shards }',
    'Outputs:',
    '  StreamName: { Value: !Ref Stream }',
    '',
  ].join('\n'),
);

describe('an update waits for a yes', () => {
  const lc = useLocalCloud();

  function deploy(values: string[], confirm?: (plan: UpdatePlan) => Promise<boolean>) {
    const template = loadTemplate(path);
    return deployStack(lc().clients.cloudformation, {
      stackName: 'confirm-me',
      template,
      parameters: (previous) => deployParameters(template, values, previous),
      pollMs: 200,
      ...(confirm ? { confirm } : {}),
    });
  }

  it('hands over what it changes; no leaves the stack as it was, yes updates it', async () => {
    const created = await deploy(['Shards=1']);
    expect(created.action).toBe('created');

    const plans: UpdatePlan[] = [];
    const declined = await deploy(['Shards=2'], async (plan) => {
      plans.push(plan);
      return false;
    });
    expect(declined.action).toBe('cancelled');
    expect(plans[0]?.changes).toEqual([
      expect.objectContaining({ action: 'Modify', logicalId: 'Stream', type: 'AWS::Kinesis::Stream' }),
    ]);
    const cf = lc().clients.cloudformation;
    const after = await describeStack(cf, 'confirm-me');
    expect(after?.status).toBe('CREATE_COMPLETE');
    expect(after?.parameters.Shards).toBe('1');
    const left = await cf.send(new ListChangeSetsCommand({ StackName: 'confirm-me' }));
    expect(left.Summaries ?? []).toEqual([]);

    const accepted = await deploy(['Shards=2'], async () => true);
    expect(accepted.action).toBe('updated');
    expect((await describeStack(cf, 'confirm-me'))?.parameters.Shards).toBe('2');
  }, 120_000);
});
