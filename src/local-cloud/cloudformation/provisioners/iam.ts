// AWS::IAM::Role, AWS::IAM::Policy and AWS::IAM::ManagedPolicy, through IAM. A role's inline policies
// and managed policy attachments are part of the role, as CloudFormation models them.

import { isDeepStrictEqual } from 'node:util';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListPolicyVersionsCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { deleting, policyText, tagList } from './support.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './types.js';

interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: unknown;
}

const list = <T = string>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

async function roleAttributes(ctx: ProvisionContext, name: string) {
  const { Role } = await ctx.clients.iam.send(new GetRoleCommand({ RoleName: name }));
  return { Arn: Role?.Arn, RoleId: Role?.RoleId };
}

async function syncInlinePolicies(ctx: ProvisionContext, role: string, before: unknown, after: unknown) {
  const old = list<InlinePolicy>(before);
  const now = list<InlinePolicy>(after);
  for (const policy of now) {
    const previous = old.find((p) => p.PolicyName === policy.PolicyName);
    if (previous && isDeepStrictEqual(previous.PolicyDocument, policy.PolicyDocument)) continue;
    await ctx.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: policy.PolicyName,
        PolicyDocument: policyText(policy.PolicyDocument),
      }),
    );
  }
  for (const policy of old) {
    if (now.some((p) => p.PolicyName === policy.PolicyName)) continue;
    await deleting(() =>
      ctx.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policy.PolicyName })),
    );
  }
}

async function syncAttachments(ctx: ProvisionContext, role: string, before: unknown, after: unknown) {
  const old = list(before);
  const now = list(after);
  for (const arn of now.filter((a) => !old.includes(a))) {
    await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: arn }));
  }
  for (const arn of old.filter((a) => !now.includes(a))) {
    await deleting(() =>
      ctx.clients.iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: arn })),
    );
  }
}

export const role: ResourceProvisioner = {
  nameProperty: 'RoleName',
  async create(properties, ctx) {
    const name = String(properties.RoleName ?? ctx.generatedName({ maxLength: 64 }));
    await ctx.clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: policyText(properties.AssumeRolePolicyDocument),
        ...(properties.Path !== undefined ? { Path: String(properties.Path) } : {}),
        ...(properties.Description !== undefined ? { Description: String(properties.Description) } : {}),
        ...(properties.MaxSessionDuration !== undefined
          ? { MaxSessionDuration: Number(properties.MaxSessionDuration) }
          : {}),
        ...(properties.PermissionsBoundary !== undefined
          ? { PermissionsBoundary: String(properties.PermissionsBoundary) }
          : {}),
        Tags: tagList(properties.Tags),
      }),
    );
    await ctx.created(name);
    await syncInlinePolicies(ctx, name, [], properties.Policies);
    await syncAttachments(ctx, name, [], properties.ManagedPolicyArns);
    return { physicalId: name, attributes: await roleAttributes(ctx, name) };
  },
  async update(name, properties: Properties, previous: Properties, ctx) {
    if (!isDeepStrictEqual(properties.AssumeRolePolicyDocument, previous.AssumeRolePolicyDocument)) {
      await ctx.clients.iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: name,
          PolicyDocument: policyText(properties.AssumeRolePolicyDocument),
        }),
      );
    }
    if (
      properties.Description !== previous.Description ||
      properties.MaxSessionDuration !== previous.MaxSessionDuration
    ) {
      await ctx.clients.iam.send(
        new UpdateRoleCommand({
          RoleName: name,
          Description: String(properties.Description ?? ''),
          ...(properties.MaxSessionDuration !== undefined
            ? { MaxSessionDuration: Number(properties.MaxSessionDuration) }
            : {}),
        }),
      );
    }
    if (properties.PermissionsBoundary === undefined && previous.PermissionsBoundary !== undefined) {
      await ctx.clients.iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: name }));
    } else if (properties.PermissionsBoundary !== previous.PermissionsBoundary) {
      await ctx.clients.iam.send(
        new PutRolePermissionsBoundaryCommand({
          RoleName: name,
          PermissionsBoundary: String(properties.PermissionsBoundary),
        }),
      );
    }
    await syncInlinePolicies(ctx, name, previous.Policies, properties.Policies);
    await syncAttachments(ctx, name, previous.ManagedPolicyArns, properties.ManagedPolicyArns);
    return { physicalId: name, attributes: await roleAttributes(ctx, name) };
  },
  async delete(name, properties, ctx) {
    await syncInlinePolicies(ctx, name, properties.Policies, []).catch(() => undefined);
    await syncAttachments(ctx, name, properties.ManagedPolicyArns, []).catch(() => undefined);
    await deleting(() => ctx.clients.iam.send(new DeleteRoleCommand({ RoleName: name })));
  },
};

