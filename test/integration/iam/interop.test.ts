// IAM through boto3, asserting what AWS answers: which fields each call carries (from tests run against
// AWS: moto's test_iam_response_attributes.py, LocalStack's IAM snapshots), permissions boundaries,
// users and their access keys (a tool creating a user for the producer), and the errors in AWS's words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { noBoto3, runBoto3 } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const ACCOUNT = '000000000000';

const IAM = `
iam = client('iam')
BOUNDARY = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': ['kinesis:PutRecord', 'kinesis:PutRecords'], 'Resource': '*'}]})
TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})

def keys_of(value):
    return sorted(value.keys())
`;

describe('IAM with boto3', () => {
  const lc = useLocalCloud();

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: CreateRole/GetRole with PermissionsBoundary, the fields each call answers, GetPolicy`s empty Tags',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${IAM}
boundary = iam.create_policy(PolicyName='producer-boundary', PolicyDocument=BOUNDARY)['Policy']
r = {'createdPolicyKeys': keys_of(boundary)}
bounded = iam.create_role(RoleName='bounded', AssumeRolePolicyDocument=TRUST, Path='/app/',
                          PermissionsBoundary=boundary['Arn'], Tags=[{'Key': 'team', 'Value': 'data'}])['Role']
r['createBounded'] = {'keys': keys_of(bounded), 'boundary': bounded['PermissionsBoundary']}
got = iam.get_role(RoleName='bounded')['Role']
r['getBounded'] = {'keys': keys_of(got), 'boundary': got['PermissionsBoundary'], 'tags': got['Tags']}
plain = iam.create_role(RoleName='plain', AssumeRolePolicyDocument=TRUST, Path='/app/')['Role']
r['createPlain'] = keys_of(plain)
r['getPlain'] = keys_of(iam.get_role(RoleName='plain')['Role'])
r['listed'] = [keys_of(role) for role in iam.list_roles(PathPrefix='/app/')['Roles']]
r['missingBoundary'] = err(iam.create_role, RoleName='nope', AssumeRolePolicyDocument=TRUST,
                           PermissionsBoundary='arn:aws:iam::${ACCOUNT}:policy/not-there')
r['awsManagedBoundary'] = iam.create_role(
    RoleName='aws-bounded', AssumeRolePolicyDocument=TRUST,
    PermissionsBoundary='arn:aws:iam::aws:policy/PowerUserAccess')['Role']['PermissionsBoundary']['PermissionsBoundaryArn']
iam.delete_role_permissions_boundary(RoleName='bounded')
r['afterDeleteBoundary'] = 'PermissionsBoundary' in iam.get_role(RoleName='bounded')['Role']
iam.put_role_permissions_boundary(RoleName='plain', PermissionsBoundary=boundary['Arn'])
r['afterPutBoundary'] = iam.get_role(RoleName='plain')['Role']['PermissionsBoundary']['PermissionsBoundaryArn']
policy = iam.get_policy(PolicyArn=boundary['Arn'])['Policy']
r['getPolicy'] = {'tags': policy['Tags'], 'hasDescription': 'Description' in policy,
                  'boundaryUses': policy['PermissionsBoundaryUsageCount']}
described = iam.create_policy(PolicyName='described', PolicyDocument=BOUNDARY, Description='d',
                              Tags=[{'Key': 'k', 'Value': 'v'}])['Policy']
r['createDescribed'] = {'hasDescription': 'Description' in described, 'tags': described['Tags']}
r['getDescribed'] = {k2: iam.get_policy(PolicyArn=described['Arn'])['Policy'].get(k2) for k2 in ('Description', 'Tags')}
r['listedPolicies'] = [sorted(set(keys_of(p)) & {'Description', 'Tags'}) for p in iam.list_policies(Scope='Local')['Policies']]
out(r)
`,
      );
      const boundary = {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/producer-boundary`,
      };
      expect(result.createdPolicyKeys).not.toContain('Description');
      const roleKeys = ['Arn', 'AssumeRolePolicyDocument', 'CreateDate', 'Path', 'RoleId', 'RoleName'];
      expect(result.createBounded).toEqual({
        keys: [...roleKeys, 'PermissionsBoundary', 'Tags'].sort(),
        boundary,
      });
      expect(result.getBounded).toEqual({
        keys: [...roleKeys, 'MaxSessionDuration', 'PermissionsBoundary', 'RoleLastUsed', 'Tags'].sort(),
        boundary,
        tags: [{ Key: 'team', Value: 'data' }],
      });
      // Without them, neither a boundary nor tags; CreateRole leaves MaxSessionDuration out (as AWS).
      expect(result.createPlain).toEqual(roleKeys);
      expect(result.getPlain).toEqual([...roleKeys, 'MaxSessionDuration', 'RoleLastUsed'].sort());
      // ListRoles never carries PermissionsBoundary, RoleLastUsed or Tags.
      expect(result.listed).toEqual([
        [...roleKeys, 'MaxSessionDuration'].sort(),
        [...roleKeys, 'MaxSessionDuration'].sort(),
      ]);
      expect(result.missingBoundary).toEqual({
        code: 'NoSuchEntity',
        message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/not-there does not exist or is not attachable.`,
        status: 404,
      });
      expect(result.awsManagedBoundary).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
      expect(result.afterDeleteBoundary).toBe(false);
      expect(result.afterPutBoundary).toBe(boundary.PermissionsBoundaryArn);
      expect(result.getPolicy).toEqual({ tags: [], hasDescription: false, boundaryUses: 1 });
      expect(result.createDescribed).toEqual({ hasDescription: false, tags: [{ Key: 'k', Value: 'v' }] });
      expect(result.getDescribed).toEqual({ Description: 'd', Tags: [{ Key: 'k', Value: 'v' }] });
      expect(result.listedPolicies).toEqual([[], []]);
    },
    120_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: a user for the producer: CreateUser/GetUser/ListUsers, a policy, access keys (secret once), DeleteUser`s conflicts',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${IAM}
boundary = iam.create_policy(PolicyName='user-boundary', PolicyDocument=BOUNDARY)['Policy']['Arn']
r = {}
created = iam.create_user(UserName='producer', Path='/apps/', PermissionsBoundary=boundary,
                          Tags=[{'Key': 'role', 'Value': 'producer'}])['User']
r['created'] = {k2: v for k2, v in created.items() if k2 != 'CreateDate'}
r['plain'] = keys_of(iam.create_user(UserName='plain-user')['User'])
r['got'] = keys_of(iam.get_user(UserName='producer')['User'])
r['listed'] = [keys_of(u) for u in iam.list_users()['Users']]
r['listedPrefix'] = [u['UserName'] for u in iam.list_users(PathPrefix='/apps/')['Users']]
r['again'] = err(iam.create_user, UserName='producer')
r['missing'] = err(iam.get_user, UserName='nobody')
iam.put_user_policy(UserName='producer', PolicyName='put-records', PolicyDocument=BOUNDARY)
iam.attach_user_policy(UserName='producer', PolicyArn='arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess')
first = iam.create_access_key(UserName='producer')['AccessKey']
second = iam.create_access_key(UserName='producer')['AccessKey']
r['key'] = {'keys': keys_of(first), 'status': first['Status'], 'user': first['UserName'],
            'id': first['AccessKeyId'], 'secretLength': len(first['SecretAccessKey'])}
r['secrets'] = [first['SecretAccessKey'], second['SecretAccessKey']]
r['third'] = err(iam.create_access_key, UserName='producer')
listed = iam.list_access_keys(UserName='producer')['AccessKeyMetadata']
r['listedKeys'] = [keys_of(k2) for k2 in listed]
r['secretListed'] = any('SecretAccessKey' in k2 for k2 in listed)
# Signed with the new key, the user is found without naming it (the key is not checked: any works).
as_producer = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1',
                           aws_access_key_id=first['AccessKeyId'], aws_secret_access_key=first['SecretAccessKey'])
r['whoAmI'] = as_producer.get_user()['User']['UserName']
r['ownKeys'] = len(as_producer.list_access_keys()['AccessKeyMetadata'])
r['lastUsed'] = iam.get_access_key_last_used(AccessKeyId=first['AccessKeyId'])['UserName']
iam.update_access_key(UserName='producer', AccessKeyId=first['AccessKeyId'], Status='Inactive')
r['statuses'] = [k2['Status'] for k2 in iam.list_access_keys(UserName='producer')['AccessKeyMetadata']]
r['badStatus'] = err(iam.update_access_key, UserName='producer', AccessKeyId=first['AccessKeyId'], Status='Paused')
r['unknownKey'] = err(iam.delete_access_key, UserName='producer', AccessKeyId='AKIAAAAAAAAAAAAAAAAA')
r['withKeys'] = err(iam.delete_user, UserName='producer')
iam.delete_access_key(UserName='producer', AccessKeyId=first['AccessKeyId'])
iam.delete_access_key(UserName='producer', AccessKeyId=second['AccessKeyId'])
r['withInline'] = err(iam.delete_user, UserName='producer')
r['inline'] = iam.list_user_policies(UserName='producer')['PolicyNames']
iam.delete_user_policy(UserName='producer', PolicyName='put-records')
r['withAttached'] = err(iam.delete_user, UserName='producer')
iam.detach_user_policy(UserName='producer', PolicyArn='arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess')
r['deleted'] = status(iam.delete_user(UserName='producer'))
r['gone'] = err(iam.get_user, UserName='producer')
r['deleteGone'] = err(iam.delete_user, UserName='producer')
out(r)
`,
      );
      expect(result.created).toEqual({
        Path: '/apps/',
        UserName: 'producer',
        UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
        Arn: `arn:aws:iam::${ACCOUNT}:user/apps/producer`,
        PermissionsBoundary: {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/user-boundary`,
        },
        Tags: [{ Key: 'role', Value: 'producer' }],
      });
      const userKeys = ['Arn', 'CreateDate', 'Path', 'UserId', 'UserName'];
      expect(result.plain).toEqual(userKeys);
      expect(result.got).toEqual([...userKeys, 'PermissionsBoundary', 'Tags'].sort());
      expect(result.listed).toEqual([userKeys, userKeys]);
      expect(result.listedPrefix).toEqual(['producer']);
      expect(result.again).toEqual({
        code: 'EntityAlreadyExists',
        message: 'User with name producer already exists.',
        status: 409,
      });
      expect(result.missing).toEqual({
        code: 'NoSuchEntity',
        message: 'The user with name nobody cannot be found.',
        status: 404,
      });
      expect(result.key).toEqual({
        keys: ['AccessKeyId', 'CreateDate', 'SecretAccessKey', 'Status', 'UserName'],
        status: 'Active',
        user: 'producer',
        id: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
        secretLength: 40,
      });
      expect(result.third).toEqual({
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for AccessKeysPerUser: 2',
        status: 409,
      });
      expect(result.listedKeys).toEqual([
        ['AccessKeyId', 'CreateDate', 'Status', 'UserName'],
        ['AccessKeyId', 'CreateDate', 'Status', 'UserName'],
      ]);
      expect(result.secretListed).toBe(false);
      // Handed out once: the local cloud keeps no secret, and its log never shows one.
      const secrets = result.secrets as string[];
      expect(secrets[0]).not.toBe(secrets[1]);
      const kept = [
        readFileSync(join(lc().dataDir, 'local-cloud.log'), 'utf8'),
        readFileSync(join(lc().dataDir, 'iam', 'iam.json'), 'utf8'),
      ].join('\n');
      for (const secret of secrets) expect(kept).not.toContain(secret);
      expect(result.whoAmI).toBe('producer');
      expect(result.ownKeys).toBe(2);
      expect(result.lastUsed).toBe('producer');
      expect(result.statuses).toEqual(['Inactive', 'Active']);
      expect(result.badStatus).toMatchObject({ code: 'ValidationError', status: 400 });
      expect(result.unknownKey).toEqual({
        code: 'NoSuchEntity',
        message: 'The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.',
        status: 404,
      });
      const conflict = (message: string) => ({ code: 'DeleteConflict', message, status: 409 });
      expect(result.withKeys).toEqual(conflict('Cannot delete entity, must delete access keys first.'));
      expect(result.withInline).toEqual(conflict('Cannot delete entity, must delete policies first.'));
      expect(result.inline).toEqual(['put-records']);
      expect(result.withAttached).toEqual(conflict('Cannot delete entity, must detach all policies first.'));
      expect(result.deleted).toBe(200);
      expect(result.gone).toMatchObject({ code: 'NoSuchEntity', status: 404 });
      expect(result.deleteGone).toMatchObject({ code: 'NoSuchEntity', status: 404 });
    },
    120_000,
  );
});
