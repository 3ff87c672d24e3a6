// IAM over the query protocol: roles, users and their access keys, inline policies, permissions boundaries
// and customer managed policies, stored as AWS shapes them (policy documents come back URL-encoded, ids are
// AROA.../AIDA.../ANPA.../AKIA...), never enforced. Which fields each answer carries follows tests run
// against AWS (moto's test_iam_response_attributes.py, LocalStack's IAM parity snapshots).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import {
  nestQuery,
  type QueryValue,
  queryParams,
  sendQueryError,
  sendQueryResult,
} from '../protocol/query.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import {
  IamStore,
  isAwsManaged,
  noSuchEntity,
  type PolicyRecord,
  type RoleRecord,
  type Tag,
  type UserRecord,
  uniqueId,
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

/** A permissions boundary as IAM answers one: always a managed policy. */
function boundaryView(arn: string | undefined) {
  return arn === undefined ? undefined : { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn };
}

/**
 * A role as each call answers it: CreateRole and GetRole carry PermissionsBoundary and Tags only when the
 * role has them, ListRoles never does (nor RoleLastUsed); CreateRole leaves out MaxSessionDuration unless
 * it was given (as AWS's answer does), GetRole adds RoleLastUsed.
 */
function roleView(role: RoleRecord, call: 'create' | 'get' | 'list') {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: encode(role.AssumeRolePolicyDocument),
    Description: role.Description,
    MaxSessionDuration: call === 'create' && !role.maxSessionGiven ? undefined : role.MaxSessionDuration,
    ...(call === 'list'
      ? {}
      : {
          PermissionsBoundary: boundaryView(role.PermissionsBoundary),
          Tags: role.Tags.length > 0 ? role.Tags : undefined,
        }),
    ...(call === 'get' ? { RoleLastUsed: {} } : {}),
  };
}

/** A user as each call answers it: PermissionsBoundary and Tags only when set, and never in ListUsers. */
function userView(user: UserRecord, call: 'create' | 'get' | 'list') {
  return {
    Path: user.Path,
    UserName: user.UserName,
    UserId: user.UserId,
    Arn: user.Arn,
    CreateDate: user.CreateDate,
    ...(call === 'list'
      ? {}
      : {
          PermissionsBoundary: boundaryView(user.PermissionsBoundary),
          Tags: user.Tags.length > 0 ? user.Tags : undefined,
        }),
  };
}

/** The access key id a request was signed with (SigV4 header or presigned query), if any. */
function signingKey(request: EdgeRequest): string | undefined {
  const header = String(request.headers.authorization ?? '');
  const credential =
    /Credential=([^/,\s]+)\//.exec(header)?.[1] ?? request.url.searchParams.get('X-Amz-Credential');
  return credential?.split('/')[0] || undefined;
}

/** A new secret access key: 40 characters, as AWS's are. Returned once, never stored or logged. */
function newSecret(): string {
  return randomBytes(30).toString('base64');
}

type Operation = (params: Params, request: EdgeRequest) => Promise<unknown> | unknown;

/** Roles and users alike have inline and attached policies, tags and a permissions boundary. */
interface PrincipalKind<T extends RoleRecord | UserRecord> {
  /** `Role` or `User`, as operation names spell it. */
  noun: 'Role' | 'User';
  find(name: string): T;
  change(name: string, apply: (principal: T) => T): Promise<T>;
}

