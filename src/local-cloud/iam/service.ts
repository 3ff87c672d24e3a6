// IAM over the query protocol: roles, inline policies and customer managed policies, stored as AWS shapes
// them (policy documents come back URL-encoded, ids are AROA.../ANPA...), never enforced.
import type { ServerResponse } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import {
  nestQuery,
  type QueryValue,
  queryParams,
  sendQueryError,
  sendQueryResult,
} from '../protocol/query.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import {
  IamStore,
  isAwsManaged,
  noSuchEntity,
  type PolicyRecord,
  type RoleRecord,
  type Tag,
} from './store.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$/;

type Params = Record<string, QueryValue>;

function validationError(value: string, field: string, constraint: string): never {
  throw new ServiceError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

function text(params: Params, key: string, required: true): string;
function text(params: Params, key: string, required?: false): string | undefined;
function text(params: Params, key: string, required = false): string | undefined {
  const value = params[key];
  if (typeof value === 'string') return value;
  if (required)
    validationError('null', key.charAt(0).toLowerCase() + key.slice(1), 'Member must not be null');
  return undefined;
}

function named(params: Params, key: string, pattern = NAME): string {
  const value = text(params, key, true);
  if (!pattern.test(value)) {
    validationError(
      value,
      key.charAt(0).toLowerCase() + key.slice(1),
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
    );
  }
  return value;
}

function pathOf(params: Params, key = 'Path'): string {
  const path = text(params, key) ?? '/';
  if (!PATH.test(path)) {
    validationError(
      path,
      'path',
      'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    );
  }
  return path;
}

function tagsOf(params: Params): Tag[] {
  const tags = params.Tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((tag) => {
    const { Key, Value } = (tag ?? {}) as Record<string, QueryValue>;
    if (typeof Key !== 'string') validationError('null', 'tags.member.key', 'Member must not be null');
    return { Key, Value: typeof Value === 'string' ? Value : '' };
  });
}

function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.Key, t]));
  for (const tag of added) byKey.set(tag.Key, tag);
  return [...byKey.values()];
}

/** A policy document as given, once checked to be a JSON policy. */
function policyDocument(params: Params, key: string): string {
  const document = text(params, key, true);
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new ServiceError('MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  const statement = (parsed as { Statement?: unknown } | null)?.Statement;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || statement === undefined) {
    throw new ServiceError('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  const version = (parsed as { Version?: unknown }).Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new ServiceError('MalformedPolicyDocument', 'The policy must contain a valid version string');
  }
  return document;
}

/** List pagination: Marker is the position to continue from. */
function paginate<T>(params: Params, items: T[]): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const start = Number(text(params, 'Marker') ?? 0) || 0;
  const max = Number(text(params, 'MaxItems') ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    validationError(String(max), 'maxItems', 'Member must have value between 1 and 1000');
  }
  const page = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { page, IsTruncated: truncated, ...(truncated ? { Marker: String(start + max) } : {}) };
}

const encode = (document: string) => encodeURIComponent(document);

function roleView(role: RoleRecord) {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: encode(role.AssumeRolePolicyDocument),
    Description: role.Description,
    MaxSessionDuration: role.MaxSessionDuration,
    Tags: role.Tags.length > 0 ? role.Tags : undefined,
  };
}

