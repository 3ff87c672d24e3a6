// IAM's model: roles and users with their inline and attached policies and permissions boundaries, users'
// access keys, and customer managed policies with versions. Stored so templates and tools can create and
// read them; nothing here is enforced (the local cloud accepts any credentials).
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { JsonState } from '../state.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface RoleRecord {
  RoleName: string;
  RoleId: string;
  Path: string;
  Arn: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  /** Whether CreateRole was given MaxSessionDuration (AWS's CreateRole answer leaves it out otherwise). */
  maxSessionGiven?: boolean;
  /** The managed policy ARN that bounds the role's permissions. */
  PermissionsBoundary?: string;
  Tags: Tag[];
  /** Inline policies by name. */
  inline: Record<string, string>;
  /** ARNs of attached managed policies. */
  attached: string[];
}

/** An access key's public part; the secret is handed out once by CreateAccessKey and never kept. */
export interface AccessKeyRecord {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
}

export interface UserRecord {
  UserName: string;
  UserId: string;
  Path: string;
  Arn: string;
  CreateDate: string;
  PermissionsBoundary?: string;
  Tags: Tag[];
  inline: Record<string, string>;
  attached: string[];
  accessKeys: AccessKeyRecord[];
}

export interface PolicyVersion {
  VersionId: string;
  Document: string;
  CreateDate: string;
}

export interface PolicyRecord {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: string;
  UpdateDate: string;
  DefaultVersionId: string;
  Tags: Tag[];
  versions: PolicyVersion[];
  nextVersion: number;
}

