import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const logsPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: '*' }],
});

describe('local IAM', () => {
  const lc = useLocalCloud();
  const iam = () => lc().clients.iam;

  it('creates a role with an AWS-shaped id and ARN, and returns its trust policy URL-encoded', async () => {
    const { Role } = await iam().send(
      new CreateRoleCommand({
        RoleName: 'transform-role',
        Path: '/service/',
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: 'app', Value: 'kinesis-tui' }],
      }),
    );
    expect(Role?.Arn).toBe('arn:aws:iam::000000000000:role/service/transform-role');
    expect(Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(Role?.CreateDate).toBeInstanceOf(Date);
    const fetched = (await iam().send(new GetRoleCommand({ RoleName: 'transform-role' }))).Role;
    expect(fetched?.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust));
    expect(JSON.parse(decodeURIComponent(fetched?.AssumeRolePolicyDocument ?? ''))).toEqual(
      JSON.parse(trust),
    );
    expect(fetched?.Tags).toEqual([{ Key: 'app', Value: 'kinesis-tui' }]);
    await expect(
      iam().send(new CreateRoleCommand({ RoleName: 'transform-role', AssumeRolePolicyDocument: trust })),
    ).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name transform-role already exists.',
    });
  });

  it('refuses a policy document that is not JSON', async () => {
    await expect(
      iam().send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: '{not json' })),
    ).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'This policy contains invalid Json',
    });
  });

  it('keeps inline policies, and refuses to delete a role that still has them', async () => {
    await iam().send(new CreateRoleCommand({ RoleName: 'inline-role', AssumeRolePolicyDocument: trust }));
    await iam().send(
      new PutRolePolicyCommand({
        RoleName: 'inline-role',
        PolicyName: 'write-logs',
        PolicyDocument: logsPolicy,
      }),
    );
    expect((await iam().send(new ListRolePoliciesCommand({ RoleName: 'inline-role' }))).PolicyNames).toEqual([
      'write-logs',
    ]);
    const inline = await iam().send(
      new GetRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'write-logs' }),
    );
    expect(decodeURIComponent(inline.PolicyDocument ?? '')).toBe(logsPolicy);
    await expect(iam().send(new DeleteRoleCommand({ RoleName: 'inline-role' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam().send(new DeleteRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'write-logs' }));
    await iam().send(new DeleteRoleCommand({ RoleName: 'inline-role' }));
    await expect(iam().send(new GetRoleCommand({ RoleName: 'inline-role' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name inline-role cannot be found.',
    });
  });

  it('creates managed policies, attaches and detaches them, and guards deletes', async () => {
    await iam().send(new CreateRoleCommand({ RoleName: 'managed-role', AssumeRolePolicyDocument: trust }));
    const { Policy } = await iam().send(
      new CreatePolicyCommand({ PolicyName: 'logs-writer', PolicyDocument: logsPolicy }),
    );
    expect(Policy?.Arn).toBe('arn:aws:iam::000000000000:policy/logs-writer');
    expect(Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(Policy?.DefaultVersionId).toBe('v1');
    const arn = Policy?.Arn as string;
    const version = await iam().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(version.PolicyVersion?.Document ?? '')).toBe(logsPolicy);
    await iam().send(new AttachRolePolicyCommand({ RoleName: 'managed-role', PolicyArn: arn }));
    await iam().send(
      new AttachRolePolicyCommand({
        RoleName: 'managed-role',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      }),
    );
    const attached = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: 'managed-role' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual([
      'logs-writer',
      'AWSLambdaBasicExecutionRole',
    ]);
    expect((await iam().send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    await expect(iam().send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
    });
    await expect(iam().send(new DeleteRoleCommand({ RoleName: 'managed-role' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await iam().send(new DetachRolePolicyCommand({ RoleName: 'managed-role', PolicyArn: arn }));
    await iam().send(
      new DetachRolePolicyCommand({
        RoleName: 'managed-role',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      }),
    );
    await iam().send(new DeletePolicyCommand({ PolicyArn: arn }));
    await iam().send(new DeleteRoleCommand({ RoleName: 'managed-role' }));
    const local = await iam().send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies?.some((p) => p.Arn === arn)).toBe(false);
    await expect(
      iam().send(new AttachRolePolicyCommand({ RoleName: 'transform-role', PolicyArn: arn })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('updates the trust policy and tags, and lists roles with pagination', async () => {
    const other = trust.replace('lambda.amazonaws.com', 'firehose.amazonaws.com');
    await iam().send(new CreateRoleCommand({ RoleName: 'delivery-role', AssumeRolePolicyDocument: trust }));
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'delivery-role', PolicyDocument: other }));
    await iam().send(new TagRoleCommand({ RoleName: 'delivery-role', Tags: [{ Key: 'k', Value: 'v' }] }));
    const role = (await iam().send(new GetRoleCommand({ RoleName: 'delivery-role' }))).Role;
    expect(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '')).toBe(other);
    expect(role?.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    const first = await iam().send(new ListRolesCommand({ MaxItems: 1 }));
    expect(first.Roles).toHaveLength(1);
    expect(first.IsTruncated).toBe(true);
    const rest = await iam().send(new ListRolesCommand({ Marker: first.Marker }));
    const names = [...(first.Roles ?? []), ...(rest.Roles ?? [])].map((r) => r.RoleName);
    expect(names).toContain('delivery-role');
    expect(names).toContain('transform-role');
  });
});
