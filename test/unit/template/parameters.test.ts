import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkParameterDeclarations,
  checkParameterValue,
  displayValue,
  NO_ECHO_MASK,
  parameterFields,
  parseParameterAssignment,
  resolveParameters,
} from '../../../src/template/parameters.js';
import { parseTemplate } from '../../../src/template/parse.js';
import type { TemplateParameter } from '../../../src/template/types.js';

const pipeline = parseTemplate(readFileSync(new URL('../../../cfn/pipeline.yaml', import.meta.url), 'utf8'));
const declared = pipeline.Parameters ?? {};
const param = (key: string): TemplateParameter => {
  const declaration = declared[key];
  if (!declaration) throw new Error(`cfn/pipeline.yaml has no parameter ${key}`);
  return declaration;
};

describe('the pipeline template parameters', () => {
  it('all have working defaults: a stack needs no values to deploy', () => {
    const { values, problems } = resolveParameters(declared, []);
    expect(problems).toEqual([]);
    expect(values.ShardCount).toMatchObject({ value: '1', refValue: '1', source: 'default' });
    expect(values.BucketName).toMatchObject({ value: '', source: 'default' });
    expect(checkParameterDeclarations(declared)).toEqual([]);
  });

  it.each([
    [
      'ShardCount',
      '0',
      'Parameter ShardCount failed to satisfy constraint: 1-200 shards (the default shard quota in most Regions).',
    ],
    [
      'ShardCount',
      '201',
      'Parameter ShardCount failed to satisfy constraint: 1-200 shards (the default shard quota in most Regions).',
    ],
    ['ShardCount', 'two', "Parameter 'ShardCount' must be a number"],
    [
      'BucketName',
      'My-Bucket',
      'Parameter BucketName failed to satisfy constraint: empty, or 3-63 lower-case letters, digits, hyphens or periods.',
    ],
    [
      'BucketName',
      'ab',
      'Parameter BucketName failed to satisfy constraint: empty, or 3-63 lower-case letters, digits, hyphens or periods.',
    ],
    ['StreamMode', 'ON-DEMAND', "Parameter 'StreamMode' must be one of AllowedValues"],
    ['StreamMode', 'on_demand', "Parameter 'StreamMode' must be one of AllowedValues"],
    [
      'BufferIntervalSeconds',
      '901',
      "Parameter 'BufferIntervalSeconds' must be a number not greater than 900",
    ],
    ['BufferSizeMB', '0', "Parameter 'BufferSizeMB' must be a number not less than 1"],
    ['LogRetentionDays', '10', "Parameter 'LogRetentionDays' must be one of AllowedValues"],
    [
      'StreamName',
      'events stream',
      'Parameter StreamName failed to satisfy constraint: 1-128 letters, digits, underscores, hyphens or periods.',
    ],
    [
      'FunctionName',
      'f'.repeat(65),
      'Parameter FunctionName failed to satisfy constraint: 1-64 letters, digits, hyphens or underscores.',
    ],
  ])('%s=%j is refused: %s', (key, value, message) => {
    expect(checkParameterValue(key, param(key), value)).toBe(message);
    expect(resolveParameters(declared, [{ ParameterKey: key, ParameterValue: value }]).problems).toEqual([
      { parameters: [key], message },
    ]);
  });

  it.each([
    ['ShardCount', '200'],
    ['ShardCount', '1'],
    ['BucketName', ''],
    ['BucketName', 'my-bucket.example'],
    ['StreamMode', 'ON_DEMAND'],
    ['LogRetentionDays', '14'],
    ['BufferIntervalSeconds', '0'],
  ])('%s=%j is accepted', (key, value) => {
    expect(checkParameterValue(key, param(key), value)).toBeUndefined();
  });
});