export function createIamService(): Service {
  let store: IamStore | undefined;
  let context: ServiceContext | undefined;
  const need = () => {
    if (!store) throw new ServiceError('ServiceFailure', 'IAM is starting.', 503);
    return store;
  };

  /** GetPolicy always answers Tags (an empty list when there are none); CreatePolicy only when given. */
  const policyView = (policy: PolicyRecord, call: 'create' | 'get' | 'list') => ({
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: policy.DefaultVersionId,
    AttachmentCount: need().attachmentCount(policy.Arn),
    PermissionsBoundaryUsageCount: need().boundaryCount(policy.Arn),
    IsAttachable: true,
    Description: call === 'get' ? policy.Description : undefined,
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    Tags:
      call === 'get' ? policy.Tags : call === 'create' && policy.Tags.length > 0 ? policy.Tags : undefined,
  });

  /** A permissions boundary to set: a managed policy that exists (AWS's own exist everywhere). */
  const boundaryArn = (p: Params): string | undefined => {
    const arn = text(p, 'PermissionsBoundary');
    if (arn === undefined) return undefined;
    if (!isAwsManaged(arn) && !need().hasPolicy(arn)) {
      throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
    }
    return arn;
  };

  /** The user a call names, or the one whose access key signed it (absent UserName). */
  const callerUser = (p: Params, request: EdgeRequest): UserRecord => {
    const name = text(p, 'UserName');
    if (name !== undefined) return need().user(name);
    const key = signingKey(request);
    const user = key ? need().userOfKey(key) : undefined;
    if (!user) {
      // AWS acts on the calling identity; on the local cloud every caller is the account's root, whose own
      // access keys it does not keep.
      throw new ServiceError(
        'ValidationError',
        'Give UserName: the local cloud signs every caller in as the account root, which has no access keys here.',
      );
    }
    return user;
  };

  const principalOperations = <T extends RoleRecord | UserRecord>(kind: PrincipalKind<T>) => {
    const key = `${kind.noun}Name`;
    const lower = kind.noun.toLowerCase();
    const name = (p: Params) => text(p, key, true);
    return {
      [`Put${kind.noun}Policy`]: async (p: Params) => {
        const policyName = named(p, 'PolicyName', POLICY_NAME);
        const document = policyDocument(p, 'PolicyDocument');
        await kind.change(name(p), (r) => ({ ...r, inline: { ...r.inline, [policyName]: document } }));
      },
      [`Get${kind.noun}Policy`]: (p: Params) => {
        const principal = kind.find(name(p));
        const policyName = text(p, 'PolicyName', true);
        const document = principal.inline[policyName];
        if (document === undefined) {
          throw noSuchEntity(`The ${lower} policy with name ${policyName} cannot be found.`);
        }
        return { [key]: name(p), PolicyName: policyName, PolicyDocument: encode(document) };
      },
      [`Delete${kind.noun}Policy`]: async (p: Params) => {
        const principal = kind.find(name(p));
        const policyName = text(p, 'PolicyName', true);
        if (principal.inline[policyName] === undefined) {
          throw noSuchEntity(`The ${lower} policy with name ${policyName} cannot be found.`);
        }
        await kind.change(name(p), (r) => {
          const { [policyName]: _, ...inline } = r.inline;
          return { ...r, inline };
        });
      },
      [`List${kind.noun}Policies`]: (p: Params) => {
        const { page, ...rest } = paginate(p, Object.keys(kind.find(name(p)).inline).sort());
        return { PolicyNames: page, ...rest };
      },
      [`Attach${kind.noun}Policy`]: async (p: Params) => {
        const arn = text(p, 'PolicyArn', true);
        if (!isAwsManaged(arn)) need().policy(arn);
        await kind.change(name(p), (r) => ({
          ...r,
          attached: r.attached.includes(arn) ? r.attached : [...r.attached, arn],
        }));
      },
      [`Detach${kind.noun}Policy`]: async (p: Params) => {
        const arn = text(p, 'PolicyArn', true);
        if (!kind.find(name(p)).attached.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
        await kind.change(name(p), (r) => ({ ...r, attached: r.attached.filter((a) => a !== arn) }));
      },
      [`ListAttached${kind.noun}Policies`]: (p: Params) => {
        const { page, ...rest } = paginate(p, kind.find(name(p)).attached);
        return {
          AttachedPolicies: page.map((arn) => ({
            PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
            PolicyArn: arn,
          })),
          ...rest,
        };
      },
      [`Tag${kind.noun}`]: async (p: Params) => {
        const tags = tagsOf(p);
        await kind.change(name(p), (r) => ({ ...r, Tags: mergeTags(r.Tags, tags) }));
      },
      [`Untag${kind.noun}`]: async (p: Params) => {
        const keys = (Array.isArray(p.TagKeys) ? p.TagKeys : []) as string[];
        await kind.change(name(p), (r) => ({ ...r, Tags: r.Tags.filter((t) => !keys.includes(t.Key)) }));
      },
      [`List${kind.noun}Tags`]: (p: Params) => {
        const { page, ...rest } = paginate(p, kind.find(name(p)).Tags);
        return { Tags: page, ...rest };
      },
      [`Put${kind.noun}PermissionsBoundary`]: async (p: Params) => {
        const arn = text(p, 'PermissionsBoundary', true) && boundaryArn(p);
        await kind.change(name(p), (r) => ({ ...r, PermissionsBoundary: arn }));
      },
      [`Delete${kind.noun}PermissionsBoundary`]: async (p: Params) => {
        await kind.change(name(p), (r) => {
          const { PermissionsBoundary: _, ...rest } = r;
          return rest as T;
        });
      },
    } satisfies Record<string, Operation>;
  };

  /** DeleteRole / DeleteUser: refused while the principal still holds what must go first. */
  const deleteConflicts = (principal: RoleRecord | UserRecord) => {
    // For users AWS checks more (login profile, MFA, certificates, groups) than the local cloud keeps; the
    // order of the checks is not documented.
    if ('accessKeys' in principal && principal.accessKeys.length > 0) {
      throw new ServiceError('DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
    }
    if (Object.keys(principal.inline).length > 0) {
      throw new ServiceError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
    }
    if (principal.attached.length > 0) {
      throw new ServiceError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
    }
  };

  const accessKey = (user: UserRecord, id: string) => {
    const key = user.accessKeys.find((k) => k.AccessKeyId === id);
    if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    return key;
  };

  const operations: Record<string, Operation> = {
    async CreateRole(p) {
      const role = await need().createRole({
        RoleName: named(p, 'RoleName'),
        Path: pathOf(p),
        AssumeRolePolicyDocument: policyDocument(p, 'AssumeRolePolicyDocument'),
        Description: text(p, 'Description'),
        MaxSessionDuration: Number(text(p, 'MaxSessionDuration') ?? 3600),
        ...(text(p, 'MaxSessionDuration') !== undefined ? { maxSessionGiven: true } : {}),
        PermissionsBoundary: boundaryArn(p),
        Tags: tagsOf(p),
      });
      return { Role: roleView(role, 'create') };
    },
    GetRole(p) {
      return { Role: roleView(need().role(text(p, 'RoleName', true)), 'get') };
    },
    async DeleteRole(p) {
      const role = need().role(text(p, 'RoleName', true));
      deleteConflicts(role);
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
      return { Roles: page.map((r) => roleView(r, 'list')), ...rest };
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
    ...principalOperations<RoleRecord>({
      noun: 'Role',
      find: (name) => need().role(name),
      change: (name, apply) => need().changeRole(name, apply),
    }),
    async CreateUser(p) {
      const user = await need().createUser({
        UserName: named(p, 'UserName'),
        Path: pathOf(p),
        PermissionsBoundary: boundaryArn(p),
        Tags: tagsOf(p),
      });
      return { User: userView(user, 'create') };
    },
    GetUser(p, request) {
      if (text(p, 'UserName') === undefined) {
        const key = signingKey(request);
        const user = key ? need().userOfKey(key) : undefined;
        // The account's root, as every caller of the local cloud is signed in (STS says the same). AWS's
        // answer for the root has no UserName or Path; its CreateDate here is not the account's.
        if (!user) {
          return {
            User: {
              UserId: LOCAL_ACCOUNT_ID,
              Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
              CreateDate: new Date(0).toISOString(),
            },
          };
        }
        return { User: userView(user, 'get') };
      }
      return { User: userView(need().user(text(p, 'UserName', true)), 'get') };
    },
    ListUsers(p) {
      const prefix = text(p, 'PathPrefix') ?? '/';
      const { page, ...rest } = paginate(
        p,
        need()
          .users()
          .filter((u) => u.Path.startsWith(prefix)),
      );
      return { Users: page.map((u) => userView(u, 'list')), ...rest };
    },
    async DeleteUser(p) {
      const user = need().user(text(p, 'UserName', true));
      deleteConflicts(user);
      await need().deleteUser(user.UserName);
    },
    ...principalOperations<UserRecord>({
      noun: 'User',
      find: (name) => need().user(name),
      change: (name, apply) => need().changeUser(name, apply),
    }),
    async CreateAccessKey(p, request) {
      const user = callerUser(p, request);
      if (user.accessKeys.length >= 2) {
        throw new ServiceError('LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
      }
      const key = {
        AccessKeyId: uniqueId('AKIA'),
        Status: 'Active' as const,
        CreateDate: new Date().toISOString(),
      };
      await need().changeUser(user.UserName, (u) => ({ ...u, accessKeys: [...u.accessKeys, key] }));
      return { AccessKey: { UserName: user.UserName, ...key, SecretAccessKey: newSecret() } };
    },
    ListAccessKeys(p, request) {
      const user = callerUser(p, request);
      const { page, ...rest } = paginate(p, user.accessKeys);
      return { AccessKeyMetadata: page.map((k) => ({ UserName: user.UserName, ...k })), ...rest };
    },
    async UpdateAccessKey(p, request) {
      const user = callerUser(p, request);
      const id = text(p, 'AccessKeyId', true);
      const status = text(p, 'Status', true);
      if (status !== 'Active' && status !== 'Inactive') {
        validationError(status, 'status', 'Member must satisfy enum value set: [Active, Inactive]');
      }
      accessKey(user, id);
      await need().changeUser(user.UserName, (u) => ({
        ...u,
        accessKeys: u.accessKeys.map((k) => (k.AccessKeyId === id ? { ...k, Status: status } : k)),
      }));
    },
    async DeleteAccessKey(p, request) {
      const user = callerUser(p, request);
      const id = text(p, 'AccessKeyId', true);
      accessKey(user, id);
      await need().changeUser(user.UserName, (u) => ({
        ...u,
        accessKeys: u.accessKeys.filter((k) => k.AccessKeyId !== id),
      }));
    },
    GetAccessKeyLastUsed(p) {
      const id = text(p, 'AccessKeyId', true);
      const user = need().userOfKey(id);
      if (!user) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
      // Never recorded here: AWS answers a key not used yet with N/A for both.
      return { UserName: user.UserName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
    },
    async CreatePolicy(p) {
      const policy = await need().createPolicy({
        PolicyName: named(p, 'PolicyName', POLICY_NAME),
        Path: pathOf(p),
        Description: text(p, 'Description'),
        Tags: tagsOf(p),
        Document: policyDocument(p, 'PolicyDocument'),
      });
      return { Policy: policyView(policy, 'create') };
    },
    GetPolicy(p) {
      return { Policy: policyView(need().policy(text(p, 'PolicyArn', true)), 'get') };
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
        Policies: page.map((policy) => policyView(policy, 'list')),
        ...rest,
      };
    },
  };

  return {
    name: 'iam',
    async start(serviceContext: ServiceContext) {
      context = serviceContext;
      store = new IamStore(serviceContext.dataDir);
    },
    reset() {
      return startOver(this, context);
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
      const result = await run(nestQuery(params), request);
      sendQueryResult(response, action, result === undefined ? undefined : result, XMLNS);
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendQueryError(response, error, XMLNS);
    },
  };
}
