import { describe, expect, it } from 'vitest';
import {
  creationOrder,
  dependencyGraph,
  references,
} from '../../../src/local-cloud/cloudformation/engine/dependencies.js';
import type { TemplateResource } from '../../../src/template/types.js';

const r = (properties: Record<string, unknown> = {}, dependsOn?: string | string[]): TemplateResource => ({
  Type: 'AWS::S3::Bucket',
  Properties: properties,
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
});

describe('dependencies', () => {
  it('finds implicit dependencies in Ref, Fn::GetAtt and Fn::Sub, not in pseudo parameters or Sub variables', () => {
    const found = references({
      A: { Ref: 'Bucket' },
      B: { 'Fn::GetAtt': ['Role', 'Arn'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
      C: { 'Fn::Sub': ['${Stream.Arn}/${Local}/${AWS::Region}', { Local: { Ref: 'Param' } }] },
      D: { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, { Ref: 'Queue' }]] },
    });
    expect([...found].sort()).toEqual(['Bucket', 'Param', 'Queue', 'Role', 'Stream']);
  });

  it('follows only the taken Fn::If branch once conditions are known', () => {
    const value = { 'Fn::If': ['On', { Ref: 'A' }, { Ref: 'B' }] };
    expect([...references(value, () => false)]).toEqual(['B']);
    expect([...references(value)].sort()).toEqual(['A', 'B']);
  });

  it('orders each resource after what it depends on, DependsOn included', () => {
    const graph = dependencyGraph(
      {
        Delivery: r({ Stream: { 'Fn::GetAtt': ['Stream', 'Arn'] }, Role: { Ref: 'Role' } }),
        Role: r({}, 'Bucket'),
        Stream: r({ Name: { Ref: 'StreamName' } }),
        Bucket: r(),
      },
      new Set(['StreamName']),
    );
    const order = creationOrder(graph);
    expect(order.indexOf('Bucket')).toBeLessThan(order.indexOf('Role'));
    expect(order.indexOf('Role')).toBeLessThan(order.indexOf('Delivery'));
    expect(order.indexOf('Stream')).toBeLessThan(order.indexOf('Delivery'));
  });

  it('reports a cycle as CloudFormation does, naming the resources caught in it', () => {
    const graph = dependencyGraph({ A: r({ X: { Ref: 'B' } }), B: r({}, 'A'), C: r() }, new Set());
    expect(() => creationOrder(graph)).toThrow('Circular dependency between resources: [A, B]');
  });

  it('reports references to names that are neither parameters nor resources', () => {
    expect(() => dependencyGraph({ A: r({ X: { Ref: 'Nope' } }) }, new Set())).toThrow(
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    );
    expect(() => dependencyGraph({ A: r({}, ['Ghost']) }, new Set())).toThrow(
      'Unresolved resource dependencies [Ghost]',
    );
  });
});
