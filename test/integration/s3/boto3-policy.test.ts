// Bucket policies enforced for the caller, asked through boto3: a Deny matching the request's action,
// resource and conditions refuses it with 403 AccessDenied in S3's words; what it does not match goes
// through; the account's root keeps the policy itself in hand.
import { describe, expect, it } from 'vitest';
import { noBoto3, runBoto3 } from '../../support/boto3.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { skipTitle } from '../../support/tools.js';

const ROOT = 'arn:aws:iam::000000000000:root';

describe('S3 bucket policies enforced (boto3)', () => {
  const lc = useLocalCloud();
  const boto3 = (script: string) => runBoto3(lc().cloud.endpoint, script);

  it.skipIf(noBoto3)(
    skipTitle('a Deny refuses what it matches (action, resource, conditions), and only that', noBoto3),
    { timeout: 180_000 },
    async () => {
      const out = await boto3(`
b = 'guarded'
s3.create_bucket(Bucket=b)
for key in ['keep', 'a', 'b', 'secret/x', 'public/y']:
    s3.put_object(Bucket=b, Key=key, Body=b'data')
def policy(*statements):
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps({'Version': '2012-10-17', 'Statement': list(statements)}))
def deny(action, resource, condition=None, principal='*'):
    statement = {'Effect': 'Deny', 'Principal': principal, 'Action': action, 'Resource': resource}
    if condition:
        statement['Condition'] = condition
    return statement
objects = 'arn:aws:s3:::%s/*' % b

policy(deny('s3:DeleteObject', objects))
out['delete'] = without_headers(error(s3.delete_object, Bucket=b, Key='keep'))
result = boto3.resource('s3', endpoint_url=ENDPOINT, region_name='us-east-1').Bucket(b).objects.filter(Prefix='a').delete()
out['deleteObjects'] = [{k: e[k] for k in ('Key', 'Code')} for e in result[0]['Errors']]
out['getStillAllowed'] = s3.get_object(Bucket=b, Key='keep')['Body'].read().decode()

policy(deny('s3:PutObject', objects, {'StringNotEquals': {'s3:x-amz-server-side-encryption': 'aws:kms'}}))
out['putUnencrypted'] = error(s3.put_object, Bucket=b, Key='n', Body=b'x')['Code']
out['putKms'] = status(s3.put_object(Bucket=b, Key='n', Body=b'x', ServerSideEncryption='aws:kms'))

policy(deny('s3:GetObject', objects, {'IpAddress': {'aws:SourceIp': '127.0.0.0/8'}}))
out['fromLoopback'] = error(s3.get_object, Bucket=b, Key='keep')['Code']
out['head'] = without_headers(error(s3.head_object, Bucket=b, Key='keep'))
policy(deny('s3:GetObject', objects, {'NotIpAddress': {'aws:SourceIp': '127.0.0.0/8'}}))
out['notFromElsewhere'] = status(s3.get_object(Bucket=b, Key='keep'))

policy(deny('s3:ListBucket', 'arn:aws:s3:::%s' % b, {'StringLike': {'s3:prefix': 'secret/*'}}))
out['listSecret'] = error(s3.list_objects_v2, Bucket=b, Prefix='secret/')['Code']
out['listPublic'] = [o['Key'] for o in s3.list_objects_v2(Bucket=b, Prefix='public/')['Contents']]

policy(deny('s3:*', [objects, 'arn:aws:s3:::%s' % b], {'Bool': {'aws:SecureTransport': 'false'}}))
out['tlsOnly'] = [status(s3.put_object(Bucket=b, Key='t', Body=b'x')), status(s3.get_object(Bucket=b, Key='t')),
    s3.list_objects_v2(Bucket=b, Prefix='t')['KeyCount']]

policy(deny('s3:*', objects, principal={'AWS': 'arn:aws:iam::000000000000:role/someone-else'}))
out['otherPrincipal'] = status(s3.get_object(Bucket=b, Key='keep'))

policy(deny('s3:GetObject', 'arn:aws:s3:::%s/a*' % b), deny('s3:GetObject', 'arn:aws:s3:::%s/secret/*' % b))
out['byResource'] = [error(s3.get_object, Bucket=b, Key='secret/x')['Code'], status(s3.get_object(Bucket=b, Key='keep'))]

# Deny everything: the root user still reads and removes the policy, and then everything works again.
policy(deny('s3:*', ['arn:aws:s3:::%s' % b, objects]))
out['denyAll'] = [error(s3.get_object, Bucket=b, Key='keep')['Code'], error(s3.list_objects_v2, Bucket=b)['Code'],
    error(s3.put_bucket_tagging, Bucket=b, Tagging={'TagSet': []})['Code'], error(s3.delete_bucket, Bucket=b)['Code']]
out['rootKeepsPolicy'] = ['Deny' in s3.get_bucket_policy(Bucket=b)['Policy'], status(s3.delete_bucket_policy(Bucket=b))]
out['afterRemoval'] = status(s3.get_object(Bucket=b, Key='keep'))

# A copy needs s3:GetObject on its source, under the source bucket's policy.
s3.create_bucket(Bucket='copy-target')
policy(deny('s3:GetObject', objects))
out['copyFromDenied'] = error(s3.copy_object, Bucket='copy-target', Key='c', CopySource={'Bucket': b, 'Key': 'keep'})['Code']
s3.delete_bucket_policy(Bucket=b)
out['copyAllowed'] = status(s3.copy_object(Bucket='copy-target', Key='c', CopySource={'Bucket': b, 'Key': 'keep'}))
`);
      expect(out).toEqual({
        delete: {
          Code: 'AccessDenied',
          Message: `User: ${ROOT} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::guarded/keep" with an explicit deny in a resource-based policy`,
          Status: 403,
        },
        deleteObjects: [{ Key: 'a', Code: 'AccessDenied' }],
        getStillAllowed: 'data',
        putUnencrypted: 'AccessDenied',
        putKms: 200,
        fromLoopback: 'AccessDenied',
        head: { Code: '403', Message: 'Forbidden', Status: 403 },
        notFromElsewhere: 200,
        listSecret: 'AccessDenied',
        listPublic: ['public/y'],
        tlsOnly: [200, 200, 1],
        otherPrincipal: 200,
        byResource: ['AccessDenied', 200],
        denyAll: ['AccessDenied', 'AccessDenied', 'AccessDenied', 'AccessDenied'],
        rootKeepsPolicy: [true, 204],
        afterRemoval: 200,
        copyFromDenied: 'AccessDenied',
        copyAllowed: 200,
      });
    },
  );
});