describe('resolveParameters', () => {
  const template: Record<string, TemplateParameter> = {
    Name: { Type: 'String' },
    Count: { Type: 'Number', Default: 2 },
    Zones: { Type: 'CommaDelimitedList', Default: 'a, b ,c' },
    Ports: { Type: 'List<Number>', MinValue: 1, MaxValue: 65535 },
    Secret: { Type: 'String', NoEcho: true, Default: 'hunter2' },
  };

  it('names every parameter without a value, then every value the template does not declare', () => {
    expect(resolveParameters(template, [{ ParameterKey: 'Nope', ParameterValue: 'x' }]).problems).toEqual([
      { parameters: ['Name', 'Ports'], message: 'Parameters: [Name, Ports] must have values' },
      { parameters: ['Nope'], message: 'Parameters: [Nope] do not exist in the template' },
    ]);
  });

  it('takes given values over defaults, splits lists for Ref and trims their members', () => {
    const { values, problems } = resolveParameters(template, [
      { ParameterKey: 'Name', ParameterValue: 'n' },
      { ParameterKey: 'Ports', ParameterValue: '80,443' },
      { ParameterKey: 'Count', ParameterValue: '7' },
    ]);
    expect(problems).toEqual([]);
    expect(values.Count).toMatchObject({ value: '7', source: 'given' });
    expect(values.Zones?.refValue).toEqual(['a', 'b', 'c']);
    expect(values.Ports?.refValue).toEqual(['80', '443']);
    expect(values.Secret).toMatchObject({ value: 'hunter2', noEcho: true });
  });

  it('checks every member of a List<Number>', () => {
    const given = [
      { ParameterKey: 'Name', ParameterValue: 'n' },
      { ParameterKey: 'Ports', ParameterValue: '80,x' },
    ];
    expect(resolveParameters(template, given).problems[0]?.message).toBe(
      "Parameter 'Ports' must be a number",
    );
    given[1] = { ParameterKey: 'Ports', ParameterValue: '80,70000' };
    expect(resolveParameters(template, given).problems[0]?.message).toBe(
      "Parameter 'Ports' must be a number not greater than 65535",
    );
  });

  it('keeps the previous value for UsePreviousValue, and refuses it with no previous value or with a value', () => {
    const previous = { Name: 'old', Ports: '22' };
    const reuse = [
      { ParameterKey: 'Name', UsePreviousValue: true },
      { ParameterKey: 'Ports', UsePreviousValue: true },
    ];
    const { values, problems } = resolveParameters(template, reuse, previous);
    expect(problems).toEqual([]);
    expect(values.Name).toMatchObject({ value: 'old', source: 'previous' });
    expect(resolveParameters(template, reuse, { Name: 'old' }).problems.map((p) => p.message)).toEqual([
      'Invalid input for parameter key Ports. Cannot specify usePreviousValue as true for a parameter key not in the previous template',
    ]);
    expect(
      resolveParameters(
        template,
        [{ ParameterKey: 'Name', ParameterValue: 'x', UsePreviousValue: true }],
        previous,
      ).problems[0]?.message,
    ).toBe(
      'Invalid input for parameter key Name. Cannot specify usePreviousValue as true and non empty value for a parameter key.',
    );
  });

  it('words length and pattern limits as CloudFormation does when there is no ConstraintDescription', () => {
    const name: TemplateParameter = { Type: 'String', MinLength: 3, MaxLength: 5, AllowedPattern: '[a-z]+' };
    expect(checkParameterValue('Name', name, 'ab')).toBe(
      "Parameter 'Name' must contain at least 3 characters",
    );
    expect(checkParameterValue('Name', name, 'abcdef')).toBe(
      "Parameter 'Name' must contain at most 5 characters",
    );
    expect(checkParameterValue('Name', name, 'abC')).toBe("Parameter 'Name' must match pattern [a-z]+");
    expect(checkParameterValue('Name', name, 'abc')).toBeUndefined();
  });

  it('matches AllowedPattern against the whole value, not a part of it', () => {
    expect(checkParameterValue('P', { Type: 'String', AllowedPattern: '[0-9]+' }, 'a1')).toBe(
      "Parameter 'P' must match pattern [0-9]+",
    );
  });

  it('masks NoEcho values wherever they are shown', () => {
    expect(displayValue(template.Secret, 'hunter2')).toBe(NO_ECHO_MASK);
    expect(displayValue({ Type: 'String', NoEcho: 'true' }, 'hunter2')).toBe('****');
    expect(displayValue(template.Name, 'visible')).toBe('visible');
  });
});

