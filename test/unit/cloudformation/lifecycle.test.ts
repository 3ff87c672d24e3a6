// The lifecycle over fake provisioners: what CloudFormation does around resources (order, concurrency,
// events, rollback, updates, deletes, recovery), apart from any real service.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clients } from '../../../src/config/clients.js';
import { type ApiEnv, CloudFormationApi } from '../../../src/local-cloud/cloudformation/api.js';
import type { ResourceProvisioner } from '../../../src/local-cloud/cloudformation/provisioners/types.js';
import { StackStore } from '../../../src/local-cloud/cloudformation/store.js';

/** A fake service: things by id. A property tells a thing to fail (Fail, FailUpdate) or wait (Gate). */
class FakeService {
  readonly things = new Map<string, Record<string, unknown>>();
  readonly undeletable = new Set<string>();
  readonly gates = new Map<string, Promise<void>>();
  /** The properties of every create call, failed ones included. */
  readonly createCalls: Array<Record<string, unknown>> = [];
  inFlight = 0;
  maxInFlight = 0;
  private next = 1;

  provisioner(): ResourceProvisioner {
    return {
      nameProperty: 'Name',
      create: async (properties, ctx) => {
        this.createCalls.push(properties);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          const gate = this.gates.get(String(properties.Gate));
          if (gate) await gate;
          if (properties.Fail) throw new Error(String(properties.Fail));
          const id = String(properties.Name ?? ctx.generatedName());
          if (this.things.has(id)) throw new Error(`${id} already exists`);
          await ctx.created(id);
          this.things.set(id, properties);
          return { physicalId: id, attributes: { Arn: `arn:fake:${id}`, Serial: String(this.next++) } };
        } finally {
          this.inFlight--;
        }
      },
      update: async (physicalId, properties) => {
        if (properties.FailUpdate) throw new Error(String(properties.FailUpdate));
        this.things.set(physicalId, properties);
        return { physicalId, attributes: { Arn: `arn:fake:${physicalId}`, Serial: String(this.next++) } };
      },
      delete: async (physicalId) => {
        if (this.undeletable.has(physicalId)) throw new Error(`${physicalId} is not empty`);
        this.things.delete(physicalId);
      },
    };
  }
}

function setup(dir = mkdtempSync(join(tmpdir(), 'cfn-lifecycle-'))) {
  const service = new FakeService();
  const provisioner = service.provisioner();
  let stopping = false;
  const env: ApiEnv = {
    store: new StackStore(dir),
    clients: {} as Clients,
    accountId: '000000000000',
    provisioner: (type) => (type === 'Test::Thing' ? provisioner : undefined),
    supportedTypes: () => ['Test::Thing'],
    replacingChanges: (_type, before, after) => ['Name', 'Shape'].filter((key) => before[key] !== after[key]),
    normalizeProperties: (_type, properties) => properties,
    propertiesProblem: (_type, properties) =>
      properties.Invalid ? `Invalid is refused: ${properties.Invalid} (at Invalid)` : undefined,
    validateTemplate: () => undefined,
    // Pre-deployment validation has tests of its own (integration/cloudformation/early-validation).
    propertyProblems: () => [],
    resourceExists: async () => false,
    bucketHasObjects: async () => false,
    fetchTemplate: async () => '',
    stopping: () => stopping,
    log: () => undefined,
  };
  const api = new CloudFormationApi(env);
  return { api, service, dir, stop: () => (stopping = true) };
}

type Api = CloudFormationApi;
const template = (resources: Record<string, unknown>, outputs?: Record<string, unknown>) =>
  JSON.stringify({ Resources: resources, ...(outputs ? { Outputs: outputs } : {}) });
const thing = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Type: 'Test::Thing',
  Properties: properties,
  ...extra,
});

async function finished(api: Api, name: string) {
  await api.settle();
  return api.describeStacks({ StackName: name }).Stacks[0];
}

function events(api: Api, name: string): string[] {
  return api
    .describeStackEvents({ StackName: name })
    .StackEvents.map(
      (e) =>
        `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` ${e.ResourceStatusReason}` : ''}`,
    )
    .reverse();
}

