import { describe, expect, it } from 'vitest';
import { replacingChanges } from '../../../src/template/replacement.js';
import { loadResourceSpecification, resourceSpecification, typeName } from '../../../src/template/spec.js';

describe('the CloudFormation resource specification', () => {
  const spec = resourceSpecification();
  const stream = spec.resourceType('AWS::Kinesis::Stream');

  it('knows every resource type CloudFormation has, and no made-up one', () => {
    expect(spec.resourceTypeNames.length).toBeGreaterThan(1000);
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::Lambda::Function',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::EC2::VPC',
    ]) {
      expect(spec.resourceType(type)?.name).toBe(type);
    }
    expect(spec.resourceType('AWS::Kinesis::Streams')).toBeUndefined();
    expect(spec.resourceType('AWS::Foo::Bar')).toBeUndefined();
  });

  it('gives a type its properties, with their types, required and create-only ones', () => {
    expect(stream?.properties.get('ShardCount')?.type).toEqual({ kind: 'integer' });
    expect(stream?.createOnlyProperties).toEqual(['Name']);
    const fn = spec.resourceType('AWS::Lambda::Function');
    expect([...(fn?.requiredProperties ?? [])].sort()).toEqual(['Code', 'Role']);
    const code = fn?.properties.get('Code')?.type;
    expect(code?.kind === 'object' && code.properties.get('ZipFile')?.type).toEqual({ kind: 'string' });
    expect(typeName(fn?.properties.get('Layers')?.type ?? { kind: 'json' })).toBe('List of String');
    const tags = stream?.properties.get('Tags')?.type;
    expect(
      tags?.kind === 'list' && tags.element.kind === 'object' && [...tags.element.properties.keys()],
    ).toEqual(['Key', 'Value']);
  });

  it('lists GetAtt attributes (the read-only properties), nested ones dotted', () => {
    expect(stream?.hasAttribute('Arn')).toBe(true);
    expect(stream?.hasAttribute('Name')).toBe(false);
    expect(stream?.readOnlyProperties).toContain('Arn');
    const db = spec.resourceType('AWS::RDS::DBInstance');
    expect(db?.hasAttribute('Endpoint.Address')).toBe(true);
    expect(spec.resourceType('AWS::CloudFormation::Stack')?.hasAttribute('Outputs.BucketName')).toBe(true);
  });

  it('gives identifiers: the primary one, and what Ref returns when it differs', () => {
    expect(stream?.primaryIdentifier).toEqual(['Name']);
    expect(spec.resourceType('AWS::S3::Bucket')?.primaryIdentifier).toEqual(['BucketName']);
    expect(spec.resourceType('AWS::Lambda::Function')?.refIdentifier).toEqual(['FunctionName']);
  });

  it('treats Custom:: types as custom resources that take any property and attribute', () => {
    const custom = spec.resourceType('Custom::Seeder');
    expect(custom?.openProperties).toBe(true);
    expect(custom?.requiredProperties).toContain('ServiceToken');
    expect(custom?.hasAttribute('Anything')).toBe(true);
  });

  it('loads once per process: the async loader returns the same specification', async () => {
    expect(await loadResourceSpecification()).toBe(spec);
    expect(resourceSpecification()).toBe(spec);
    expect(spec.loadMillis).toBeGreaterThan(0);
  });
});

describe('replacingChanges', () => {
  const spec = resourceSpecification();
  const typeSpec = (name: string) => {
    const found = spec.resourceType(name);
    if (!found) throw new Error(`no ${name} in the specification`);
    return found;
  };
  const stream = typeSpec('AWS::Kinesis::Stream');
  const bucket = typeSpec('AWS::S3::Bucket');

  it('replaces a stream whose name changes, updates one whose shard count changes', () => {
    expect(replacingChanges(stream, { Name: 'a', ShardCount: 1 }, { Name: 'b', ShardCount: 1 })).toEqual([
      'Name',
    ]);
    expect(replacingChanges(stream, { Name: 'a', ShardCount: 1 }, { Name: 'a', ShardCount: 2 })).toEqual([]);
    expect(replacingChanges(stream, { Name: 'a', ShardCount: 1 }, { Name: 'a', ShardCount: '1' })).toEqual(
      [],
    );
  });

  it('replaces when a name appears or goes (a generated name becomes a given one)', () => {
    expect(replacingChanges(bucket, {}, { BucketName: 'mine' })).toEqual(['BucketName']);
    expect(replacingChanges(bucket, { BucketName: 'mine' }, {})).toEqual(['BucketName']);
    expect(replacingChanges(bucket, { Tags: [] }, { Tags: [{ Key: 'a', Value: 'b' }] })).toEqual([]);
  });
});