export function createIamService(): Service {
  let store: IamStore | undefined;
  const need = () => {
    if (!store) throw new ServiceError('ServiceFailure', 'IAM is starting.', 503);
    return store;
  };

  const policyView = (policy: PolicyRecord) => ({
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: policy.DefaultVersionId,
    AttachmentCount: need().attachmentCount(policy.Arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.Description,
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    Tags: policy.Tags.length > 0 ? policy.Tags : undefined,
  });

  const operations: Record<string, (params: Params) => Promise<unknown> | unknown> = {
    async CreateRole(p) {
      const role = await need().createRole({
        RoleName: named(p, 'RoleName'),
        Path: pathOf(p),
        AssumeRolePolicyDocument: policyDocument(p, 'AssumeRolePolicyDocument'),
        Description: text(p, 'Description'),
        MaxSessionDuration: Number(text(p, 'MaxSessionDuration') ?? 3600),
        Tags: tagsOf(p),
      });
      return { Role: roleView(role) };
    },
    GetRole(p) {
      return { Role: { ...roleView(need().role(text(p, 'RoleName', true))), RoleLastUsed: {} } };
    },
    async DeleteRole(p) {
      const role = need().role(text(p, 'RoleName', true));
      if (Object.keys(role.inline).length > 0) {
        throw new ServiceError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      }
      if (role.attached.length > 0) {
        throw new ServiceError(
          'DeleteConflict',
          'Cannot delete entity, must detach all policies first.',
          409,
        );
      }
      await need().deleteRole(role.RoleName);
    },
    ListRoles(p) {
      const prefix = text(p, 'PathPrefix') ?? '/';
      const { page, ...rest } = paginate(
        p,
        need()
          .roles()
          .filter((r) => r.Path.startsWith(prefix)),
      );
      return { Roles: page.map((r) => ({ ...roleView(r), Tags: undefined })), ...rest };
    },
    async UpdateRole(p) {
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        ...(text(p, 'Description') !== undefined ? { Description: text(p, 'Description') } : {}),
        ...(text(p, 'MaxSessionDuration')
          ? { MaxSessionDuration: Number(text(p, 'MaxSessionDuration')) }
          : {}),
      }));
      return {};
    },
    async UpdateAssumeRolePolicy(p) {
      const document = policyDocument(p, 'PolicyDocument');
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        AssumeRolePolicyDocument: document,
      }));
    },
    async TagRole(p) {
      const tags = tagsOf(p);
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        Tags: mergeTags(role.Tags, tags),
      }));
    },
    async UntagRole(p) {
      const keys = (Array.isArray(p.TagKeys) ? p.TagKeys : []) as string[];
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        Tags: role.Tags.filter((t) => !keys.includes(t.Key)),
      }));
    },
    ListRoleTags(p) {
      const { page, ...rest } = paginate(p, need().role(text(p, 'RoleName', true)).Tags);
      return { Tags: page, ...rest };
    },
    async PutRolePolicy(p) {
      const name = named(p, 'PolicyName', POLICY_NAME);
      const document = policyDocument(p, 'PolicyDocument');
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        inline: { ...role.inline, [name]: document },
      }));
    },
    GetRolePolicy(p) {
      const role = need().role(text(p, 'RoleName', true));
      const name = text(p, 'PolicyName', true);
      const document = role.inline[name];
      if (document === undefined) {
        throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      }
      return { RoleName: role.RoleName, PolicyName: name, PolicyDocument: encode(document) };
    },
    async DeleteRolePolicy(p) {
      const role = need().role(text(p, 'RoleName', true));
      const name = text(p, 'PolicyName', true);
      if (role.inline[name] === undefined) {
        throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      }
      await need().changeRole(role.RoleName, (r) => {
        const { [name]: _, ...inline } = r.inline;
        return { ...r, inline };
      });
    },
    ListRolePolicies(p) {
      const { page, ...rest } = paginate(
        p,
        Object.keys(need().role(text(p, 'RoleName', true)).inline).sort(),
      );
      return { PolicyNames: page, ...rest };
    },
    async CreatePolicy(p) {
      const policy = await need().createPolicy({
        PolicyName: named(p, 'PolicyName', POLICY_NAME),
        Path: pathOf(p),
        Description: text(p, 'Description'),
        Tags: tagsOf(p),
        Document: policyDocument(p, 'PolicyDocument'),
      });
      return { Policy: { ...policyView(policy), Description: undefined } };
    },
    GetPolicy(p) {
      return { Policy: policyView(need().policy(text(p, 'PolicyArn', true))) };
    },
    GetPolicyVersion(p) {
      const policy = need().policy(text(p, 'PolicyArn', true));
      const id = text(p, 'VersionId', true);
      const version = policy.versions.find((v) => v.VersionId === id);
      if (!version)
        throw noSuchEntity(`Policy ${policy.Arn} version ${id} does not exist or is not attachable.`);
      return {
        PolicyVersion: {
          Document: encode(version.Document),
          VersionId: version.VersionId,
          IsDefaultVersion: version.VersionId === policy.DefaultVersionId,
          CreateDate: version.CreateDate,
        },
      };
    },
    ListPolicyVersions(p) {
      const policy = need().policy(text(p, 'PolicyArn', true));
      const { page, ...rest } = paginate(p, [...policy.versions].reverse());
      return {
        Versions: page.map((v) => ({
          VersionId: v.VersionId,
          IsDefaultVersion: v.VersionId === policy.DefaultVersionId,
          CreateDate: v.CreateDate,
        })),
        ...rest,
      };
    },
    async CreatePolicyVersion(p) {
      const policy = need().policy(text(p, 'PolicyArn', true));
      const document = policyDocument(p, 'PolicyDocument');
      if (policy.versions.length >= 5) {
        throw new ServiceError(
          'LimitExceeded',
          `A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.`,
          409,
        );
      }
      const now = new Date().toISOString();
      const version = { VersionId: `v${policy.nextVersion}`, Document: document, CreateDate: now };
      const makeDefault = text(p, 'SetAsDefault') === 'true';
      await need().putPolicy({
        ...policy,
        versions: [...policy.versions, version],
        nextVersion: policy.nextVersion + 1,
        UpdateDate: now,
        ...(makeDefault ? { DefaultVersionId: version.VersionId } : {}),
      });
      return {
        PolicyVersion: { VersionId: version.VersionId, IsDefaultVersion: makeDefault, CreateDate: now },
      };
    },
    async DeletePolicyVersion(p) {
      const policy = need().policy(text(p, 'PolicyArn', true));
      const id = text(p, 'VersionId', true);
      if (id === policy.DefaultVersionId) {
        throw new ServiceError('DeleteConflict', 'Cannot delete the default version of a policy.', 409);
      }
      if (!policy.versions.some((v) => v.VersionId === id)) {
        throw noSuchEntity(`Policy ${policy.Arn} version ${id} does not exist or is not deletable.`);
      }
      await need().putPolicy({ ...policy, versions: policy.versions.filter((v) => v.VersionId !== id) });
    },
    async DeletePolicy(p) {
      const arn = text(p, 'PolicyArn', true);
      if (isAwsManaged(arn)) {
        throw new ServiceError('InvalidInput', `Cannot delete AWS managed policy ${arn}.`);
      }
      await need().deletePolicy(arn);
    },
    ListPolicies(p) {
      const scope = text(p, 'Scope') ?? 'All';
      const prefix = text(p, 'PathPrefix') ?? '/';
      const onlyAttached = text(p, 'OnlyAttached') === 'true';
      const local = scope === 'AWS' ? [] : need().policies();
      const { page, ...rest } = paginate(
        p,
        local.filter(
          (policy) =>
            policy.Path.startsWith(prefix) && (!onlyAttached || need().attachmentCount(policy.Arn) > 0),
        ),
      );
      return {
        Policies: page.map((policy) => ({ ...policyView(policy), Description: undefined, Tags: undefined })),
        ...rest,
      };
    },
    async AttachRolePolicy(p) {
      const arn = text(p, 'PolicyArn', true);
      if (!isAwsManaged(arn)) need().policy(arn);
      await need().changeRole(text(p, 'RoleName', true), (role) => ({
        ...role,
        attached: role.attached.includes(arn) ? role.attached : [...role.attached, arn],
      }));
    },
    async DetachRolePolicy(p) {
      const arn = text(p, 'PolicyArn', true);
      const role = need().role(text(p, 'RoleName', true));
      if (!role.attached.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      await need().changeRole(role.RoleName, (r) => ({
        ...r,
        attached: r.attached.filter((a) => a !== arn),
      }));
    },
    ListAttachedRolePolicies(p) {
      const role = need().role(text(p, 'RoleName', true));
      const { page, ...rest } = paginate(p, role.attached);
      return {
        AttachedPolicies: page.map((arn) => ({
          PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
          PolicyArn: arn,
        })),
        ...rest,
      };
    },
  };

  return {
    name: 'iam',
    async start(context: ServiceContext) {
      store = new IamStore(context.dataDir);
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      const params = queryParams(request.body, request.url);
      const action = params.get('Action') ?? '';
      const run = operations[action];
      if (!run) {
        throw new ServiceError(
          'InvalidAction',
          `Could not find operation ${action || '(none)'} for version 2010-05-08`,
        );
      }
      const result = await run(nestQuery(params));
      sendQueryResult(response, action, result === undefined ? undefined : result, XMLNS);
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendQueryError(response, error, XMLNS);
    },
  };
}
