import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/parse.js';
import {
  propertiesValidationReason,
  templateRejection,
  validateResourceProperties,
  validateTemplate,
} from '../../../src/template/validate.js';

// Where and what; when (`phase`) has its own tests below.
const validate = (yaml: string) =>
  validateTemplate(parseTemplate(yaml)).map(({ path, message }) => ({ path, message }));

// A small valid template each case adds to: a stream, a role, and a parameter of each kind.
const base = `
Parameters:
  Name: { Type: String, Default: events }
  Count: { Type: Number, Default: 1 }
  Zones: { Type: CommaDelimitedList, Default: 'a,b' }
Conditions:
  IsProd: !Equals [!Ref Name, prod]
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: !Ref Name, ShardCount: !Ref Count }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: 'sts:AssumeRole' }]
`;

describe('validateTemplate', () => {
  it('finds nothing wrong with cfn/pipeline.yaml', () => {
    const template = parseTemplate(
      readFileSync(new URL('../../../cfn/pipeline.yaml', import.meta.url), 'utf8'),
    );
    expect(validateTemplate(template)).toEqual([]);
  });

  it('finds nothing wrong with the small template the cases below build on', () => {
    expect(validate(base)).toEqual([]);
  });

  it.each([
    // Resource types
    [
      'an unknown resource type',
      `  Thing: { Type: AWS::Foo::Bar }`,
      'Resources',
      'Template format error: Unrecognized resource types: [AWS::Foo::Bar]',
    ],
    [
      'a misspelt resource type',
      `  Thing: { Type: AWS::Kinesis::Streams }`,
      'Resources',
      'Template format error: Unrecognized resource types: [AWS::Kinesis::Streams]',
    ],
    [
      'a SAM type without the SAM transform',
      `  Fn: { Type: AWS::Serverless::Function, Properties: {} }`,
      'Resources',
      'Template format error: Unrecognized resource types: [AWS::Serverless::Function]',
    ],
    [
      'a resource without a Type',
      `  Thing: { Properties: {} }`,
      'Resources/Thing',
      'Template format error: Every Resources object must contain a Type member.',
    ],
    [
      'a misspelt resource attribute',
      `  Thing: { Type: AWS::SQS::Queue, Propertes: {} }`,
      'Resources/Thing/Propertes',
      "Template format error: Invalid template resource property 'Propertes'",
    ],
    // Properties
    [
      'an unknown property',
      `  Queue: { Type: AWS::SQS::Queue, Properties: { Foo: 1 } }`,
      'Resources/Queue/Properties/Foo',
      'Encountered unsupported property Foo',
    ],
    [
      'an unknown property in a nested property type',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { StreamEncryption: { EncryptionType: KMS, KeyId: k, Extra: 1 } } }`,
      'Resources/S/Properties/StreamEncryption/Extra',
      'Encountered unsupported property Extra',
    ],
    [
      'a word where an integer belongs',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: two } }`,
      'Resources/S/Properties/ShardCount',
      'Value of property ShardCount must be of type Integer',
    ],
    [
      'a fraction where an integer belongs',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { RetentionPeriodHours: 24.5 } }`,
      'Resources/S/Properties/RetentionPeriodHours',
      'Value of property RetentionPeriodHours must be of type Integer',
    ],
    [
      'a list where a string belongs',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: [a, b] } }`,
      'Resources/Q/Properties/QueueName',
      'Value of property QueueName must be of type String',
    ],
    [
      'a string where a property type (object) belongs',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { StreamEncryption: KMS } }`,
      'Resources/S/Properties/StreamEncryption',
      'Value of property StreamEncryption must be an object',
    ],
    [
      'an object where a list belongs',
      `  Q: { Type: AWS::SQS::Queue, Properties: { Tags: { Key: a, Value: b } } }`,
      'Resources/Q/Properties/Tags',
      'Value of property Tags must be of type List of Tag',
    ],
    [
      'a tag without its value',
      `  Q: { Type: AWS::SQS::Queue, Properties: { Tags: [{ Key: a }] } }`,
      'Resources/Q/Properties/Tags/0/Value',
      'Property Value cannot be empty.',
    ],
    [
      'a word where a boolean belongs',
      `  B: { Type: AWS::S3::Bucket, Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: yes please } } }`,
      'Resources/B/Properties/PublicAccessBlockConfiguration/BlockPublicAcls',
      'Value of property BlockPublicAcls must be of type Boolean',
    ],
    [
      'a value outside the allowed ones',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { StreamModeDetails: { StreamMode: BURSTY } } }`,
      'Resources/S/Properties/StreamModeDetails/StreamMode',
      'Value of property StreamMode must be one of [ON_DEMAND, PROVISIONED]',
    ],
    [
      'a map of strings given a list',
      `  F: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Environment: { Variables: [a] } } }`,
      'Resources/F/Properties/Environment/Variables',
      'Value of property Variables must be an object',
    ],
    [
      'a missing required property',
      `  F: { Type: AWS::Lambda::Function, Properties: { Code: { ZipFile: x } } }`,
      'Resources/F/Properties/Role',
      'Property Role cannot be empty.',
    ],
    [
      'a missing required property in a nested type',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { StreamEncryption: { EncryptionType: KMS } } }`,
      'Resources/S/Properties/StreamEncryption/KeyId',
      'Property KeyId cannot be empty.',
    ],
    [
      'a required property that AWS::NoValue removes',
      `  F: { Type: AWS::Lambda::Function, Properties: { Code: { ZipFile: x }, Role: !If [IsProd, !GetAtt Role.Arn, !Ref AWS::NoValue] } }`,
      'Resources/F/Properties/Role',
      'Property Role cannot be empty.',
    ],
    [
      'a string function where a list belongs',
      `  F: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Layers: !Join [',', [a, b]] } }`,
      'Resources/F/Properties/Layers',
      'Value of property Layers must be of type List of String',
    ],
    [
      'a Ref to a plain parameter where a list belongs',
      `  F: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Layers: !Ref Name } }`,
      'Resources/F/Properties/Layers',
      'Value of property Layers must be of type List of String',
    ],
    [
      'a string function where an object belongs',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { StreamEncryption: !Sub 'KMS' } }`,
      'Resources/S/Properties/StreamEncryption',
      'Value of property StreamEncryption must be an object',
    ],
    [
      'a wrong type in one branch of Fn::If',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: !If [IsProd, 4, many] } }`,
      'Resources/S/Properties/ShardCount',
      'Value of property ShardCount must be of type Integer',
    ],
    [
      'a null value',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: null } }`,
      'Resources/Q/Properties/QueueName',
      "Template format error: [/Resources/Q/Properties/QueueName] 'null' values are not allowed in templates",
    ],
    [
      'a custom resource without its ServiceToken',
      `  Seed: { Type: Custom::Seeder, Properties: { Anything: 1 } }`,
      'Resources/Seed/Properties/ServiceToken',
      'Property ServiceToken cannot be empty.',
    ],
    // References
    [
      'a Ref to nothing',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Ref Nope } }`,
      'Resources',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    ],
    [
      'a Ref to a misspelt pseudo parameter',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Ref AWS::Regoin } }`,
      'Resources',
      'Template format error: Unresolved resource dependencies [AWS::Regoin] in the Resources block of the template',
    ],
    [
      'a Sub variable that names nothing',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub '\${Nope}-\${AWS::Region}-\${!Literal}' } }`,
      'Resources',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    ],
    [
      'a DependsOn on nothing',
      `  Q: { Type: AWS::SQS::Queue, DependsOn: [Stream, Nope] }`,
      'Resources',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    ],
    [
      'a GetAtt of an undefined resource (short form)',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt Nope.Arn } }`,
      'Resources/Q/Properties/QueueName/Fn::GetAtt',
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'a GetAtt of an undefined resource (list form)',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: { 'Fn::GetAtt': [Nope, Arn] } } }`,
      'Resources/Q/Properties/QueueName/Fn::GetAtt',
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'a GetAtt of an attribute the type does not have',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt Stream.StreamName } }`,
      'Resources/Q/Properties/QueueName/Fn::GetAtt',
      'Template error: resource Stream does not support attribute type StreamName in Fn::GetAtt',
    ],
    [
      'a Sub attribute of an undefined resource',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub '\${Nope.Arn}' } }`,
      'Resources/Q/Properties/QueueName/Fn::Sub',
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'a Sub attribute the type does not have',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub 'x-\${Stream.Nope}' } }`,
      'Resources/Q/Properties/QueueName/Fn::Sub',
      'Template error: resource Stream does not support attribute type Nope in Fn::GetAtt',
    ],
    [
      'a GetAtt inside a policy document (JSON) to an undefined resource',
      `  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Roles: [!Ref Role]
      PolicyDocument: { Statement: [{ Effect: Allow, Action: '*', Resource: !GetAtt Nope.Arn }] }`,
      'Resources/P/Properties/PolicyDocument/Statement/0/Resource/Fn::GetAtt',
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'a resource Condition that is not defined',
      `  Q: { Type: AWS::SQS::Queue, Condition: IsStaging }`,
      'Resources/Q/Condition',
      'Template format error: Unresolved condition dependency IsStaging in the Resources block of the template',
    ],
    [
      'a Fn::If on a condition that is not defined',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !If [IsStaging, a, b] } }`,
      'Resources/Q/Properties/QueueName/Fn::If',
      'Template error: unresolved condition dependency IsStaging in Fn::If',
    ],
    [
      'a FindInMap on a mapping that does not exist',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !FindInMap [Names, !Ref AWS::Region, Queue] } }`,
      'Resources/Q/Properties/QueueName/Fn::FindInMap',
      'Template error: Unable to get mapping for Names::...::Queue',
    ],
    // Functions
    [
      'an unknown function',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: { 'Fn::Concat': [a, b] } } }`,
      'Resources/Q/Properties/QueueName/Fn::Concat',
      expect.stringMatching(
        /^Template error: Encountered unsupported function: Fn::Concat Supported functions are: \[/,
      ),
    ],
    [
      'a Ref to a list',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: { Ref: [Name] } } }`,
      'Resources/Q/Properties/QueueName/Ref',
      'Template error: every Ref object must have a single String value.',
    ],
    [
      'a Fn::Join without its delimiter',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Join [[a, b]] } }`,
      'Resources/Q/Properties/QueueName/Fn::Join',
      expect.stringMatching(/^Template error: every Fn::Join object requires two parameters/),
    ],
    [
      'a Fn::If with two arguments',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !If [IsProd, a] } }`,
      'Resources/Q/Properties/QueueName/Fn::If',
      'Template error: Fn::If requires a list argument with three elements',
    ],
  ])('reports %s', (_what, resources, path, message) => {
    expect(validate(base + resources)).toEqual([{ path, message }]);
  });

  it.each([
    [
      'Ref to a Number parameter where a string belongs',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Ref Count } }`,
    ],
    [
      'numbers and booleans written as strings',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: '2' } }
  B: { Type: AWS::S3::Bucket, Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: 'true' } } }`,
    ],
    [
      'a number where a string belongs (CloudFormation converts it)',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: 42 } }`,
    ],
    [
      'a list parameter where a list belongs',
      `  F: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Layers: !Ref Zones } }`,
    ],
    [
      'Fn::Split and Fn::GetAZs where lists belong',
      `  F: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Layers: !Split [',', a] } }
  G: { Type: AWS::Lambda::Function, Properties: { Role: r, Code: { ZipFile: x }, Layers: !GetAZs '' } }`,
    ],
    [
      'a required property set in both branches of Fn::If',
      `  F: { Type: AWS::Lambda::Function, Properties: { Code: { ZipFile: x }, Role: !If [IsProd, !GetAtt Role.Arn, other] } }`,
    ],
    [
      'an optional property removed by AWS::NoValue',
      `  S: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: !If [IsProd, !Ref AWS::NoValue, 2] } }`,
    ],
    [
      'Sub with its own variables and an escaped literal',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub ['\${Prefix}-\${!NotAVariable}-\${Stream.Arn}', { Prefix: !Ref Name }] } }`,
    ],
    [
      'a custom resource with any properties and attributes',
      `  Seed: { Type: Custom::Seeder, Properties: { ServiceToken: arn, Rows: [1, 2] } }
  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt Seed.Whatever } }`,
    ],
    [
      'a GetAtt attribute given by a Ref',
      `  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: { 'Fn::GetAtt': [Stream, !Ref Name] } } }`,
    ],
    [
      'a dotted (nested) attribute',
      `  Db: { Type: AWS::RDS::DBInstance, Properties: { DBInstanceClass: db.t3.micro } }
  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt Db.Endpoint.Address } }`,
    ],
    [
      'a SAM type with the SAM transform',
      `  Fn: { Type: AWS::Serverless::Function, Properties: { Runtime: nodejs22.x, Handler: index.handler, InlineCode: x } }
Transform: AWS::Serverless-2016-10-31`,
    ],
  ])('accepts %s', (_what, resources) => {
    expect(validate(base + resources)).toEqual([]);
  });

  it('lists every unknown type and every unresolved reference in one message each, as CloudFormation does', () => {
    const problems = validate(`${base}  A: { Type: AWS::Foo::Bar }
  B: { Type: AWS::Foo::Baz, DependsOn: Missing }
  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Ref Nope } }
`);
    expect(problems).toEqual([
      {
        path: 'Resources',
        message: 'Template format error: Unrecognized resource types: [AWS::Foo::Bar, AWS::Foo::Baz]',
      },
      {
        path: 'Resources',
        message:
          'Template format error: Unresolved resource dependencies [Missing, Nope] in the Resources block of the template',
      },
    ]);
  });

  it('reports a form error before references, and references before properties (CloudFormation answers with the first)', () => {
    const problems = validate(`${base}  Q: { Type: AWS::SQS::Queue, Properties: { Foo: !Ref Nope } }
  T: { Type: AWS::Nope::Nope }
`);
    expect(problems.map((p) => p.message)).toEqual([
      'Template format error: Unrecognized resource types: [AWS::Nope::Nope]',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
      'Encountered unsupported property Foo',
    ]);
  });

  it.each([
    [
      'a Ref to a resource in Conditions',
      `${base}  Other: { Type: AWS::SQS::Queue }\n`,
      { Conditions: { Bad: { 'Fn::Equals': [{ Ref: 'Other' }, 'x'] } } },
      'Conditions',
      'Template format error: Unresolved dependencies [Other]. Cannot reference resources in the Conditions block of the template',
    ],
    [
      'an output referencing nothing',
      base,
      { Outputs: { Out: { Value: { Ref: 'Nope' } } } },
      'Outputs',
      'Template format error: Unresolved resource dependencies [Nope] in the Outputs block of the template',
    ],
    [
      'an output with a GetAtt the type does not have',
      base,
      { Outputs: { Out: { Value: { 'Fn::GetAtt': ['Role', 'Name'] } } } },
      'Outputs/Out/Value/Fn::GetAtt',
      'Template error: resource Role does not support attribute type Name in Fn::GetAtt',
    ],
    [
      'an output without a Value',
      base,
      { Outputs: { Out: { Description: 'x' } } },
      'Outputs/Out',
      'Template format error: Every Outputs member must contain a Value object',
    ],
    [
      'an output Condition that is not defined',
      base,
      { Outputs: { Out: { Value: 'x', Condition: 'Nope' } } },
      'Outputs/Out/Condition',
      'Template format error: Unresolved condition dependency Nope in the Outputs block of the template',
    ],
    [
      'a section CloudFormation does not have',
      base,
      { Output: {} },
      '',
      'Template format error: Invalid template property or properties [Output]',
    ],
    [
      'a parameter without a Type',
      base,
      {
        Parameters: {
          Name: { Type: 'String' },
          Count: { Type: 'Number' },
          Zones: { Type: 'CommaDelimitedList' },
          Size: { Default: 1 },
        },
      },
      'Parameters/Size',
      'Template format error: Every Parameters object must contain a Type member.',
    ],
  ])('reports %s', (_what, yaml, extra, path, message) => {
    const template = { ...parseTemplate(yaml), ...extra };
    expect(validateTemplate(template as never).map((p) => ({ path: p.path, message: p.message }))).toEqual([
      { path, message },
    ]);
  });

  it('reports resources that depend on each other, and those that need them, as CloudFormation does', () => {
    const problems =
      validate(`${base}  A: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt B.QueueName } }
  B: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub '\${A}-b' } }
  Downstream: { Type: AWS::SQS::Queue, DependsOn: A }
  Self: { Type: AWS::SQS::Queue, Properties: { QueueName: !Ref Self } }
`);
    expect(problems).toEqual([
      { path: 'Resources', message: 'Circular dependency between resources: [A, B, Downstream, Self]' },
    ]);
    expect(
      validate(
        `${base}  A: { Type: AWS::SQS::Queue, DependsOn: B }\n  B: { Type: AWS::SQS::Queue, DependsOn: [A] }\n`,
      ),
    ).toEqual([{ path: 'Resources', message: 'Circular dependency between resources: [A, B]' }]);
  });

  it('leaves a cycle through an Fn::If branch to the engine, which knows which branch applies', () => {
    expect(
      validate(`${base}  A: { Type: AWS::SQS::Queue, Properties: { QueueName: !If [IsProd, !GetAtt B.QueueName, a] } }
  B: { Type: AWS::SQS::Queue, Properties: { QueueName: !If [IsProd, b, !GetAtt A.QueueName] } }
`),
    ).toEqual([]);
  });

  it('tells template problems (the API refuses them) from property problems (the resource fails later)', () => {
    const template = parseTemplate(
      `${base}  Q: { Type: AWS::SQS::Queue, Properties: { Foo: 1, QueueName: !Ref Nope } }\n`,
    );
    expect(validateTemplate(template).map((p) => [p.phase, p.message])).toEqual([
      [
        'template',
        'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
      ],
      ['resource', 'Encountered unsupported property Foo'],
    ]);
    expect(templateRejection(template)).toBe(
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    );
    const onlyProperties = parseTemplate(
      `${base}  F: { Type: AWS::Lambda::Function, Properties: { Code: { ZipFile: x }, Foo: 1 } }\n`,
    );
    expect(validateTemplate(onlyProperties).map((p) => p.phase)).toEqual(['resource', 'resource']);
    expect(templateRejection(onlyProperties)).toBeUndefined();
  });

  it('requires at least one resource', () => {
    expect(validate('Parameters: {}\n')).toEqual([
      { path: 'Resources', message: 'Template format error: At least one Resources member must be defined.' },
    ]);
  });
});