interface IamState {
  roles: Record<string, RoleRecord>;
  policies: Record<string, PolicyRecord>;
  /** Absent in data dirs from before users. */
  users?: Record<string, UserRecord>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An IAM unique id: a type prefix (AROA role, ANPA policy, AIDA user: 17 characters after it; AKIA access
 * key: 16), as AWS shapes them.
 */
export function uniqueId(prefix: 'AROA' | 'ANPA' | 'AIDA' | 'AKIA'): string {
  let id = prefix;
  const length = prefix === 'AKIA' ? 16 : 17;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export function noSuchEntity(message: string): ServiceError {
  return new ServiceError('NoSuchEntity', message, 404);
}

/** AWS managed policies exist in every account; the local cloud knows them by their ARN's shape. */
export function isAwsManaged(arn: string): boolean {
  return /^arn:aws:iam::aws:policy\/.+/.test(arn);
}

export class IamStore {
  private readonly state: JsonState<IamState>;

  constructor(dataDir: string) {
    this.state = new JsonState<IamState>(join(dataDir, 'iam.json'), { roles: {}, policies: {} });
  }

  roles(): RoleRecord[] {
    return Object.values(this.state.get().roles).sort((a, b) => (a.RoleName < b.RoleName ? -1 : 1));
  }

  policies(): PolicyRecord[] {
    return Object.values(this.state.get().policies).sort((a, b) => (a.PolicyName < b.PolicyName ? -1 : 1));
  }

  role(name: string): RoleRecord {
    const role = this.state.get().roles[name];
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }

  policy(arn: string): PolicyRecord {
    const policy = this.state.get().policies[arn];
    if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return policy;
  }

  users(): UserRecord[] {
    return Object.values(this.state.get().users ?? {}).sort((a, b) => (a.UserName < b.UserName ? -1 : 1));
  }

  user(name: string): UserRecord {
    const user = this.state.get().users?.[name];
    if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
    return user;
  }

  /** The user an access key belongs to, if it is one of the keys CreateAccessKey made. */
  userOfKey(accessKeyId: string): UserRecord | undefined {
    return this.users().find((u) => u.accessKeys.some((k) => k.AccessKeyId === accessKeyId));
  }

  hasPolicy(arn: string): boolean {
    return this.state.get().policies[arn] !== undefined;
  }

  attachmentCount(arn: string): number {
    return [...this.roles(), ...this.users()].filter((r) => r.attached.includes(arn)).length;
  }

  boundaryCount(arn: string): number {
    return [...this.roles(), ...this.users()].filter((r) => r.PermissionsBoundary === arn).length;
  }

  async createUser(input: Pick<UserRecord, 'UserName' | 'Path' | 'PermissionsBoundary' | 'Tags'>) {
    if (this.state.get().users?.[input.UserName]) {
      throw new ServiceError('EntityAlreadyExists', `User with name ${input.UserName} already exists.`, 409);
    }
    const user: UserRecord = {
      ...input,
      UserId: uniqueId('AIDA'),
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user${input.Path}${input.UserName}`,
      CreateDate: new Date().toISOString(),
      inline: {},
      attached: [],
      accessKeys: [],
    };
    await this.putUser(user);
    return user;
  }

  async putUser(user: UserRecord): Promise<void> {
    await this.state.update((s) => ({ ...s, users: { ...s.users, [user.UserName]: user } }));
  }

  async changeUser(name: string, apply: (user: UserRecord) => UserRecord): Promise<UserRecord> {
    const next = apply(this.user(name));
    await this.putUser(next);
    return next;
  }

  async deleteUser(name: string): Promise<void> {
    this.user(name);
    await this.state.update((s) => {
      const { [name]: _, ...users } = s.users ?? {};
      return { ...s, users };
    });
  }

  async putRole(role: RoleRecord): Promise<void> {
    await this.state.update((s) => ({ ...s, roles: { ...s.roles, [role.RoleName]: role } }));
  }

  async changeRole(name: string, apply: (role: RoleRecord) => RoleRecord): Promise<RoleRecord> {
    const next = apply(this.role(name));
    await this.putRole(next);
    return next;
  }

  async deleteRole(name: string): Promise<void> {
    this.role(name);
    await this.state.update((s) => {
      const { [name]: _, ...roles } = s.roles;
      return { ...s, roles };
    });
  }

  async createRole(input: Omit<RoleRecord, 'RoleId' | 'Arn' | 'CreateDate' | 'inline' | 'attached'>) {
    if (this.state.get().roles[input.RoleName]) {
      throw new ServiceError('EntityAlreadyExists', `Role with name ${input.RoleName} already exists.`, 409);
    }
    const role: RoleRecord = {
      ...input,
      RoleId: uniqueId('AROA'),
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${input.Path}${input.RoleName}`,
      CreateDate: new Date().toISOString(),
      inline: {},
      attached: [],
    };
    await this.putRole(role);
    return role;
  }

  async createPolicy(input: {
    PolicyName: string;
    Path: string;
    Description?: string;
    Tags: Tag[];
    Document: string;
  }) {
    const arn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy${input.Path}${input.PolicyName}`;
    if (this.state.get().policies[arn]) {
      throw new ServiceError(
        'EntityAlreadyExists',
        `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`,
        409,
      );
    }
    const now = new Date().toISOString();
    const policy: PolicyRecord = {
      PolicyName: input.PolicyName,
      PolicyId: uniqueId('ANPA'),
      Arn: arn,
      Path: input.Path,
      ...(input.Description ? { Description: input.Description } : {}),
      CreateDate: now,
      UpdateDate: now,
      DefaultVersionId: 'v1',
      Tags: input.Tags,
      versions: [{ VersionId: 'v1', Document: input.Document, CreateDate: now }],
      nextVersion: 2,
    };
    await this.putPolicy(policy);
    return policy;
  }

  async putPolicy(policy: PolicyRecord): Promise<void> {
    await this.state.update((s) => ({ ...s, policies: { ...s.policies, [policy.Arn]: policy } }));
  }

  async deletePolicy(arn: string): Promise<void> {
    this.policy(arn);
    if (this.attachmentCount(arn) > 0) {
      throw new ServiceError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
    }
    await this.state.update((s) => {
      const { [arn]: _, ...policies } = s.policies;
      return { ...s, policies };
    });
  }
}
