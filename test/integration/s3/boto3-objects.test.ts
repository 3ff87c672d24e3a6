// What AWS answers for object operations, asked through boto3 (expected values from AWS-verified client
// tests and AWS's own API reference): GetObjectAttributes, conditional writes, repeated multipart
// completion, partNumber reads, ranges, object tags.
import { describe, expect, it } from 'vitest';
import { noBoto3, runBoto3 } from '../../support/boto3.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { skipTitle } from '../../support/tools.js';

const FIVE_MIB = 5 * 1024 * 1024;

describe('S3 objects as AWS answers them (boto3)', () => {
  const lc = useLocalCloud();
  const boto3 = (script: string) => runBoto3(lc().cloud.endpoint, script);

  it.skipIf(noBoto3)(
    skipTitle(
      'GetObjectAttributes: ETag, checksum, size, storage class, parts of a multipart object',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'attributes'
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key='data.txt', Body=b'69\\n420\\n', ChecksumAlgorithm='CRC32')
r = s3.get_object_attributes(Bucket=b, Key='data.txt',
    ObjectAttributes=['StorageClass', 'ETag', 'ObjectSize', 'ObjectParts', 'Checksum'])
out['single'] = {k: r.get(k) for k in ['ETag', 'ObjectSize', 'StorageClass', 'Checksum', 'ObjectParts', 'VersionId']}
out['lastModified'] = 'LastModified' in r
up = s3.create_multipart_upload(Bucket=b, Key='multi')['UploadId']
p1, p2 = b'a' * ${FIVE_MIB}, b'test content 123'
e1 = s3.upload_part(Bucket=b, Key='multi', UploadId=up, PartNumber=1, Body=p1)['ETag']
e2 = s3.upload_part(Bucket=b, Key='multi', UploadId=up, PartNumber=2, Body=p2)['ETag']
done = s3.complete_multipart_upload(Bucket=b, Key='multi', UploadId=up,
    MultipartUpload={'Parts': [{'ETag': e1, 'PartNumber': 1}, {'ETag': e2, 'PartNumber': 2}]})
expected = hashlib.md5(hashlib.md5(p1).digest() + hashlib.md5(p2).digest()).hexdigest() + '-2'
out['multipartEtag'] = done['ETag'] == '"%s"' % expected
r = s3.get_object_attributes(Bucket=b, Key='multi', ObjectAttributes=['ETag', 'ObjectSize', 'ObjectParts'], MaxParts=3)
out['multi'] = {k: r.get(k) for k in ['ETag', 'ObjectSize', 'ObjectParts']}
out['multiEtag'] = r['ETag'] == expected
out['missing'] = without_headers(error(s3.get_object_attributes, Bucket=b, Key='nope', ObjectAttributes=['ETag']))
`);
      expect(out).toEqual({
        single: {
          ETag: 'e92499db864217242396e8ef766079a9',
          ObjectSize: 7,
          StorageClass: 'STANDARD',
          Checksum: { ChecksumCRC32: 'WC+ANw==', ChecksumType: 'FULL_OBJECT' },
          ObjectParts: null,
          VersionId: null,
        },
        lastModified: true,
        multipartEtag: true,
        multi: {
          ETag: expect.stringMatching(/^[0-9a-f]{32}-2$/),
          ObjectSize: FIVE_MIB + 16,
          ObjectParts: { TotalPartsCount: 2 },
        },
        multiEtag: true,
        missing: {
          Code: 'NoSuchKey',
          Message: 'The specified key does not exist.',
          Key: 'nope',
          Status: 404,
        },
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'conditional PutObject and DeleteObject: If-None-Match, If-Match (quoted or not, ETag or *), size and time',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'conditions'
s3.create_bucket(Bucket=b)
out['created'] = status(s3.put_object(Bucket=b, Key='k', Body=b'test', IfNoneMatch='*'))
out['exists'] = without_headers(error(s3.put_object, Bucket=b, Key='k', Body=b'x', IfNoneMatch='*'))
etag = s3.head_object(Bucket=b, Key='k')['ETag']
out['otherEtag'] = without_headers(error(s3.put_object, Bucket=b, Key='k', Body=b'x',
    IfMatch='"d41d8cd98f00b204e9800998ecf8427e"'))
etag2 = s3.put_object(Bucket=b, Key='k', Body=b'test2', IfMatch=etag)['ETag']
etag3 = s3.put_object(Bucket=b, Key='k', Body=b'test3', IfMatch=etag2.replace('"', ''))['ETag']
s3.put_object(Bucket=b, Key='k', Body=b'test4', IfMatch=etag3[1:])
out['body'] = s3.get_object(Bucket=b, Key='k')['Body'].read().decode()
out['unknownKey'] = without_headers(error(s3.put_object, Bucket=b, Key='unknown', Body=b'x', IfMatch='test'))
now = s3.head_object(Bucket=b, Key='k')['ETag']
out['etagAsNoneMatch'] = without_headers(error(s3.put_object, Bucket=b, Key='k', Body=b'x', IfNoneMatch=now))
out['otherEtagAsNoneMatch'] = status(s3.put_object(Bucket=b, Key='k', Body=b'test5', IfNoneMatch=etag))
out['starAsMatch'] = status(s3.put_object(Bucket=b, Key='k', Body=b'test6', IfMatch='*'))
out['starAsMatchUnknown'] = without_headers(error(s3.put_object, Bucket=b, Key='unknown', Body=b'x', IfMatch='*'))
out['both'] = without_headers(error(s3.put_object, Bucket=b, Key='k', Body=b'x', IfMatch=etag, IfNoneMatch='*'))
head = s3.head_object(Bucket=b, Key='k')
current = head['ETag']
out['deleteOtherSize'] = without_headers(error(s3.delete_object, Bucket=b, Key='k', IfMatchSize=99))
out['deleteOtherTime'] = without_headers(error(s3.delete_object, Bucket=b, Key='k',
    IfMatchLastModifiedTime=head['LastModified'] - __import__('datetime').timedelta(seconds=5)))
out['deleteOther'] = without_headers(error(s3.delete_object, Bucket=b, Key='k', IfMatch='test'))
out['deleteUnknown'] = without_headers(error(s3.delete_object, Bucket=b, Key='unknown', IfMatch='test'))
out['deleteMatching'] = status(s3.delete_object(Bucket=b, Key='k', IfMatch=current.replace('"', '')))
out['deleted'] = error(s3.head_object, Bucket=b, Key='k')['Status']

# Many writers, one If-None-Match each: exactly one creates the key, every other is refused.
import threading
results = []
def create(i):
    try:
        client().put_object(Bucket=b, Key='race', Body=str(i).encode(), IfNoneMatch='*')
        results.append('created')
    except ClientError as e:
        results.append(e.response['Error']['Code'])
threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
out['race'] = sorted(results)
`);
      const failed = (condition: string) => ({
        Code: 'PreconditionFailed',
        Message: 'At least one of the pre-conditions you specified did not hold',
        Condition: condition,
        Status: 412,
      });
      expect(out).toEqual({
        created: 200,
        exists: failed('If-None-Match'),
        otherEtag: failed('If-Match'),
        body: 'test4',
        unknownKey: {
          Code: 'NoSuchKey',
          Message: 'The specified key does not exist.',
          Key: 'unknown',
          Status: 404,
        },
        etagAsNoneMatch: failed('If-None-Match'),
        otherEtagAsNoneMatch: 200,
        starAsMatch: 200,
        starAsMatchUnknown: {
          Code: 'NoSuchKey',
          Message: 'The specified key does not exist.',
          Key: 'unknown',
          Status: 404,
        },
        both: failed('If-None-Match'),
        deleteOtherSize: failed('x-amz-if-match-size'),
        deleteOtherTime: failed('x-amz-if-match-last-modified-time'),
        deleteOther: failed('If-Match'),
        deleteUnknown: {
          Code: 'NoSuchKey',
          Message: 'The specified key does not exist.',
          Key: 'unknown',
          Status: 404,
        },
        deleteMatching: 204,
        deleted: 404,
        race: [
          'PreconditionFailed',
          'PreconditionFailed',
          'PreconditionFailed',
          'PreconditionFailed',
          'PreconditionFailed',
          'PreconditionFailed',
          'PreconditionFailed',
          'created',
        ],
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'conditional CompleteMultipartUpload (412, 409 after a delete), and a repeated completion answers 200',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'completions'
s3.create_bucket(Bucket=b)
def upload(key, body=b'test'):
    up = s3.create_multipart_upload(Bucket=b, Key=key)['UploadId']
    part = s3.upload_part(Bucket=b, Key=key, UploadId=up, PartNumber=1, Body=body)
    return up, {'Parts': [{'ETag': part['ETag'], 'PartNumber': 1}]}
s3.put_object(Bucket=b, Key='m', Body=b'existing')
up, parts = upload('m')
out['exists'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='m', UploadId=up,
    MultipartUpload=parts, IfNoneMatch='*'))
s3.delete_object(Bucket=b, Key='m')
out['deletedSinceStart'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='m', UploadId=up,
    MultipartUpload=parts, IfNoneMatch='*'))
put = s3.put_object(Bucket=b, Key='n', Body=b'one')
up2, parts2 = upload('n')
s3.put_object(Bucket=b, Key='n', Body=b'two')
two = s3.head_object(Bucket=b, Key='n')['ETag']
out['matchOld'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='n', UploadId=up2,
    MultipartUpload=parts2, IfMatch=put['ETag']))
out['matchWrittenSinceStart'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='n', UploadId=up2,
    MultipartUpload=parts2, IfMatch=two))