describe('validateResourceProperties (resolved values, before a resource is created)', () => {
  it('accepts the resolved properties of the pipeline stream', () => {
    expect(
      validateResourceProperties('AWS::Kinesis::Stream', {
        Name: 'kinesis-tui-events',
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        ShardCount: '1',
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      }),
    ).toEqual([]);
  });

  it.each([
    [
      'AWS::Kinesis::Stream',
      { ShardCount: 'x' },
      'ShardCount',
      'Value of property ShardCount must be of type Integer',
    ],
    [
      'AWS::Kinesis::Stream',
      { StreamModeDetails: { StreamMode: 'on-demand' } },
      'StreamModeDetails/StreamMode',
      'Value of property StreamMode must be one of [ON_DEMAND, PROVISIONED]',
    ],
    ['AWS::Kinesis::Stream', { Nmae: 'x' }, 'Nmae', 'Encountered unsupported property Nmae'],
    [
      'AWS::Lambda::Function',
      { Role: 'arn:aws:iam::000000000000:role/r' },
      'Code',
      'Property Code cannot be empty.',
    ],
    [
      'AWS::Lambda::Function',
      { Role: 'r', Code: { ZipFile: 'x' }, MemorySize: [256] },
      'MemorySize',
      'Value of property MemorySize must be of type Integer',
    ],
    [
      'AWS::S3::Bucket',
      { Tags: [{ Key: 'k', Value: { nested: true } }] },
      'Tags/0/Value',
      'Value of property Value must be of type String',
    ],
  ])('%s %j: %s', (type, properties, path, message) => {
    expect(validateResourceProperties(type, properties)).toEqual([{ path, message }]);
  });

  it('refuses properties that are not an object', () => {
    expect(validateResourceProperties('AWS::Kinesis::Stream', 'Name=x' as never)).toEqual([
      { path: '', message: 'Template format error: Properties must be an object' },
    ]);
  });

  it('refuses a type CloudFormation does not have', () => {
    expect(validateResourceProperties('AWS::Foo::Bar', {})).toEqual([
      { path: '', message: 'Template format error: Unrecognized resource types: [AWS::Foo::Bar]' },
    ]);
  });
});