describe('parameter declarations', () => {
  it.each([
    [
      { P: { Default: 'x' } },
      'Parameters/P',
      'Template format error: Every Parameters object must contain a Type member.',
    ],
    [
      { P: { Type: 'Strin' } },
      'Parameters/P/Type',
      'Template format error: Unrecognized parameter type: Strin',
    ],
    [{ P: { Type: 'String', Min: 1 } }, 'Parameters/P/Min', "Invalid template parameter property 'Min'"],
    [
      { P: { Type: 'String', AllowedPattern: '[a-' } },
      'Parameters/P/AllowedPattern',
      "Parameter 'P' AllowedPattern must be a valid regular expression.",
    ],
  ])('%j: %s', (parameters, path, message) => {
    expect(checkParameterDeclarations(parameters)).toEqual([{ path, message }]);
  });

  it('accepts the AWS-specific and SSM parameter types', () => {
    expect(
      checkParameterDeclarations({
        Vpc: { Type: 'AWS::EC2::VPC::Id' },
        Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
        Ami: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' },
        Names: { Type: 'AWS::SSM::Parameter::Value<List<String>>' },
      }),
    ).toEqual([]);
  });
});

describe('parseParameterAssignment (--param Key=Value)', () => {
  it('splits at the first = and allows an empty value', () => {
    expect(parseParameterAssignment('ShardCount=2')).toEqual({
      ParameterKey: 'ShardCount',
      ParameterValue: '2',
    });
    expect(parseParameterAssignment('Query=a=b')).toEqual({ ParameterKey: 'Query', ParameterValue: 'a=b' });
    expect(parseParameterAssignment('BucketName=')).toEqual({
      ParameterKey: 'BucketName',
      ParameterValue: '',
    });
  });

  it('says what is expected when there is no key', () => {
    expect(parseParameterAssignment('ShardCount')).toEqual({
      error: '"ShardCount" is not Key=Value (for example --param ShardCount=2)',
    });
    expect(parseParameterAssignment('=2')).toHaveProperty('error');
  });
});

describe('parameterFields (the order a form shows them)', () => {
  it("follows the pipeline template's ParameterGroups, with group labels and defaults", () => {
    const fields = parameterFields(pipeline);
    expect(fields.map((f) => [f.group, f.key])).toEqual([
      ['Names', 'StreamName'],
      ['Names', 'DeliveryStreamName'],
      ['Names', 'FunctionName'],
      ['Names', 'BucketName'],
      ['Kinesis stream capacity', 'StreamMode'],
      ['Kinesis stream capacity', 'ShardCount'],
      ['Delivery buffering', 'BufferIntervalSeconds'],
      ['Delivery buffering', 'BufferSizeMB'],
      ['Delivery buffering', 'ProcessorBufferIntervalSeconds'],
      ['Logs', 'LogRetentionDays'],
    ]);
    expect(fields.find((f) => f.key === 'ShardCount')).toMatchObject({ label: 'ShardCount', default: '1' });
    expect(fields.find((f) => f.key === 'BucketName')?.default).toBe('');
  });

  it('uses ParameterLabels and lists ungrouped parameters after the groups, in template order', () => {
    const fields = parameterFields({
      Metadata: {
        'AWS::CloudFormation::Interface': {
          ParameterGroups: [{ Label: { default: 'Size' }, Parameters: ['Count', 'Missing'] }],
          ParameterLabels: { Count: { default: 'How many' } },
        },
      },
      Parameters: {
        Name: { Type: 'String' },
        Count: { Type: 'Number', Default: 3 },
        Extra: { Type: 'String' },
      },
    });
    expect(fields.map((f) => [f.key, f.label, f.group ?? null, f.default ?? null])).toEqual([
      ['Count', 'How many', 'Size', '3'],
      ['Name', 'Name', null, null],
      ['Extra', 'Extra', null, null],
    ]);
  });
});
