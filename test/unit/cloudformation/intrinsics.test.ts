import { describe, expect, it } from 'vitest';
import {
  type EvalContext,
  evaluate,
  NO_VALUE,
  TemplateError,
} from '../../../src/local-cloud/cloudformation/engine/intrinsics.js';
import { parseTemplate } from '../../../src/template/parse.js';

const pseudo = {
  region: 'eu-west-1',
  accountId: '000000000000',
  stackName: 'shop',
  stackId: 'arn:aws:cloudformation:eu-west-1:000000000000:stack/shop/1234',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

function context(overrides: Partial<EvalContext> = {}): EvalContext {
  return {
    parameters: { Env: 'prod', Count: '3', Zones: ['a', 'b'] },
    pseudo,
    mappings: { Sizes: { prod: { Shards: 4 }, dev: { Shards: 1 } } },
    condition: (name) => name === 'IsProd',
    resourceRef: (id) => `${id}-physical`,
    resourceAttribute: (id, attribute) => `${id}.${attribute}-value`,
    importValue: (name) => (name === 'shared-vpc' ? 'vpc-123' : undefined),
    ...overrides,
  };
}

/** Evaluates a YAML snippet written as in a template (short-form tags). */
function yaml(text: string, ctx = context()): unknown {
  return evaluate((parseTemplate(`Value: ${text}`) as Record<string, unknown>).Value, ctx);
}

describe('intrinsic functions', () => {
  it('resolves Ref to parameters, pseudo parameters and resources', () => {
    expect(yaml('!Ref Env')).toBe('prod');
    expect(yaml('!Ref AWS::Region')).toBe('eu-west-1');
    expect(yaml('!Ref AWS::StackName')).toBe('shop');
    expect(yaml('!Ref AWS::URLSuffix')).toBe('amazonaws.com');
    expect(yaml('!Ref Bucket')).toBe('Bucket-physical');
    expect(yaml('!Ref Zones')).toEqual(['a', 'b']);
  });

  it('removes keys and list items set to AWS::NoValue', () => {
    expect(evaluate({ A: { Ref: 'AWS::NoValue' }, B: [1, { Ref: 'AWS::NoValue' }, 2] }, context())).toEqual({
      B: [1, 2],
    });
    expect(evaluate({ Ref: 'AWS::NoValue' }, context())).toBe(NO_VALUE);
  });

  it('reads Fn::GetAtt in both forms, with dotted attribute names', () => {
    expect(yaml('!GetAtt Stream.Arn')).toBe('Stream.Arn-value');
    expect(yaml('!GetAtt Db.Endpoint.Address')).toBe('Db.Endpoint.Address-value');
    expect(evaluate({ 'Fn::GetAtt': ['Stream', 'Arn'] }, context())).toBe('Stream.Arn-value');
  });

  it('substitutes Fn::Sub references, variables and escaped literals', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
    expect(yaml("!Sub '${AWS::StackName}-${Env}-${Bucket}-${Bucket.Arn}-${!Literal}'")).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
      'shop-prod-Bucket-physical-Bucket.Arn-value-${Literal}',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
    expect(yaml("!Sub ['${Name}/logs', { Name: !Ref Env }]")).toBe('prod/logs');
  });

  it('joins, selects, splits, encodes and lists zones', () => {
    expect(yaml("!Join ['-', [a, !Ref Env, c]]")).toBe('a-prod-c');
    expect(yaml("!Join [',', !Ref Zones]")).toBe('a,b');
    expect(yaml('!Select [1, !Ref Zones]')).toBe('b');
    expect(yaml("!Select ['0', [x, y]]")).toBe('x');
    expect(yaml("!Split ['|', 'a|b|c']")).toEqual(['a', 'b', 'c']);
    expect(yaml('!Base64 hello')).toBe('aGVsbG8=');
    expect(yaml("!GetAZs ''")).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(yaml('!Select [0, !GetAZs us-east-2]')).toBe('us-east-2a');
  });

  it('looks values up in Mappings, with keys that are themselves functions', () => {
    expect(yaml('!FindInMap [Sizes, !Ref Env, Shards]')).toBe(4);
    expect(() => yaml('!FindInMap [Sizes, test, Shards]')).toThrow(
      'Unable to get mapping for Sizes::test::Shards',
    );
  });

  it('evaluates conditions and takes only the chosen Fn::If branch', () => {
    expect(yaml('!If [IsProd, big, small]')).toBe('big');
    expect(yaml('!If [IsDev, !GetAtt Missing.Attr, small]')).toBe('small');
    expect(yaml('!Equals [!Ref Count, 3]')).toBe(true);
    expect(yaml('!Not [!Equals [!Ref Env, dev]]')).toBe(true);
    expect(yaml('!And [!Equals [a, a], !Condition IsProd]')).toBe(true);
    expect(yaml('!Or [!Equals [a, b], !Condition IsDev]')).toBe(false);
  });

  it("imports another stack's export, and says which one is missing", () => {
    expect(yaml('!ImportValue shared-vpc')).toBe('vpc-123');
    expect(() => yaml('!ImportValue nope')).toThrow('No export named nope found.');
  });

  it("rejects malformed calls with CloudFormation's wording", () => {
    expect(() => yaml("!Join ['-']")).toThrow(TemplateError);
    expect(() => yaml("!Join ['-']")).toThrow('every Fn::Join object requires two parameters');
    expect(() => yaml('!Select [5, [a]]')).toThrow('Fn::Select cannot select nonexistent value at index 5');
    expect(() => yaml('!Cidr [10.0.0.0/16, 2, 8]')).toThrow('Fn::Cidr is not supported by the local cloud');
  });

  it("leaves an IAM policy statement's Condition map alone", () => {
    const statement = { Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(evaluate(statement, context())).toEqual(statement);
  });
});