up3, parts3 = upload('m')
done = s3.complete_multipart_upload(Bucket=b, Key='m', UploadId=up3, MultipartUpload=parts3, IfNoneMatch='*')
out['fresh'] = [status(done), done['ETag'] == '"%s-1"' % hashlib.md5(hashlib.md5(b'test').digest()).hexdigest()]
again = s3.complete_multipart_upload(Bucket=b, Key='m', UploadId=up3, MultipartUpload=parts3, IfNoneMatch='*')
out['repeated'] = [status(again), again['ETag'] == done['ETag']]
out['otherKey'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='other', UploadId=up3,
    MultipartUpload=parts3))
out['unknownUpload'] = without_headers(error(s3.complete_multipart_upload, Bucket=b, Key='m', UploadId='0123abcd',
    MultipartUpload=parts3))
`);
      const noSuchUpload = (uploadId: string) => ({
        Code: 'NoSuchUpload',
        Message:
          'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        UploadId: uploadId,
        Status: 404,
      });
      expect(out).toMatchObject({
        exists: { Code: 'PreconditionFailed', Condition: 'If-None-Match', Status: 412 },
        deletedSinceStart: {
          Code: 'ConditionalRequestConflict',
          Message:
            'The conditional request cannot succeed due to a conflicting operation against this resource.',
          Condition: 'If-None-Match',
          Key: 'm',
          Status: 409,
        },
        matchOld: { Code: 'PreconditionFailed', Condition: 'If-Match', Status: 412 },
        matchWrittenSinceStart: {
          Code: 'ConditionalRequestConflict',
          Condition: 'If-Match',
          Key: 'n',
          Status: 409,
        },
        fresh: [200, true],
        repeated: [200, true],
        otherKey: noSuchUpload(expect.any(String)),
        unknownUpload: noSuchUpload('0123abcd'),
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'GetObject/HeadObject by partNumber (206, Content-Range, parts count); invalid ranges ignored',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'parts'
s3.create_bucket(Bucket=b)
up = s3.create_multipart_upload(Bucket=b, Key='multi')['UploadId']
p1, p2 = b'a' * ${FIVE_MIB}, b'test content 123'
e1 = s3.upload_part(Bucket=b, Key='multi', UploadId=up, PartNumber=1, Body=p1)['ETag']
e2 = s3.upload_part(Bucket=b, Key='multi', UploadId=up, PartNumber=2, Body=p2)['ETag']
done = s3.complete_multipart_upload(Bucket=b, Key='multi', UploadId=up,
    MultipartUpload={'Parts': [{'ETag': e1, 'PartNumber': 1}, {'ETag': e2, 'PartNumber': 2}]})
head = s3.head_object(Bucket=b, Key='multi', PartNumber=2)
out['headPart'] = [status(head), head['ContentLength'], head['ContentRange'], head['PartsCount'], head['ETag'] == done['ETag']]
got = s3.get_object(Bucket=b, Key='multi', PartNumber=2)
out['getPart'] = [status(got), got['Body'].read().decode(), got['ContentRange'], got['PartsCount']]
out['noSuchPart'] = without_headers(error(s3.get_object, Bucket=b, Key='multi', PartNumber=10))
out['partAndRange'] = without_headers(error(s3.get_object, Bucket=b, Key='multi', PartNumber=2, Range='bytes=0-8'))
s3.put_object(Bucket=b, Key='single', Body=b'test-123')
out['singleNoPart2'] = without_headers(error(s3.get_object, Bucket=b, Key='single', PartNumber=2))
one = s3.get_object(Bucket=b, Key='single', PartNumber=1, ChecksumMode='ENABLED')
out['singlePart1'] = [status(one), one['Body'].read().decode(), one['ContentRange'], 'PartsCount' in one, 'ChecksumCRC32' in one]

s3.put_object(Bucket=b, Key='digits', Body=b'0123456789' * 10)
def ranged(r):
    got = s3.get_object(Bucket=b, Key='digits', Range=r)
    return [status(got), len(got['Body'].read()), got.get('ContentRange')]
out['ranges'] = {r: ranged(r) for r in ['bytes=1-0', 'bytes=0-1,3-4', 'bytes=-', 'bytes=-1-', 'bytes=0--1', 'bytes=50-54', 'bytes=-60', 'bytes=99-700']}
out['unsatisfiable'] = [without_headers(error(s3.get_object, Bucket=b, Key='digits', Range=r)) for r in ['bytes=-0', 'bytes=101-200']]
h = s3.head_object(Bucket=b, Key='digits', Range='bytes=1-0')
out['headIgnored'] = [headers(h)['content-length'], 'content-range' in headers(h)]
`);
      const invalidPart = (requested: string, actual: string) => ({
        Code: 'InvalidPartNumber',
        Message: 'The requested partnumber is not satisfiable',
        PartNumberRequested: requested,
        ActualPartCount: actual,
        Status: 416,
      });
      const invalidRange = (range: string) => ({
        Code: 'InvalidRange',
        Message: 'The requested range is not satisfiable',
        RangeRequested: range,
        ActualObjectSize: '100',
        Status: 416,
      });
      expect(out).toEqual({
        headPart: [206, 16, `bytes ${FIVE_MIB}-${FIVE_MIB + 15}/${FIVE_MIB + 16}`, 2, true],
        getPart: [206, 'test content 123', `bytes ${FIVE_MIB}-${FIVE_MIB + 15}/${FIVE_MIB + 16}`, 2],
        noSuchPart: invalidPart('10', '2'),
        partAndRange: {
          Code: 'InvalidRequest',
          Message: 'Cannot specify both Range header and partNumber query parameter',
          Status: 400,
        },
        singleNoPart2: invalidPart('2', '1'),
        singlePart1: [206, 'test-123', 'bytes 0-7/8', false, true],
        ranges: {
          'bytes=1-0': [200, 100, null],
          'bytes=0-1,3-4': [200, 100, null],
          'bytes=-': [200, 100, null],
          'bytes=-1-': [200, 100, null],
          'bytes=0--1': [200, 100, null],
          'bytes=50-54': [206, 5, 'bytes 50-54/100'],
          'bytes=-60': [206, 60, 'bytes 40-99/100'],
          'bytes=99-700': [206, 1, 'bytes 99-99/100'],
        },
        unsatisfiable: [invalidRange('bytes=-0'), invalidRange('bytes=101-200')],
        headIgnored: ['100', false],
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'object tags: TagCount on GetObject and HeadObject, limits and aws: keys refused in AWS words',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'object-tags'
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key='k', Body=b'test-tagging', Tagging='tag1=tag1&tag2=tag2&tag=')
out['created'] = [s3.head_object(Bucket=b, Key='k').get('TagCount'), s3.get_object(Bucket=b, Key='k').get('TagCount')]
s3.put_object_tagging(Bucket=b, Key='k', Tagging={'TagSet': [{'Key': 'tag3', 'Value': 'tag3'}]})
out['replaced'] = s3.get_object(Bucket=b, Key='k').get('TagCount')
deleted = s3.delete_object_tagging(Bucket=b, Key='k')
out['deleted'] = [status(deleted), s3.get_object_tagging(Bucket=b, Key='k')['TagSet'], s3.head_object(Bucket=b, Key='k').get('TagCount')]
s3.put_object(Bucket=b, Key='k', Body=b'overwritten')
out['overwritten'] = s3.get_object_tagging(Bucket=b, Key='k')['TagSet']
s3.put_object(Bucket=b, Key='unicode', Body=b'x', Tagging='%C3%A9quipe=donn%C3%A9es')
out['unicode'] = s3.get_object_tagging(Bucket=b, Key='unicode')['TagSet']
out['awsPrefix'] = without_headers(error(s3.put_object, Bucket=b, Key='k2', Body=b'x', Tagging='aws:foo=bar'))
out['tooMany'] = without_headers(error(s3.put_object_tagging, Bucket=b, Key='k',
    Tagging={'TagSet': [{'Key': 'tag%d' % i, 'Value': 'too_many'} for i in range(11)]}))
out['unknownKey'] = without_headers(error(s3.put_object_tagging, Bucket=b, Key='nope',
    Tagging={'TagSet': [{'Key': 'a', 'Value': 'b'}]}))
`);
      expect(out).toEqual({
        created: [3, 3],
        replaced: 1,
        deleted: [204, [], null],
        overwritten: [],
        unicode: [{ Key: 'équipe', Value: 'données' }],
        awsPrefix: {
          Code: 'InvalidTag',
          Message: 'Your TagKey cannot be prefixed with aws:',
          TagKey: 'aws:foo',
          Status: 400,
        },
        tooMany: { Code: 'BadRequest', Message: 'Object tags cannot be greater than 10', Status: 400 },
        unknownKey: {
          Code: 'NoSuchKey',
          Message: 'The specified key does not exist.',
          Key: 'nope',
          Status: 404,
        },
      });
    },
  );
});