describe('stack lifecycle', () => {
  it('creates dependencies first, independent resources at the same time, and resolves outputs', async () => {
    const { api, service } = setup();
    let open: () => void = () => undefined;
    service.gates.set('both', new Promise<void>((resolve) => (open = resolve)));
    const body = template(
      {
        A: thing({ Gate: 'both' }),
        B: thing({ Gate: 'both' }),
        C: thing({ Source: { 'Fn::GetAtt': ['A', 'Arn'] }, Other: { Ref: 'B' } }),
      },
      {
        CArn: { Value: { 'Fn::GetAtt': ['C', 'Arn'] } },
        Joined: { Value: { 'Fn::Join': [',', [{ Ref: 'A' }, { Ref: 'B' }]] } },
      },
    );
    await api.createStack({ StackName: 's', TemplateBody: body }, 'us-east-1');
    while (service.inFlight < 2) await new Promise((resolve) => setImmediate(resolve));
    open();
    const stack = await finished(api, 's');
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(service.maxInFlight).toBe(2);
    const c = [...service.things].find(([id]) => id.startsWith('s-C-'));
    expect(c?.[1].Source).toMatch(/^arn:fake:s-A-[A-Z0-9]{13}$/);
    expect(stack?.Outputs.map((o) => o.OutputKey)).toEqual(['CArn', 'Joined']);
    expect(stack?.Outputs[0]?.OutputValue).toBe(`arn:fake:${c?.[0]}`);
    const log = events(api, 's');
    expect(log[0]).toBe('s CREATE_IN_PROGRESS User Initiated');
    expect(log.at(-1)).toBe('s CREATE_COMPLETE');
    expect(log.filter((e) => e.startsWith('C '))).toEqual([
      'C CREATE_IN_PROGRESS',
      'C CREATE_IN_PROGRESS Resource creation Initiated',
      'C CREATE_COMPLETE',
    ]);
    expect(log.indexOf('C CREATE_IN_PROGRESS')).toBeGreaterThan(log.indexOf('A CREATE_COMPLETE'));
  });

  it('on a failure cancels what is in flight, rolls back and leaves nothing behind', async () => {
    const { api, service } = setup();
    let open: () => void = () => undefined;
    service.gates.set('slow', new Promise<void>((resolve) => (open = resolve)));
    service.gates.set('fails', new Promise<void>((resolve) => setImmediate(resolve)));
    const body = template({
      First: thing(),
      Slow: thing({ Gate: 'slow', After: { Ref: 'First' } }),
      Broken: thing({ Gate: 'fails', Fail: 'Access denied to the thing', After: { Ref: 'First' } }),
      Never: thing({ After: { Ref: 'Broken' } }),
    });
    await api.createStack({ StackName: 'r', TemplateBody: body }, 'us-east-1');
    while (!events(api, 'r').some((e) => e.startsWith('Broken CREATE_FAILED')))
      await new Promise((r) => setImmediate(r));
    open();
    const stack = await finished(api, 'r');
    expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(service.things.size).toBe(0);
    const log = events(api, 'r');
    expect(log).toContain('Broken CREATE_FAILED Access denied to the thing');
    expect(log).toContain('Slow CREATE_FAILED Resource creation cancelled');
    expect(log.some((e) => e.startsWith('Never'))).toBe(false);
    expect(log).toContain(
      'r ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Slow, Broken]. Rollback requested by user.',
    );
    expect(log.at(-1)).toBe('r ROLLBACK_COMPLETE');
    // Only a delete is allowed now.
    expect(() => api.updateStack({ StackName: 'r', UsePreviousTemplate: true })).rejects.toThrow(
      /is in ROLLBACK_COMPLETE state and can not be updated/,
    );
  });

  it('checks properties once their values are known, before the service is called: a refused one fails and rolls back', async () => {
    const { api, service } = setup();
    const body = JSON.stringify({
      Parameters: { Shape: { Type: 'String', Default: 'triangle' } },
      Resources: {
        First: thing(),
        Checked: thing({ Invalid: { Ref: 'Shape' }, After: { Ref: 'First' } }),
      },
    });
    await api.createStack({ StackName: 'checked', TemplateBody: body }, 'us-east-1');
    expect((await finished(api, 'checked'))?.StackStatus).toBe('ROLLBACK_COMPLETE');
    const log = events(api, 'checked');
    expect(log).toContain(
      'Checked CREATE_FAILED Properties validation failed for resource Checked with message: Invalid is refused: triangle (at Invalid)',
    );
    expect(service.createCalls.some((properties) => properties.Invalid)).toBe(false);
    expect(service.things.size).toBe(0);
  });

  it('keeps what it made when rollback is disabled (CREATE_FAILED), and OnFailure DELETE deletes the stack', async () => {
    const { api, service } = setup();
    const body = template({ Good: thing(), Bad: thing({ Fail: 'no', After: { Ref: 'Good' } }) });
    await api.createStack({ StackName: 'keep', TemplateBody: body, DisableRollback: true }, 'us-east-1');
    const kept = await finished(api, 'keep');
    expect(kept?.StackStatus).toBe('CREATE_FAILED');
    expect(kept?.StackStatusReason).toBe('The following resource(s) failed to create: [Bad]. ');
    expect(service.things.size).toBe(1);

    const { StackId } = await api.createStack(
      { StackName: 'gone', TemplateBody: body, OnFailure: 'DELETE' },
      'us-east-1',
    );
    await api.settle();
    expect(() => api.describeStacks({ StackName: 'gone' })).toThrow('Stack with id gone does not exist');
    expect(api.describeStacks({ StackName: StackId }).Stacks[0]?.StackStatus).toBe('DELETE_COMPLETE');
    expect(service.things.size).toBe(1);
  });

  it('updates in place, replaces when a create-only property changes, and cleans up the old resource', async () => {
    const { api, service } = setup();
    await api.createStack(
      { StackName: 'u', TemplateBody: template({ A: thing({ Size: 1, Shape: 'round' }), B: thing() }) },
      'us-east-1',
    );
    await finished(api, 'u');
    const [oldA] = [...service.things.keys()].filter((id) => id.startsWith('u-A-'));

    await expect(
      api.updateStack({
        StackName: 'u',
        TemplateBody: template({ A: thing({ Size: 1, Shape: 'round' }), B: thing() }),
      }),
    ).rejects.toThrow('No updates are to be performed.');
    await api.updateStack({
      StackName: 'u',
      TemplateBody: template({ A: thing({ Size: 2, Shape: 'round' }), B: thing() }),
    });
    expect((await finished(api, 'u'))?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(service.things.get(oldA as string)?.Size).toBe(2);

    await api.updateStack({
      StackName: 'u',
      TemplateBody: template({ A: thing({ Size: 2, Shape: 'square' }) }),
    });
    const stack = await finished(api, 'u');
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(service.things.has(oldA as string)).toBe(false);
    expect([...service.things.keys()]).toHaveLength(1);
    const log = events(api, 'u');
    expect(log).toContain(
      'A UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
    );
    // The replaced A and the removed B go in the cleanup phase, after the new resources are in place.
    expect(log.slice(-6)).toEqual([
      'u UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'A DELETE_IN_PROGRESS',
      'A DELETE_COMPLETE',
      'B DELETE_IN_PROGRESS',
      'B DELETE_COMPLETE',
      'u UPDATE_COMPLETE',
    ]);
    expect(
      api.listStackResources({ StackName: 'u' }).StackResourceSummaries.map((r) => r.LogicalResourceId),
    ).toEqual(['A']);
  });

  it('refuses to replace a custom-named resource, then rolls the update back', async () => {
    const { api, service } = setup();
    await api.createStack(
      { StackName: 'n', TemplateBody: template({ A: thing({ Name: 'fixed', Shape: 'round' }) }) },
      'us-east-1',
    );
    await finished(api, 'n');
    await api.updateStack({
      StackName: 'n',
      TemplateBody: template({ A: thing({ Name: 'fixed', Shape: 'square' }) }),
    });
    const stack = await finished(api, 'n');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(events(api, 'n')).toContain(
      'A UPDATE_FAILED CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename A and update the stack again.',
    );
    expect(service.things.get('fixed')?.Shape).toBe('round');
  });

  it('rolls a failed update back: in-place changes undone, added resources deleted', async () => {
    const { api, service } = setup();
    await api.createStack(
      { StackName: 'f', TemplateBody: template({ A: thing({ Size: 1 }) }, { S: { Value: { Ref: 'A' } } }) },
      'us-east-1',
    );
    const created = await finished(api, 'f');
    const [a] = [...service.things.keys()];
    await api.updateStack({
      StackName: 'f',
      TemplateBody: template({
        A: thing({ Size: 5 }),
        Extra: thing(),
        Bad: thing({ FailUpdate: 'x', Fail: 'cannot create', After: { Ref: 'A' } }),
      }),
    });
    const stack = await finished(api, 'f');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(service.things.get(a as string)?.Size).toBe(1);
    expect([...service.things.keys()]).toEqual([a]);
    expect(stack?.Outputs).toEqual(created?.Outputs);
    expect(api.getTemplate({ StackName: 'f' }).TemplateBody).toBe(
      template({ A: thing({ Size: 1 }) }, { S: { Value: { Ref: 'A' } } }),
    );
    const log = events(api, 'f');
    expect(log).toContain(
      'f UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bad]. ',
    );
    const cleanup = log.indexOf('f UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(cleanup).toBeGreaterThan(log.indexOf('A UPDATE_COMPLETE'));
    expect(log.indexOf('Extra DELETE_COMPLETE')).toBeGreaterThan(cleanup);
    expect(log.at(-1)).toBe('f UPDATE_ROLLBACK_COMPLETE');
  });

  it('fails a delete on a resource that will not go, then retains it on request; Retain policies skip', async () => {
    const { api, service } = setup();
    const body = template({ Full: thing(), Kept: thing({}, { DeletionPolicy: 'Retain' }), Other: thing() });
    await api.createStack({ StackName: 'd', TemplateBody: body }, 'us-east-1');
    await finished(api, 'd');
    const full = [...service.things.keys()].find((id) => id.startsWith('d-Full-')) as string;
    service.undeletable.add(full);
    await expect(api.deleteStack({ StackName: 'd', RetainResources: ['Full'] })).rejects.toThrow(
      'RetainResources can only be specified when stack is in DELETE_FAILED state',
    );
    await api.deleteStack({ StackName: 'd' });
    const failed = await finished(api, 'd');
    expect(failed?.StackStatus).toBe('DELETE_FAILED');
    expect(failed?.StackStatusReason).toBe('The following resource(s) failed to delete: [Full]. ');
    expect(events(api, 'd')).toContain(`Full DELETE_FAILED ${full} is not empty`);
    expect(events(api, 'd')).toContain('Kept DELETE_SKIPPED');

    await api.deleteStack({ StackName: 'd', RetainResources: ['Full'] });
    await api.settle();
    expect(() => api.describeStacks({ StackName: 'd' })).toThrow('Stack with id d does not exist');
    const left = [...service.things.keys()];
    expect(left).toHaveLength(2);
    expect(left).toContain(full);
    expect(left.some((id) => id.startsWith('d-Kept-'))).toBe(true);
    expect(
      api.listStacks({ StackStatusFilter: ['DELETE_COMPLETE'] }).StackSummaries.map((s) => s.StackName),
    ).toEqual(['d']);
  });

  it('finishes an operation a restart interrupted: a create caught mid-way rolls back', async () => {
    const first = setup();
    let open: () => void = () => undefined;
    first.service.gates.set('hang', new Promise<void>((resolve) => (open = resolve)));
    await first.api.createStack(
      {
        StackName: 'x',
        TemplateBody: template({ Done: thing(), Hung: thing({ Gate: 'hang', After: { Ref: 'Done' } }) }),
      },
      'us-east-1',
    );
    while (first.service.inFlight === 0 || !events(first.api, 'x').includes('Hung CREATE_IN_PROGRESS')) {
      await new Promise((r) => setImmediate(r));
    }
    first.stop();
    open();
    await first.api.settle();
    expect(first.api.describeStacks({ StackName: 'x' }).Stacks[0]?.StackStatus).toBe('CREATE_IN_PROGRESS');

    const second = setup(first.dir);
    for (const [id, value] of first.service.things) second.service.things.set(id, value);
    second.api.recover();
    const stack = await finished(second.api, 'x');
    expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(stack?.StackStatusReason).toBeUndefined();
    expect(second.service.things.size).toBe(0);
    const log = events(second.api, 'x');
    expect(log).toContain(
      'Hung CREATE_FAILED Resource creation cancelled: the local cloud stopped during this operation',
    );
    expect(log).toContain(
      'x ROLLBACK_IN_PROGRESS The local cloud stopped during this operation. The following resource(s) failed to create: [Hung]. Rollback requested by user.',
    );
  });

  it('rolls back a named create the stop cut off after it reached the service, but not another stack’s', async () => {
    const first = setup();
    await first.api.createStack(
      { StackName: 'owner', TemplateBody: template({ T: thing({ Name: 'theirs' }) }) },
      'us-east-1',
    );
    expect((await finished(first.api, 'owner'))?.StackStatus).toBe('CREATE_COMPLETE');
    let open: () => void = () => undefined;
    first.service.gates.set('hang', new Promise<void>((resolve) => (open = resolve)));
    await first.api.createStack(
      {
        StackName: 'x',
        TemplateBody: template({
          Mine: thing({ Name: 'mine', Gate: 'hang' }),
          Clash: thing({ Name: 'theirs', Gate: 'hang' }),
        }),
      },
      'us-east-1',
    );
    while (first.service.inFlight < 2) await new Promise((r) => setImmediate(r));
    first.stop();
    open();
    await first.api.settle();

    const second = setup(first.dir);
    for (const [id, value] of first.service.things) second.service.things.set(id, value);
    // The create of `mine` reached the service; the stop came before its answer was recorded.
    second.service.things.set('mine', { Name: 'mine' });
    second.api.recover();
    expect((await finished(second.api, 'x'))?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect([...second.service.things.keys()]).toEqual(['theirs']);
  });

  it('keeps an export another stack imports: no delete, no update that changes it', async () => {
    const { api } = setup();
    const exporter = (suffix: string) =>
      template(
        { A: thing() },
        { Out: { Value: { 'Fn::Join': ['-', [{ Ref: 'A' }, suffix]] }, Export: { Name: 'shared' } } },
      );
    await api.createStack({ StackName: 'exporter', TemplateBody: exporter('one') }, 'us-east-1');
    await api.settle();
    await api.createStack(
      {
        StackName: 'importer',
        TemplateBody: template({ B: thing({ From: { 'Fn::ImportValue': 'shared' } }) }),
      },
      'us-east-1',
    );
    expect((await finished(api, 'importer'))?.StackStatus).toBe('CREATE_COMPLETE');
    expect(api.listImports({ ExportName: 'shared' }).Imports).toEqual(['importer']);

    await api.deleteStack({ StackName: 'exporter' });
    expect((await finished(api, 'exporter'))?.StackStatus).toBe('CREATE_COMPLETE');
    expect(events(api, 'exporter').at(-1)).toBe(
      'exporter CREATE_COMPLETE Export shared cannot be deleted as it is in use by importer',
    );

    await api.updateStack({ StackName: 'exporter', TemplateBody: exporter('two') });
    expect((await finished(api, 'exporter'))?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(events(api, 'exporter')).toContain(
      'exporter UPDATE_ROLLBACK_IN_PROGRESS Export shared cannot be updated as it is in use by importer',
    );

    await api.deleteStack({ StackName: 'importer' });
    await api.settle();
    expect(() => api.listImports({ ExportName: 'shared' })).toThrow(
      "Export 'shared' is not imported by any stack.",
    );
    await api.deleteStack({ StackName: 'exporter' });
    await api.settle();
    expect(() => api.describeStacks({ StackName: 'exporter' })).toThrow('does not exist');
  });
});

describe('listing stacks', () => {
  it('pages DescribeStacks with NextToken: every live stack once, deleted ones left out', async () => {
    const { api } = setup();
    const names = Array.from({ length: 130 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const name of names)
      await api.createStack({ StackName: name, TemplateBody: template({ T: thing() }) }, 'us-east-1');
    await api.settle();
    await api.deleteStack({ StackName: 's007' });
    await api.settle();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = api.describeStacks(token ? { NextToken: token } : {});
      seen.push(...page.Stacks.map((stack) => stack.StackName));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(names.filter((name) => name !== 's007'));
  });
});
