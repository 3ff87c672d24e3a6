// Bucket policies: stored, not enforced (like IAM in the local cloud), but refused where S3 refuses
// them, so a template that would fail on AWS fails here too, with S3's message.
import { S3Error } from './errors.js';

const malformed = (message: string) => new S3Error('MalformedPolicy', message);

type Statement = Record<string, unknown>;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function hasEither(statement: Statement, a: string, b: string): boolean {
  return statement[a] !== undefined || statement[b] !== undefined;
}

function resourceInBucket(resource: unknown, bucket: string): boolean {
  if (typeof resource !== 'string') return false;
  const match = /^arn:aws(?:-cn|-us-gov)?:s3:::(.*)$/.exec(resource);
  const path = match?.[1];
  return path !== undefined && (path === bucket || path.startsWith(`${bucket}/`));
}

function principalIsEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (typeof principal === 'object' && principal !== null) {
    return asList((principal as Record<string, unknown>).AWS).includes('*');
  }
  return false;
}

/** The statements of a policy S3 would accept for this bucket; throws MalformedPolicy otherwise. */
export function validateBucketPolicy(text: string, bucket: string): Statement[] {
  if (!text.trimStart().startsWith('{')) {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  let policy: Record<string, unknown>;
  try {
    policy = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (policy.Version !== undefined && policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17') {
    throw malformed('The policy must contain a valid version string');
  }
  if (policy.Statement === undefined) throw malformed('Missing required field Statement');
  const statements = asList(policy.Statement);
  if (statements.length === 0) throw malformed('Could not parse the policy: Statement is empty!');
  for (const raw of statements) {
    if (typeof raw !== 'object' || raw === null) throw malformed('Statement is not an object');
    const statement = raw as Statement;
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw malformed(`Invalid effect: ${String(statement.Effect ?? '')}`);
    }
    if (!hasEither(statement, 'Principal', 'NotPrincipal'))
      throw malformed('Missing required field Principal');
    if (!hasEither(statement, 'Action', 'NotAction')) throw malformed('Missing required field Action');
    if (!hasEither(statement, 'Resource', 'NotResource')) throw malformed('Missing required field Resource');
    for (const action of asList(statement.Action ?? statement.NotAction)) {
      if (typeof action !== 'string' || !/^(\*|s3:[A-Za-z*?]+)$/.test(action)) {
        throw malformed('Policy has invalid action');
      }
    }
    for (const resource of asList(statement.Resource ?? statement.NotResource)) {
      if (!resourceInBucket(resource, bucket)) throw malformed('Policy has invalid resource');
    }
  }
  return statements as Statement[];
}

/** Whether S3 would call the policy public: it allows everyone, unconditionally. */
export function isPublicPolicy(statements: Statement[]): boolean {
  return statements.some(
    (s) => s.Effect === 'Allow' && principalIsEveryone(s.Principal) && s.Condition === undefined,
  );
}
