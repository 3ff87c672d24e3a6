// What AWS answers for bucket operations, asked through boto3 (expected values from AWS-verified client
// tests): CreateBucket's LocationConstraint rules, bucket tags, logging, CORS deletion, HeadBucket.
import { describe, expect, it } from 'vitest';
import { noBoto3, runBoto3 } from '../../support/boto3.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { skipTitle } from '../../support/tools.js';

describe('S3 buckets as AWS answers them (boto3)', () => {
  const lc = useLocalCloud();
  const boto3 = (script: string) => runBoto3(lc().cloud.endpoint, script);

  it.skipIf(noBoto3)(
    skipTitle(
      'CreateBucket: LocationConstraint rules and codes in us-east-1 and elsewhere, BucketAlreadyOwnedByYou',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
east1, east2, west1, eu = client('us-east-1'), client('us-east-2'), client('us-west-1'), client('eu-west-1')
def constraint(c, name, value):
    return error(c.create_bucket, Bucket=name, CreateBucketConfiguration={'LocationConstraint': value})
out['east1Itself'] = without_headers(constraint(east1, 'lc-a', 'us-east-1'))
out['east1Invalid'] = without_headers(constraint(east1, 'lc-b', 'foo'))
made = east1.create_bucket(Bucket='lc-west2', CreateBucketConfiguration={'LocationConstraint': 'us-west-2'})
out['east1Elsewhere'] = [made['Location'], east1.get_bucket_location(Bucket='lc-west2')['LocationConstraint'],
    east1.head_bucket(Bucket='lc-west2')['BucketRegion']]
out['east2Unspecified'] = without_headers(error(east2.create_bucket, Bucket='lc-c'))
out['east2Mismatched'] = without_headers(constraint(east2, 'lc-d', 'us-west-1'))
out['west1East1'] = without_headers(constraint(west1, 'lc-e', 'us-east-1'))
out['euFromEast2'] = without_headers(constraint(east2, 'lc-f', 'EU'))
eu.create_bucket(Bucket='lc-eu', CreateBucketConfiguration={'LocationConstraint': 'EU'})
out['eu'] = [eu.get_bucket_location(Bucket='lc-eu')['LocationConstraint'],
    [b['BucketRegion'] for b in eu.list_buckets(Prefix='lc-eu')['Buckets']]]
west1.create_bucket(Bucket='lc-west1', CreateBucketConfiguration={'LocationConstraint': 'us-west-1'})
out['ownedElsewhere'] = [without_headers(constraint(east1, 'lc-west1', c)) for c in ['us-west-1', 'us-east-2']]
out['ownedInWest1'] = without_headers(constraint(west1, 'lc-west1', 'us-west-1'))
east1.create_bucket(Bucket='lc-east1')
again = east1.create_bucket(Bucket='lc-east1')
out['ownedInEast1'] = [status(again), again['Location']]
`);
      const illegal = (what: string) => ({
        Code: 'IllegalLocationConstraintException',
        Message: `The ${what} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        Status: 400,
      });
      const invalid = (constraint: string) => ({
        Code: 'InvalidLocationConstraint',
        Message: 'The specified location-constraint is not valid',
        LocationConstraint: constraint,
        Status: 400,
      });
      const owned = {
        Code: 'BucketAlreadyOwnedByYou',
        Message: 'Your previous request to create the named bucket succeeded and you already own it.',
        BucketName: 'lc-west1',
        Status: 409,
      };
      expect(out).toEqual({
        east1Itself: invalid('us-east-1'),
        east1Invalid: invalid('foo'),
        east1Elsewhere: ['http://lc-west2.s3.amazonaws.com/', 'us-west-2', 'us-west-2'],
        east2Unspecified: illegal('unspecified'),
        east2Mismatched: illegal('us-west-1'),
        west1East1: illegal('us-east-1'),
        euFromEast2: illegal('EU'),
        eu: ['EU', ['eu-west-1']],
        ownedElsewhere: [owned, owned],
        ownedInWest1: owned,
        ownedInEast1: [200, '/lc-east1'],
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'bucket tags: an empty TagSet removes them; limits and aws: keys refused in AWS words',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'bucket-tags'
s3.create_bucket(Bucket=b)
put = s3.put_bucket_tagging(Bucket=b, Tagging={'TagSet': [{'Key': 'TagOne', 'Value': 'ValueOne'}, {'Key': 'TagTwo', 'Value': ''}]})
out['put'] = [status(put), s3.get_bucket_tagging(Bucket=b)['TagSet']]
emptied = s3.put_bucket_tagging(Bucket=b, Tagging={'TagSet': []})
out['emptied'] = [status(emptied), without_headers(error(s3.get_bucket_tagging, Bucket=b))]
out['system'] = without_headers(error(s3.put_bucket_tagging, Bucket=b, Tagging={'TagSet': [{'Key': 'aws:sometag', 'Value': 'nope'}]}))
out['duplicate'] = without_headers(error(s3.put_bucket_tagging, Bucket=b,
    Tagging={'TagSet': [{'Key': 'TagOne', 'Value': 'a'}, {'Key': 'TagOne', 'Value': 'b'}]}))
out['tooMany'] = without_headers(error(s3.put_bucket_tagging, Bucket=b,
    Tagging={'TagSet': [{'Key': 'k%d' % i, 'Value': 'v'} for i in range(51)]}))
out['fifty'] = status(s3.put_bucket_tagging(Bucket=b, Tagging={'TagSet': [{'Key': 'k%d' % i, 'Value': 'v'} for i in range(50)]}))
out['notSystem'] = status(s3.put_bucket_tagging(Bucket=b, Tagging={'TagSet': [{'Key': 'something:aws:stuff', 'Value': 'this is fine'}]}))
`);
      expect(out).toEqual({
        put: [
          204,
          [
            { Key: 'TagOne', Value: 'ValueOne' },
            { Key: 'TagTwo', Value: '' },
          ],
        ],
        emptied: [
          204,
          {
            Code: 'NoSuchTagSet',
            Message: 'The TagSet does not exist',
            BucketName: 'bucket-tags',
            Status: 404,
          },
        ],
        system: {
          Code: 'InvalidTag',
          Message: 'System tags cannot be added/updated by requester',
          TagKey: 'aws:sometag',
          Status: 400,
        },
        duplicate: {
          Code: 'InvalidTag',
          Message: 'Cannot provide multiple Tags with the same key',
          TagKey: 'TagOne',
          Status: 400,
        },
        tooMany: { Code: 'BadRequest', Message: 'Bucket tag count cannot be greater than 50', Status: 400 },
        fifty: 204,
        notSystem: 204,
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'PutBucketLogging / GetBucketLogging: kept, turned off, refused for a missing or far target',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
east2 = client('us-east-2')
s3.create_bucket(Bucket='logged')
s3.create_bucket(Bucket='log-target')
s3.create_bucket(Bucket='log-west2', CreateBucketConfiguration={'LocationConstraint': 'us-west-2'})
east2.create_bucket(Bucket='logged-east2', CreateBucketConfiguration={'LocationConstraint': 'us-east-2'})
out['default'] = 'LoggingEnabled' in s3.get_bucket_logging(Bucket='logged')
status_doc = {'LoggingEnabled': {'TargetBucket': 'log-target', 'TargetPrefix': 'log',
    'TargetObjectKeyFormat': {'PartitionedPrefix': {'PartitionDateSource': 'EventTime'}}}}
out['put'] = status(s3.put_bucket_logging(Bucket='logged', BucketLoggingStatus=status_doc))
out['kept'] = s3.get_bucket_logging(Bucket='logged')['LoggingEnabled']
out['missingTarget'] = without_headers(error(s3.put_bucket_logging, Bucket='logged',
    BucketLoggingStatus={'LoggingEnabled': {'TargetBucket': 'no-such-target', 'TargetPrefix': ''}}))
out['crossFromEast1'] = without_headers(error(s3.put_bucket_logging, Bucket='logged',
    BucketLoggingStatus={'LoggingEnabled': {'TargetBucket': 'log-west2', 'TargetPrefix': 'log'}}))
out['crossFromEast2'] = without_headers(error(east2.put_bucket_logging, Bucket='logged-east2',
    BucketLoggingStatus={'LoggingEnabled': {'TargetBucket': 'log-west2', 'TargetPrefix': 'log'}}))
out['off'] = [status(s3.put_bucket_logging(Bucket='logged', BucketLoggingStatus={})),
    'LoggingEnabled' in s3.get_bucket_logging(Bucket='logged')]
`);
      expect(out).toEqual({
        default: false,
        put: 200,
        kept: {
          TargetBucket: 'log-target',
          TargetPrefix: 'log',
          TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
        },
        missingTarget: {
          Code: 'InvalidTargetBucketForLogging',
          Message: 'The target bucket for logging does not exist',
          TargetBucket: 'no-such-target',
          Status: 400,
        },
        crossFromEast1: {
          Code: 'CrossLocationLoggingProhibitted',
          Message: 'Cross S3 location logging not allowed. ',
          TargetBucketLocation: 'us-west-2',
          Status: 403,
        },
        crossFromEast2: {
          Code: 'CrossLocationLoggingProhibitted',
          Message: 'Cross S3 location logging not allowed. ',
          SourceBucketLocation: 'us-east-2',
          TargetBucketLocation: 'us-west-2',
          Status: 403,
        },
        off: [200, false],
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'DeleteBucketCors answers 204; HeadBucket answers application/xml with region and ARN',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'cors-and-head'
s3.create_bucket(Bucket=b)
s3.put_bucket_cors(Bucket=b, CORSConfiguration={'CORSRules': [{'AllowedMethods': ['GET'], 'AllowedOrigins': ['*']}]})
out['deleted'] = status(s3.delete_bucket_cors(Bucket=b))
out['gone'] = without_headers(error(s3.get_bucket_cors, Bucket=b))
out['deletedAgain'] = status(s3.delete_bucket_cors(Bucket=b))
head = s3.head_bucket(Bucket=b)
h = headers(head)
out['head'] = [h.get('content-type'), h.get('x-amz-bucket-region'), h.get('x-amz-bucket-arn'), head['AccessPointAlias']]
out['missing'] = without_headers(error(s3.head_bucket, Bucket='no-such-bucket-here'))
`);
      expect(out).toEqual({
        deleted: 204,
        gone: {
          Code: 'NoSuchCORSConfiguration',
          Message: 'The CORS configuration does not exist',
          BucketName: 'cors-and-head',
          Status: 404,
        },
        deletedAgain: 204,
        head: ['application/xml', 'us-east-1', 'arn:aws:s3:::cors-and-head', false],
        missing: { Code: '404', Message: 'Not Found', Status: 404 },
      });
    },
  );
});
