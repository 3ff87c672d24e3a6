// What the delivery stream's IAM role lets Firehose do, decided as IAM decides (iam/policy-evaluation.ts)
// from the role's own policies, read through the IAM API as Firehose's assumed-role calls would be
// authorized. AWS checks every call Firehose makes with the role; the local cloud checks the ones whose
// refusal Firehose reports: invoking the transform (Lambda.InvokeAccessDenied), writing objects
// (S3.AccessDenied) and logging its errors (silently not logged).
//
// A role the local IAM does not know is not checked, so tools and tests that create delivery streams
// without IAM still deliver. AWS managed policies (arn:aws:iam::aws:policy/...) attach without their
// documents here: a role holding one is given the benefit of the doubt for that policy's service.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { callerKeys, evaluatePolicies, type PolicyInput, roleSession } from '../iam/policy-evaluation.js';

/** The session name Firehose's calls with the role carry (AWS's own are opaque; this names the service). */
export const FIREHOSE_SESSION = 'firehose';

/** How long a role's policies are used before they are read again (a deploy may have changed them). */
const FRESH_MS = 2_000;

interface RolePolicies {
  policies: PolicyInput[];
  /** Services an AWS managed policy attached to the role may cover (`s3`, `lambda`, or `*`). */
  managed: string[];
}

/** `arn:aws:iam::aws:policy/AmazonS3FullAccess` -> `s3`; unknown names cover every service. */
function managedService(arn: string): string {
  const name = arn.split('/').pop() ?? '';
  if (/S3/.test(name)) return 's3';
  if (/Lambda/.test(name)) return 'lambda';
  if (/CloudWatchLogs|Logs/.test(name)) return 'logs';
  if (/Kinesis(?!Firehose)/.test(name)) return 'kinesis';
  return '*';
}

export class RolePermissions {
  private cached = new Map<string, { at: number; value: Promise<RolePolicies | undefined> }>();

  constructor(private readonly iam: IAMClient) {}

  private async read(roleArn: string): Promise<RolePolicies | undefined> {
    const roleName = roleArn.split('/').pop() ?? '';
    let inline: string[];
    try {
      inline = (await this.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
    } catch (error) {
      if ((error as Error).name === 'NoSuchEntityException') return undefined;
      throw error;
    }
    const policies: PolicyInput[] = [];
    for (const name of inline) {
      const got = await this.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      if (got.PolicyDocument)
        policies.push({ document: decodeURIComponent(got.PolicyDocument), kind: 'identity', name });
    }
    const managed: string[] = [];
    const attached =
      (await this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ??
      [];
    for (const policy of attached) {
      const arn = policy.PolicyArn ?? '';
      if (arn.startsWith('arn:aws:iam::aws:policy/')) {
        managed.push(managedService(arn));
        continue;
      }
      const version = (await this.iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy
        ?.DefaultVersionId;
      const document = (
        await this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version }))
      ).PolicyVersion?.Document;
      if (document) policies.push({ document: decodeURIComponent(document), kind: 'identity', name: arn });
    }
    return { policies, managed };
  }

  private policiesOf(roleArn: string): Promise<RolePolicies | undefined> {
    const hit = this.cached.get(roleArn);
    if (hit && Date.now() - hit.at < FRESH_MS) return hit.value;
    const value = this.read(roleArn);
    this.cached.set(roleArn, { at: Date.now(), value });
    value.catch(() => this.cached.delete(roleArn));
    return value;
  }

  /**
   * Whether the role lets Firehose do `action` on `resource`: true, false (an explicit or implicit deny),
   * or undefined when the role is not one the local IAM knows (not checked).
   */
  async allows(roleArn: string, action: string, resource: string): Promise<boolean | undefined> {
    const role = await this.policiesOf(roleArn);
    if (!role) return undefined;
    const service = action.split(':')[0] ?? '';
    const caller = roleSession(roleArn, FIREHOSE_SESSION);
    const { decision } = evaluatePolicies(role.policies, {
      action,
      resource,
      caller,
      keys: callerKeys(caller, new Date()),
    });
    if (decision === 'explicitDeny') return false;
    if (decision === 'allowed') return true;
    return role.managed.some((covered) => covered === '*' || covered === service);
  }
}
