import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  arnMatches,
  type Caller,
  callerKeys,
  conditionHolds,
  evaluatePolicies,
  ipInRange,
  type PolicyDocument,
  principalMatches,
  type RequestContext,
  roleSession,
  substituteVariables,
} from '../../../src/local-cloud/iam/policy-evaluation.js';
import { parseTemplate } from '../../../src/template/parse.js';

const ROOT: Caller = { arn: 'arn:aws:iam::111122223333:root', account: '111122223333' };
const ROLE: Caller = {
  arn: 'arn:aws:sts::111122223333:assumed-role/delivery/firehose-session',
  account: '111122223333',
  roleArn: 'arn:aws:iam::111122223333:role/delivery',
};

function request(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::bucket/2026/01/01/00/object',
    caller: ROOT,
    keys: { 'aws:SecureTransport': 'true', 'aws:SourceIp': '127.0.0.1' },
    ...overrides,
  };
}

const policy = (statements: PolicyDocument['Statement'], kind: 'identity' | 'resource' = 'resource') => ({
  document: { Version: '2012-10-17', Statement: statements },
  kind,
});

describe('policy evaluation', () => {
  it('denies explicitly over any allow, allows on an allow, and denies implicitly otherwise', () => {
    const allowAll = { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' } as const;
    const denyPut = {
      Sid: 'NoPut',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: '*',
    } as const;
    expect(evaluatePolicies([policy([allowAll, denyPut])], request())).toEqual({
      decision: 'explicitDeny',
      statements: [{ sid: 'NoPut', index: 1, effect: 'Deny' }],
    });
    expect(
      evaluatePolicies([policy([allowAll, denyPut])], request({ action: 's3:GetObject' })).decision,
    ).toBe('allowed');
    expect(evaluatePolicies([policy([denyPut])], request({ action: 's3:GetObject' })).decision).toBe(
      'implicitDeny',
    );
    expect(evaluatePolicies([], request()).decision).toBe('implicitDeny');
  });

  it("denies the pipeline template's bucket only over plain HTTP (aws:SecureTransport false)", () => {
    // The bucket policy as the checked-in template writes it, the bucket's ARN put in.
    const template = parseTemplate(readFileSync('cfn/pipeline.yaml', 'utf8')) as unknown as {
      Resources: { DeliveryBucketPolicy: { Properties: { PolicyDocument: PolicyDocument } } };
    };
    const document = JSON.parse(
      JSON.stringify(template.Resources.DeliveryBucketPolicy.Properties.PolicyDocument)
        .replace(/\{"Fn::GetAtt":\["DeliveryBucket","Arn"\]\}/g, '"arn:aws:s3:::delivery-bucket"')
        .replace(/\{"Fn::Sub":"\$\{DeliveryBucket\.Arn\}\/\*"\}/g, '"arn:aws:s3:::delivery-bucket/*"'),
    ) as PolicyDocument;
    const firehoseWrite = request({
      caller: ROLE,
      resource: 'arn:aws:s3:::delivery-bucket/2026/01/01/00/delivery-1-2026-01-01-00-00-00-x',
    });
    const bucketPolicy = [{ document, kind: 'resource' as const }];
    expect(evaluatePolicies(bucketPolicy, firehoseWrite).decision).toBe('implicitDeny');
    expect(
      evaluatePolicies(bucketPolicy, {
        ...firehoseWrite,
        keys: { ...firehoseWrite.keys, 'aws:SecureTransport': 'false' },
      }).decision,
    ).toBe('explicitDeny');
    expect(
      evaluatePolicies(bucketPolicy, {
        ...firehoseWrite,
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::delivery-bucket',
        keys: { 'aws:SecureTransport': 'false' },
      }).decision,
    ).toBe('explicitDeny');
  });

  it('applies Action/NotAction and Resource/NotResource with wildcards, actions without regard to case', () => {
    const notGet = policy([
      { Effect: 'Deny', Principal: '*', NotAction: 's3:Get*', Resource: 'arn:aws:s3:::bucket/*' },
    ]);
    expect(evaluatePolicies([notGet], request()).decision).toBe('explicitDeny');
    expect(evaluatePolicies([notGet], request({ action: 's3:GetObjectVersion' })).decision).toBe(
      'implicitDeny',
    );
    const lower = policy([{ Effect: 'Deny', Principal: '*', Action: 'S3:putobject', Resource: '*' }]);
    expect(evaluatePolicies([lower], request()).decision).toBe('explicitDeny');
    const notResource = policy([
      { Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: 'arn:aws:s3:::bucket/public/*' },
    ]);
    expect(evaluatePolicies([notResource], request()).decision).toBe('explicitDeny');
    expect(
      evaluatePolicies([notResource], request({ resource: 'arn:aws:s3:::bucket/public/a' })).decision,
    ).toBe('implicitDeny');
    expect(arnMatches('arn:aws:s3:::bucket/2026/??/*', 'arn:aws:s3:::bucket/2026/01/x')).toBe(true);
    // A wildcard does not cross a colon before the resource part.
    expect(arnMatches('arn:aws:*:::bucket/*', 'arn:aws:s3:extra:::bucket/x')).toBe(false);
    expect(arnMatches('arn:aws:iam::*:role/*', 'arn:aws:iam::1:role/x')).toBe(true);
    expect(
      arnMatches(
        'arn:aws:logs:*:*:log-group:/aws/lambda/f:*',
        'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:s',
      ),
    ).toBe(true);
  });

  it('matches principals: everyone, an account, a role (its sessions), a service; NotPrincipal excludes', () => {
    expect(principalMatches('*', ROOT)).toBe(true);
    expect(principalMatches({ AWS: '*' }, ROLE)).toBe(true);
    expect(principalMatches({ AWS: '111122223333' }, ROLE)).toBe(true);
    expect(principalMatches({ AWS: 'arn:aws:iam::111122223333:root' }, ROOT)).toBe(true);
    expect(principalMatches({ AWS: 'arn:aws:iam::444455556666:root' }, ROOT)).toBe(false);
    expect(principalMatches({ AWS: ['arn:aws:iam::111122223333:role/delivery'] }, ROLE)).toBe(true);
    expect(principalMatches({ AWS: 'arn:aws:iam::111122223333:role/other' }, ROLE)).toBe(false);
    expect(
      principalMatches({ Service: 'firehose.amazonaws.com' }, { ...ROLE, service: 'firehose.amazonaws.com' }),
    ).toBe(true);
    expect(principalMatches({ Service: 'firehose.amazonaws.com' }, ROOT)).toBe(false);
    expect(principalMatches({ AWS: '111122223333' }, { ...ROOT, anonymous: true })).toBe(false);
    const exceptRole = policy([
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/delivery' },
        Action: 's3:*',
        Resource: '*',
      },
    ]);
    expect(evaluatePolicies([exceptRole], request()).decision).toBe('explicitDeny');
    expect(evaluatePolicies([exceptRole], request({ caller: ROLE })).decision).toBe('implicitDeny');
    // An identity policy has no Principal: it applies to its caller.
    const identity = policy(
      [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' }],
      'identity',
    );
    expect(evaluatePolicies([identity], request({ caller: ROLE })).decision).toBe('allowed');
  });

  it('evaluates String, Bool, Null, Numeric, Date, Arn and IpAddress conditions as IAM does', () => {
    const keys = {
      'aws:SecureTransport': 'true',
      'aws:SourceIp': '203.0.113.7',
      's3:max-keys': '100',
      'aws:CurrentTime': '2026-06-01T12:00:00Z',
      'aws:SourceArn': 'arn:aws:firehose:us-east-1:111122223333:deliverystream/orders',
      'S3:x-amz-server-side-encryption': 'AES256',
    };
    const holds = (operator: string, key: string, values: unknown) =>
      conditionHolds(operator, key, values, keys, '2012-10-17');
    expect(holds('StringEquals', 's3:x-amz-server-side-encryption', ['aws:kms', 'AES256'])).toBe(true);
    expect(holds('StringNotEquals', 's3:x-amz-server-side-encryption', ['aws:kms', 'AES256'])).toBe(false);
    expect(holds('StringEqualsIgnoreCase', 's3:x-amz-server-side-encryption', 'aes256')).toBe(true);
    expect(holds('StringLike', 'aws:SourceArn', 'arn:aws:firehose:*:*:deliverystream/ord*')).toBe(true);
    expect(holds('StringNotLike', 'aws:SourceArn', '*:deliverystream/x*')).toBe(true);
    expect(holds('Bool', 'aws:SecureTransport', 'false')).toBe(false);
    expect(holds('Bool', 'aws:SecureTransport', true)).toBe(true);
    expect(holds('Null', 'aws:SecureTransport', 'false')).toBe(true);
    expect(holds('Null', 's3:prefix', 'true')).toBe(true);
    expect(holds('NumericLessThanEquals', 's3:max-keys', '100')).toBe(true);
    expect(holds('NumericGreaterThan', 's3:max-keys', 100)).toBe(false);
    expect(holds('DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z')).toBe(true);
    expect(holds('DateLessThan', 'aws:CurrentTime', '1790000000')).toBe(true); // epoch seconds, September 2026
    expect(holds('ArnLike', 'aws:SourceArn', 'arn:aws:firehose:*:111122223333:deliverystream/*')).toBe(true);
    expect(holds('ArnNotEquals', 'aws:SourceArn', 'arn:aws:firehose:*:111122223333:deliverystream/*')).toBe(
      false,
    );
    expect(holds('IpAddress', 'aws:SourceIp', ['198.51.100.0/24', '203.0.113.0/24'])).toBe(true);
    expect(holds('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24')).toBe(false);
    // A key the request does not have: no match, except for negated operators; ...IfExists holds.
    expect(holds('StringEquals', 'aws:PrincipalOrgID', 'o-1')).toBe(false);
    expect(holds('StringNotEquals', 'aws:PrincipalOrgID', 'o-1')).toBe(true);
    expect(holds('StringEqualsIfExists', 'aws:PrincipalOrgID', 'o-1')).toBe(true);
    expect(holds('NumericLessThanIfExists', 's3:max-keys', '10')).toBe(false);
    expect(holds('UnknownOperator', 's3:max-keys', '10')).toBe(false);
    expect(ipInRange('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(ipInRange('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(ipInRange('127.0.0.1', '127.0.0.1')).toBe(true);
  });

  it('takes multivalued keys with ForAnyValue and ForAllValues', () => {
    const keys = { 's3:RequestObjectTagKeys': ['team', 'cost'] };
    const holds = (operator: string, values: unknown, k: RequestContext['keys'] = keys) =>
      conditionHolds(operator, 's3:RequestObjectTagKeys', values, k);
    expect(holds('ForAllValues:StringEquals', ['team', 'cost', 'owner'])).toBe(true);
    expect(holds('ForAllValues:StringEquals', ['team'])).toBe(false);
    expect(holds('ForAnyValue:StringEquals', ['cost'])).toBe(true);
    expect(holds('ForAnyValue:StringLike', ['own*'])).toBe(false);
    expect(holds('ForAllValues:StringEquals', ['team'], {})).toBe(true);
    expect(holds('ForAnyValue:StringEquals', ['team'], {})).toBe(false);
  });

  it('puts policy variables in (2012-10-17 only), and a variable with no value matches nothing', () => {
    // IAM's policy variables look like template placeholders: written as such, they are built here.
    const v = (inner: string) => `$${'{'}${inner}}`;
    const keys = { 'aws:username': 'ana', 'aws:PrincipalTag/team': 'data' };
    expect(substituteVariables(`arn:aws:s3:::bucket/home/${v('aws:username')}/*`, keys, '2012-10-17')).toBe(
      'arn:aws:s3:::bucket/home/ana/*',
    );
    expect(
      substituteVariables(`${v("aws:PrincipalTag/missing, 'none'")}-${v('*')}`, keys, '2012-10-17'),
    ).toBe('none-*');
    expect(substituteVariables(v('aws:PrincipalTag/missing'), keys, '2012-10-17')).toBeUndefined();
    expect(substituteVariables(v('aws:username'), keys, '2008-10-17')).toBe(v('aws:username'));
    const home = policy([
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        NotResource: `arn:aws:s3:::bucket/home/${v('aws:username')}/*`,
      },
    ]);
    const ana: Caller = { arn: 'arn:aws:iam::111122223333:user/ana', account: '111122223333' };
    const context = (resource: string) =>
      request({ caller: ana, resource, keys: callerKeys(ana, new Date()) });
    expect(evaluatePolicies([home], context('arn:aws:s3:::bucket/home/ana/notes')).decision).toBe(
      'implicitDeny',
    );
    expect(evaluatePolicies([home], context('arn:aws:s3:::bucket/home/bo/notes')).decision).toBe(
      'explicitDeny',
    );
  });

  it("checks a role's own policies for what a service does with it", () => {
    const role = roleSession('arn:aws:iam::111122223333:role/service/firehose-delivery', 'delivery');
    expect(role).toEqual({
      arn: 'arn:aws:sts::111122223333:assumed-role/firehose-delivery/delivery',
      account: '111122223333',
      roleArn: 'arn:aws:iam::111122223333:role/service/firehose-delivery',
    });
    const invoke = request({
      caller: role,
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:us-east-1:111122223333:function:transform',
      keys: callerKeys(role, new Date()),
    });
    const onlyS3 = policy(
      [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetBucketLocation'], Resource: '*' }],
      'identity',
    );
    expect(evaluatePolicies([onlyS3], invoke).decision).toBe('implicitDeny');
    const withLambda = policy(
      [
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: 'arn:aws:lambda:*:*:function:transform*',
        },
      ],
      'identity',
    );
    expect(evaluatePolicies([onlyS3, withLambda], invoke).decision).toBe('allowed');
    expect(() => roleSession('arn:aws:iam::111122223333:user/ana', 's')).toThrow(/not a role ARN/);
  });

  it('gives every request the global keys of its caller and time', () => {
    expect(callerKeys(ROLE, new Date('2026-03-04T05:06:07.890Z'))).toEqual({
      'aws:CurrentTime': '2026-03-04T05:06:07Z',
      'aws:EpochTime': '1772600767',
      'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/delivery',
      'aws:PrincipalAccount': '111122223333',
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': ROLE.arn,
    });
  });
});