describe('propertiesValidationReason', () => {
  it('gives the first problem, and where it is when that is not obvious from the message', () => {
    expect(propertiesValidationReason([])).toBeUndefined();
    expect(
      propertiesValidationReason(
        validateResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS' } }),
      ),
    ).toBe('Property KeyId cannot be empty. (at StreamEncryption/KeyId)');
  });
});

describe('malformed input', () => {
  // Templates come from users: whatever their shape, validation answers with problems, never a crash.
  const names = fc.constantFrom(
    'Stream',
    'Role',
    'Nope',
    'AWS::Region',
    'AWS::NoValue',
    'IsProd',
    'Arn',
    'Name',
  );
  const functionNames = fc.constantFrom(
    'Ref',
    'Fn::GetAtt',
    'Fn::Sub',
    'Fn::If',
    'Fn::Join',
    'Fn::Select',
    'Fn::Split',
    'Fn::FindInMap',
    'Fn::Equals',
    'Fn::Not',
    'Condition',
    'Fn::Nope',
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, 0, 1.5, '', 'x', `\${Stream.Arn}-\${Nope}`),
      names,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(names, fc.constantFrom('ShardCount', 'Name', 'StreamEncryption', 'Tags', 'Key')),
        tie('node'),
        { maxKeys: 4 },
      ),
      fc.tuple(functionNames, tie('node')).map(([fn, argument]) => ({ [fn]: argument })),
    ),
  })).node;
  const resource = fc.record(
    {
      Type: fc.constantFrom(
        'AWS::Kinesis::Stream',
        'AWS::Lambda::Function',
        'AWS::S3::Bucket',
        'Custom::X',
        'AWS::Nope::Nope',
        7,
      ),
      Properties: value,
      DependsOn: value,
      Condition: value,
    },
    { requiredKeys: [] },
  );
  const template = fc.record(
    {
      Parameters: fc.oneof(
        value,
        fc.dictionary(names, fc.record({ Type: fc.constantFrom('String', 'Number', 'Nope') })),
      ),
      Conditions: fc.oneof(value, fc.dictionary(names, value)),
      Mappings: value,
      Resources: fc.oneof(value, fc.dictionary(names, fc.oneof(resource, value))),
      Outputs: fc.oneof(
        value,
        fc.dictionary(names, fc.record({ Value: value, Condition: value }, { requiredKeys: [] })),
      ),
    },
    { requiredKeys: [] },
  );

  it('never throws on any template shape, and every problem has a message', () => {
    fc.assert(
      fc.property(template, (input) => {
        const problems = validateTemplate(input as never);
        return problems.every((problem) => typeof problem.message === 'string' && problem.message.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any properties given to a resource type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('AWS::Kinesis::Stream', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::IAM::Role'),
        value,
        (type, properties) => {
          const problems = validateResourceProperties(type, properties as never);
          return Array.isArray(problems);
        },
      ),
      { numRuns: 300 },
    );
  });
});