function onlyRoles(properties: Properties, type: string): string[] {
  if (list(properties.Users).length > 0 || list(properties.Groups).length > 0) {
    throw new Error(
      `The local cloud's IAM has roles only: ${type} with Users or Groups cannot be created here`,
    );
  }
  return list(properties.Roles);
}

/** AWS::IAM::Policy: one inline policy put on each role it names. */
export const policy: ResourceProvisioner = {
  async create(properties, ctx) {
    const roles = onlyRoles(properties, 'AWS::IAM::Policy');
    // CloudFormation names these `<stack>-<Logi>-<RANDOM>`, the logical id cut to a few letters.
    const physicalId = `${ctx.stackName.slice(0, 10)}-${ctx.logicalId.slice(0, 5)}-${ctx.generatedName().split('-').pop()}`;
    for (const roleName of roles) {
      await ctx.clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: String(properties.PolicyName),
          PolicyDocument: policyText(properties.PolicyDocument),
        }),
      );
    }
    return { physicalId, attributes: { Id: physicalId } };
  },
  async update(physicalId, properties, previous, ctx) {
    const roles = onlyRoles(properties, 'AWS::IAM::Policy');
    for (const roleName of list(previous.Roles)) {
      if (roles.includes(roleName) && properties.PolicyName === previous.PolicyName) continue;
      await deleting(() =>
        ctx.clients.iam.send(
          new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: String(previous.PolicyName) }),
        ),
      );
    }
    for (const roleName of roles) {
      await ctx.clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: String(properties.PolicyName),
          PolicyDocument: policyText(properties.PolicyDocument),
        }),
      );
    }
    return { physicalId, attributes: { Id: physicalId } };
  },
  async delete(_physicalId, properties, ctx) {
    for (const roleName of list(properties.Roles)) {
      await deleting(() =>
        ctx.clients.iam.send(
          new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: String(properties.PolicyName) }),
        ),
      );
    }
  },
};

/** AWS::IAM::ManagedPolicy: Ref is its ARN. */
export const managedPolicy: ResourceProvisioner = {
  nameProperty: 'ManagedPolicyName',
  async create(properties, ctx) {
    const roles = onlyRoles(properties, 'AWS::IAM::ManagedPolicy');
    const name = String(properties.ManagedPolicyName ?? ctx.generatedName({ maxLength: 128 }));
    const { Policy } = await ctx.clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: name,
        PolicyDocument: policyText(properties.PolicyDocument),
        ...(properties.Path !== undefined ? { Path: String(properties.Path) } : {}),
        ...(properties.Description !== undefined ? { Description: String(properties.Description) } : {}),
      }),
    );
    const arn = Policy?.Arn ?? `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${name}`;
    await ctx.created(arn);
    await syncPolicyRoles(ctx, arn, [], roles);
    return {
      physicalId: arn,
      attributes: { PolicyArn: arn, PolicyId: Policy?.PolicyId, DefaultVersionId: Policy?.DefaultVersionId },
    };
  },
  async update(arn, properties, previous, ctx) {
    const roles = onlyRoles(properties, 'AWS::IAM::ManagedPolicy');
    let version: string | undefined;
    if (!isDeepStrictEqual(properties.PolicyDocument, previous.PolicyDocument)) {
      // IAM keeps at most five versions: make room by dropping the oldest one that is not the default.
      const { Versions = [] } = await ctx.clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
      const spare = Versions.filter((v) => !v.IsDefaultVersion).sort(
        (a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0),
      );
      if (Versions.length >= 5 && spare[0]?.VersionId) {
        await ctx.clients.iam.send(
          new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: spare[0].VersionId }),
        );
      }
      const created = await ctx.clients.iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: arn,
          PolicyDocument: policyText(properties.PolicyDocument),
          SetAsDefault: true,
        }),
      );
      version = created.PolicyVersion?.VersionId;
    }
    await syncPolicyRoles(ctx, arn, list(previous.Roles), roles);
    return {
      physicalId: arn,
      attributes: { PolicyArn: arn, ...(version ? { DefaultVersionId: version } : {}) },
    };
  },
  async delete(arn, properties, ctx) {
    await syncPolicyRoles(ctx, arn, list(properties.Roles), []).catch(() => undefined);
    const versions = await ctx.clients.iam
      .send(new ListPolicyVersionsCommand({ PolicyArn: arn }))
      .catch(() => undefined);
    for (const v of versions?.Versions ?? []) {
      if (v.IsDefaultVersion || !v.VersionId) continue;
      await deleting(() =>
        ctx.clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId })),
      );
    }
    await deleting(() => ctx.clients.iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
  },
};

async function syncPolicyRoles(ctx: ProvisionContext, arn: string, before: string[], after: string[]) {
  for (const roleName of after.filter((r) => !before.includes(r))) {
    await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  }
  for (const roleName of before.filter((r) => !after.includes(r))) {
    await deleting(() =>
      ctx.clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })),
    );
  }
}
