import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/local-cloud/cloudformation/engine/intrinsics.js';
import { ParameterError } from '../../../src/local-cloud/cloudformation/engine/parameters.js';
import {
  prepare,
  readTemplate,
  requiredCapabilities,
} from '../../../src/local-cloud/cloudformation/engine/prepare.js';
import { physicalName } from '../../../src/local-cloud/cloudformation/names.js';

const pseudo = {
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'shop',
  stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/shop/1',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};
const pipeline = readTemplate(readFileSync('cfn/pipeline.yaml', 'utf8'));

describe('preparing a template', () => {
  it('takes the pipeline template with its defaults, in an order that respects every reference', () => {
    const prepared = prepare({ template: pipeline, parameters: [], pseudo });
    expect(prepared.parameters.parameters).toContainEqual({
      ParameterKey: 'StreamMode',
      ParameterValue: 'PROVISIONED',
    });
    expect(prepared.conditions).toEqual({ IsOnDemand: false, HasBucketName: false });
    const { order } = prepared;
    const comesBefore = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    comesBefore('EventStream', 'DeliveryStream');
    comesBefore('TransformFunction', 'DeliveryRole');
    comesBefore('DeliveryRole', 'DeliveryStream');
    comesBefore('DeliveryLogGroup', 'DeliveryLogStream');
    comesBefore('TransformLogGroup', 'TransformFunction');
  });

  it('evaluates Conditions from the parameters given', () => {
    const prepared = prepare({
      template: pipeline,
      parameters: [{ ParameterKey: 'StreamMode', ParameterValue: 'ON_DEMAND' }],
      pseudo,
    });
    expect(prepared.conditions.IsOnDemand).toBe(true);
  });

  it('leaves out resources whose Condition is false', () => {
    const template = readTemplate(`
Parameters: { Flag: { Type: String, Default: 'off' } }
Conditions: { IsOn: !Equals [!Ref Flag, 'on'] }
Resources:
  A: { Type: AWS::S3::Bucket, Condition: IsOn }
  B: { Type: AWS::S3::Bucket }
`);
    expect(Object.keys(prepare({ template, parameters: [], pseudo }).resources)).toEqual(['B']);
  });

  it('names missing and unknown parameters as CloudFormation does', () => {
    const template = readTemplate(
      'Parameters: { A: { Type: String }, B: { Type: Number } }\nResources: { R: { Type: AWS::S3::Bucket } }',
    );
    expect(() => prepare({ template, parameters: [], pseudo })).toThrow(
      new ParameterError('Parameters: [A, B] must have values'),
    );
    expect(() =>
      prepare({
        template,
        parameters: [
          { ParameterKey: 'A', ParameterValue: 'a' },
          { ParameterKey: 'B', ParameterValue: '1' },
          { ParameterKey: 'Zz', ParameterValue: '1' },
        ],
        pseudo,
      }),
    ).toThrow('Parameters: [Zz] do not exist in the template');
  });

  it('checks values against the constraints the template declares', () => {
    expect(() =>
      prepare({
        template: pipeline,
        parameters: [{ ParameterKey: 'ShardCount', ParameterValue: '500' }],
        pseudo,
      }),
    ).toThrow('Parameter ShardCount failed to satisfy constraint: 1-200 shards');
  });

  it('uses previous values when asked, and splits list parameters', () => {
    const template = readTemplate(
      'Parameters: { A: { Type: String }, L: { Type: CommaDelimitedList } }\nResources: { R: { Type: AWS::S3::Bucket } }',
    );
    const prepared = prepare({
      template,
      parameters: [
        { ParameterKey: 'A', UsePreviousValue: true },
        { ParameterKey: 'L', ParameterValue: 'x,y' },
      ],
      previousParameters: [{ ParameterKey: 'A', ParameterValue: 'before' }],
      pseudo,
    });
    expect(prepared.parameters.values).toEqual({ A: 'before', L: ['x', 'y'] });
  });

  it('rejects malformed templates with "Template format error"', () => {
    expect(() => readTemplate('Resources: {}')).toThrow(
      'Template format error: At least one Resources member must be defined.',
    );
    expect(() => readTemplate('Resources: { A: { Properties: {} } }')).toThrow(
      'Every Resources object must contain a Type member.',
    );
    expect(() => readTemplate('Resourcez: { A: { Type: X } }')).toThrow(
      'Invalid template property or properties [Resourcez]',
    );
    expect(() => readTemplate('Resources: [unclosed')).toThrow(TemplateError);
    expect(() => readTemplate('Resources: [unclosed')).toThrow(
      /^Template format error: YAML not well-formed/,
    );
  });

  it('asks for CAPABILITY_IAM for IAM resources, CAPABILITY_NAMED_IAM when one is named', () => {
    expect(requiredCapabilities(pipeline)).toEqual({
      capabilities: ['CAPABILITY_IAM'],
      reason: 'The following resource(s) require capabilities: [AWS::IAM::Role]',
    });
    const named = readTemplate('Resources: { R: { Type: AWS::IAM::Role, Properties: { RoleName: x } } }');
    expect(requiredCapabilities(named).capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
  });
});

describe('generated names', () => {
  it("are <stack>-<LogicalId>-<RANDOM>, within the type's length limit, lower case for buckets", () => {
    expect(physicalName('shop', 'EventStream')).toMatch(/^shop-EventStream-[A-Z0-9]{13}$/);
    const bucket = physicalName('My-Stack', 'DeliveryBucket', { maxLength: 63, lowercase: true });
    expect(bucket).toMatch(/^my-stack-deliverybucket-[a-z0-9]{13}$/);
    const long = physicalName('a'.repeat(100), 'B'.repeat(100), { maxLength: 64 });
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^a+-B+-[A-Z0-9]{13}$/);
  });
});
