// Template parsing as CloudFormation reads YAML: short-form tags become the long form, and scalars that
// YAML 1.1 would turn into dates stay the strings they are written as.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/parse.js';

describe('parseTemplate', () => {
  it('reads an unquoted policy Version (2012-10-17) as the string, as CloudFormation does', () => {
    const template = parseTemplate(
      [
        'Resources:',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      AssumeRolePolicyDocument:',
        '        Version: 2012-10-17',
        '        Statement:',
        '          - Effect: Allow',
        '            Principal: { Service: lambda.amazonaws.com }',
        '            Action: sts:AssumeRole',
      ].join('\n'),
    );
    const properties = template.Resources?.Role?.Properties as { AssumeRolePolicyDocument?: unknown };
    const document = properties?.AssumeRolePolicyDocument;
    expect(document).toMatchObject({ Version: '2012-10-17' });
    // What IAM receives: the policy as JSON text.
    expect(JSON.stringify(document)).toContain('"Version":"2012-10-17"');
  });

  it('keeps other timestamp-looking scalars as written, and numbers, booleans and tags as before', () => {
    const template = parseTemplate(
      [
        'Metadata:',
        '  Written: 2001-12-14t21:59:43.10-05:00',
        '  Day: 2024-02-29',
        '  Count: 42',
        '  Enabled: true',
        '  Name: !Join [ "-", [ a, b ] ]',
      ].join('\n'),
    );
    expect(template.Metadata).toEqual({
      Written: '2001-12-14t21:59:43.10-05:00',
      Day: '2024-02-29',
      Count: 42,
      Enabled: true,
      Name: { 'Fn::Join': ['-', ['a', 'b']] },
    });
  });
});
