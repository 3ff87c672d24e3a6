// The template's security promises, read from cfn/pipeline.yaml itself: IAM grants name the template's own
// resources (never `*` where a narrower ARN exists), nothing is allowed to everyone, and the bucket is
// private, encrypted and refuses plain HTTP. (The deployed stack is checked in pipeline.test.ts.)
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/pipeline/template.js';

const { template } = loadTemplate();
const resources = template.Resources as Record<
  string,
  { Type: string; Properties?: Record<string, unknown> }
>;

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface Policy {
  where: string;
  /** Identity policies grant to a role; resource policies (bucket) name principals. */
  kind: 'identity' | 'resource' | 'trust';
  statements: Statement[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function policies(): Policy[] {
  const found: Policy[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const doc = (d: unknown) => list((d as { Statement?: Statement | Statement[] })?.Statement);
    if (r.Type === 'AWS::IAM::Role') {
      found.push({ where: `${id} trust`, kind: 'trust', statements: doc(p.AssumeRolePolicyDocument) });
      for (const inline of list(p.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>)) {
        found.push({
          where: `${id}/${inline.PolicyName}`,
          kind: 'identity',
          statements: doc(inline.PolicyDocument),
        });
      }
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      found.push({ where: id, kind: 'identity', statements: doc(p.PolicyDocument) });
    if (r.Type === 'AWS::S3::BucketPolicy' || r.Type === 'AWS::KMS::Key')
      found.push({ where: id, kind: 'resource', statements: doc(p.PolicyDocument ?? p.KeyPolicy) });
  }
  return found;
}

/** The logical ids a resource expression names (Ref, GetAtt, or ${Id...} in a Sub). */
function namedResources(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return [v.Ref];
  if (Array.isArray(v['Fn::GetAtt'])) return [String(v['Fn::GetAtt'][0])];
  const sub = v['Fn::Sub'];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text === 'string') return [...text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].map((m) => m[1] ?? '');
  return [];
}

// Actions that have no resource-level permissions on AWS, so `*` is the narrowest resource there is. Empty:
// the template uses none. An entry here must cite the AWS Service Authorization Reference.
const NO_RESOURCE_LEVEL: ReadonlySet<string> = new Set();

describe('cfn/pipeline.yaml: least privilege', () => {
  const all = policies();

  it('has the policies this test reads (each role, the bucket policy)', () => {
    expect(all.map((p) => p.where)).toEqual(
      expect.arrayContaining([
        'TransformRole trust',
        'DeliveryRole trust',
        expect.stringMatching(/^TransformRole\//),
        expect.stringMatching(/^DeliveryRole\//),
        'DeliveryBucketPolicy',
      ]),
    );
  });

  it('grants each action on the template’s own resources, never on `*`', () => {
    for (const policy of all.filter((p) => p.kind === 'identity')) {
      for (const s of policy.statements.filter((st) => st.Effect === 'Allow')) {
        const where = `${policy.where} ${s.Sid ?? JSON.stringify(s.Action)}`;
        const actions = list(s.Action);
        expect(actions.length, where).toBeGreaterThan(0);
        for (const action of actions)
          expect(action, `${where}: a wildcard action`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        const targets = list(s.Resource);
        expect(targets.length, `${where}: no Resource`).toBeGreaterThan(0);
        for (const target of targets) {
          if (target === '*' && actions.every((a) => NO_RESOURCE_LEVEL.has(a))) continue;
          expect(target, `${where}: a literal resource instead of one of the template's`).not.toBeTypeOf(
            'string',
          );
          const named = namedResources(target);
          expect(named.length, `${where}: ${JSON.stringify(target)} names no resource`).toBeGreaterThan(0);
          for (const id of named) expect(Object.keys(resources), where).toContain(id);
        }
      }
    }
  });

  it('lets only the AWS service each role is for assume it, Firehose for this account only', () => {
    for (const policy of all.filter((p) => p.kind === 'trust')) {
      for (const s of policy.statements) {
        expect(s.Effect, policy.where).toBe('Allow');
        expect(list(s.Action), policy.where).toEqual(['sts:AssumeRole']);
        expect(Object.keys(s.Principal as object), policy.where).toEqual(['Service']);
        expect(list((s.Principal as { Service: string | string[] }).Service), policy.where).toEqual([
          expect.stringMatching(/^(lambda|firehose)\.amazonaws\.com$/),
        ]);
      }
    }
    const firehose = all.find((p) => p.where === 'DeliveryRole trust')?.statements[0];
    expect(firehose?.Condition?.StringEquals?.['sts:ExternalId']).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('names everyone (`Principal: *`) only to deny', () => {
    for (const policy of all.filter((p) => p.kind === 'resource')) {
      for (const s of policy.statements) {
        if (s.Principal === '*' || JSON.stringify(s.Principal).includes('"*"')) {
          expect(s.Effect, `${policy.where} ${s.Sid}`).toBe('Deny');
        }
      }
    }
  });
});

describe('cfn/pipeline.yaml: the bucket', () => {
  const bucket = resources.DeliveryBucket?.Properties ?? {};

  it('blocks every kind of public access', () => {
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('denies any request not made over TLS, on the bucket and on every object', () => {
    const policy = resources.DeliveryBucketPolicy?.Properties ?? {};
    expect(policy.Bucket).toEqual({ Ref: 'DeliveryBucket' });
    const statements = list((policy.PolicyDocument as { Statement: Statement[] }).Statement);
    const tls = statements.find((s) => s.Condition?.Bool?.['aws:SecureTransport'] !== undefined);
    expect(tls).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(list(tls?.Resource)).toEqual([
      { 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
      { 'Fn::Sub': '${DeliveryBucket.Arn}/*' },
    ]);
  });

  it('encrypts what it stores, and the stream encrypts too', () => {
    expect(bucket.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: expect.any(String) } },
      ],
    });
    expect(resources.EventStream?.Properties?.StreamEncryption).toMatchObject({ EncryptionType: 'KMS' });
  });
});
