// Versioned buckets as AWS answers them, asked through boto3 (expected values from AWS-verified client
// tests): version ids on every write and read, delete markers, ListObjectVersions and its paging,
// suspended versioning's "null" version, and a versioned bucket kept across a restart.
import { describe, expect, it } from 'vitest';
import { noBoto3, runBoto3 } from '../../support/boto3.js';
import { startTestCloud, stopTestCloud, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { skipTitle } from '../../support/tools.js';

describe('S3 versioning as AWS answers it (boto3)', () => {
  const lc = useLocalCloud();
  const boto3 = (script: string) => runBoto3(lc().cloud.endpoint, script);

  it.skipIf(noBoto3)(
    skipTitle('PutBucketVersioning: Enabled and Suspended kept, anything else refused in AWS words', noBoto3),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'versioning-config'
s3.create_bucket(Bucket=b)
out['before'] = 'Status' in s3.get_bucket_versioning(Bucket=b)
out['enabled'] = [status(s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})),
    s3.get_bucket_versioning(Bucket=b)['Status']]
out['lowercase'] = without_headers(error(s3.put_bucket_versioning, Bucket=b, VersioningConfiguration={'Status': 'enabled'}))
out['empty'] = without_headers(error(s3.put_bucket_versioning, Bucket=b, VersioningConfiguration={}))
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Suspended'})
out['suspended'] = s3.get_bucket_versioning(Bucket=b)['Status']
`);
      expect(out).toEqual({
        before: false,
        enabled: [200, 'Enabled'],
        lowercase: {
          Code: 'MalformedXML',
          Message:
            'The XML you provided was not well-formed or did not validate against our published schema',
          Status: 400,
        },
        empty: {
          Code: 'IllegalVersioningConfigurationException',
          Message: 'The Versioning element must be specified',
          Status: 400,
        },
        suspended: 'Suspended',
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle('version ids on Put/Get/Head/Copy/Delete, delete markers, versions removed for good', noBoto3),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'versioned'
s3.create_bucket(Bucket=b)
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})
v1 = s3.put_object(Bucket=b, Key='k', Body=b'one')['VersionId']
v2 = s3.put_object(Bucket=b, Key='k', Body=b'two')['VersionId']
out['ids'] = [len(v1), v1 != v2, all(c.isalnum() or c in '._' for c in v1 + v2)]
got = s3.get_object(Bucket=b, Key='k')
out['latest'] = [got['Body'].read().decode(), got['VersionId'] == v2]
old = s3.get_object(Bucket=b, Key='k', VersionId=v1)
out['byVersion'] = [old['Body'].read().decode(), old['VersionId'] == v1, s3.head_object(Bucket=b, Key='k', VersionId=v1)['ContentLength']]
copied = s3.copy_object(Bucket=b, Key='copy', CopySource={'Bucket': b, 'Key': 'k', 'VersionId': v1})
out['copy'] = [copied['CopySourceVersionId'] == v1, len(copied['VersionId']), s3.get_object(Bucket=b, Key='copy')['Body'].read().decode()]

deleted = s3.delete_object(Bucket=b, Key='k')
marker = deleted['VersionId']
out['marker'] = [status(deleted), deleted['DeleteMarker'], marker not in (v1, v2)]
gone = error(s3.get_object, Bucket=b, Key='k')
out['getDeleted'] = [without_headers(gone), gone['Headers'].get('x-amz-delete-marker'), gone['Headers'].get('x-amz-version-id') == marker]
headGone = error(s3.head_object, Bucket=b, Key='k')
out['headDeleted'] = [headGone['Status'], headGone['Headers'].get('x-amz-delete-marker')]
byMarker = error(s3.get_object, Bucket=b, Key='k', VersionId=marker)
out['getMarker'] = [without_headers(byMarker), byMarker['Headers'].get('x-amz-delete-marker'), byMarker['Headers'].get('x-amz-version-id') == marker]
out['stillThere'] = s3.get_object(Bucket=b, Key='k', VersionId=v2)['Body'].read().decode()
out['listed'] = 'Contents' in s3.list_objects_v2(Bucket=b, Prefix='k')

undeleted = s3.delete_object(Bucket=b, Key='k', VersionId=marker)
out['markerRemoved'] = [undeleted['DeleteMarker'], undeleted['VersionId'] == marker, s3.get_object(Bucket=b, Key='k')['Body'].read().decode()]
removed = s3.delete_object(Bucket=b, Key='k', VersionId=v2)
out['versionRemoved'] = ['DeleteMarker' in removed, removed['VersionId'] == v2, s3.get_object(Bucket=b, Key='k')['Body'].read().decode()]
out['removedVersion'] = without_headers(error(s3.get_object, Bucket=b, Key='k', VersionId=v2))
out['badVersion'] = without_headers(error(s3.delete_object, Bucket=b, Key='k', VersionId='not-a-version-id'))
out['unknownKeyMarker'] = s3.delete_object(Bucket=b, Key='never-written')['DeleteMarker']
out['bucketNotEmpty'] = without_headers(error(s3.delete_bucket, Bucket=b))

# A bucket never versioned has the "null" version only.
s3.create_bucket(Bucket='plain')
s3.put_object(Bucket='plain', Key='k', Body=b'plain')
out['plainNull'] = s3.get_object(Bucket='plain', Key='k', VersionId='null')['Body'].read().decode()
out['plainOther'] = without_headers(error(s3.get_object, Bucket='plain', Key='k', VersionId='HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD'))
`);
      expect(out).toEqual({
        ids: [32, true, true],
        latest: ['two', true],
        byVersion: ['one', true, 3],
        copy: [true, 32, 'one'],
        marker: [204, true, true],
        getDeleted: [
          { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: 'k', Status: 404 },
          'true',
          true,
        ],
        headDeleted: [404, 'true'],
        getMarker: [
          {
            Code: 'MethodNotAllowed',
            Message: 'The specified method is not allowed against this resource.',
            Method: 'GET',
            ResourceType: 'DeleteMarker',
            Status: 405,
          },
          'true',
          true,
        ],
        stillThere: 'two',
        listed: false,
        markerRemoved: [true, true, 'two'],
        versionRemoved: [false, true, 'one'],
        removedVersion: {
          Code: 'NoSuchVersion',
          Message: 'The specified version does not exist.',
          Key: 'k',
          VersionId: expect.any(String),
          Status: 404,
        },
        badVersion: {
          Code: 'InvalidArgument',
          Message: 'Invalid version id specified',
          ArgumentName: 'versionId',
          ArgumentValue: 'not-a-version-id',
          Status: 400,
        },
        unknownKeyMarker: true,
        bucketNotEmpty: {
          Code: 'BucketNotEmpty',
          Message: 'The bucket you tried to delete is not empty',
          BucketName: 'versioned',
          Status: 409,
        },
        plainNull: 'plain',
        plainOther: {
          Code: 'InvalidArgument',
          Message: 'Invalid version id specified',
          ArgumentName: 'versionId',
          ArgumentValue: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD',
          Status: 400,
        },
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'ListObjectVersions pages versions and delete markers by KeyMarker/VersionIdMarker; DeleteObjects by version',
      noBoto3,
    ),
    { timeout: 180_000 },
    async () => {
      const out = await boto3(`
b = 'listed-versions'
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key='a', Body=b'before versioning')
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})
written = {}
for key in ['a', 'b', 'c/d', 'c/e']:
    for i in range(3):
        written.setdefault(key, []).append(s3.put_object(Bucket=b, Key=key, Body=('%s%d' % (key, i)).encode())['VersionId'])
markers = {key: s3.delete_object(Bucket=b, Key=key)['VersionId'] for key in ['b', 'c/e']}
everything = s3.list_object_versions(Bucket=b)
out['all'] = [(v['Key'], v['VersionId'] == 'null', v['IsLatest']) for v in everything['Versions']]
out['markers'] = [(m['Key'], m['VersionId'] == markers[m['Key']], m['IsLatest']) for m in everything['DeleteMarkers']]
out['newestFirst'] = [v['VersionId'] for v in everything['Versions'] if v['Key'] == 'b'] == list(reversed(written['b']))

seen = []
pages = 0
for page in s3.get_paginator('list_object_versions').paginate(Bucket=b, PaginationConfig={'PageSize': 2}):
    pages += 1
    seen += [(v['Key'], v['VersionId']) for v in page.get('Versions', []) + page.get('DeleteMarkers', [])]
out['paged'] = [pages, len(seen), len(set(seen))]
first = s3.list_object_versions(Bucket=b, MaxKeys=2)
out['firstPage'] = [first['IsTruncated'], first['NextKeyMarker'], first['NextVersionIdMarker'] == 'null' or len(first['NextVersionIdMarker']) == 32]
folders = s3.list_object_versions(Bucket=b, Delimiter='/')
out['folders'] = [p['Prefix'] for p in folders.get('CommonPrefixes', [])]

result = s3.delete_objects(Bucket=b, Delete={'Objects': [
    {'Key': 'a', 'VersionId': written['a'][0]},
    {'Key': 'b', 'VersionId': markers['b']},
    {'Key': 'c/d'},
    {'Key': 'a', 'VersionId': 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD'},
]})
out['deleted'] = sorted([(d['Key'], d.get('VersionId') is not None, d.get('DeleteMarker', False)) for d in result['Deleted']])
out['errors'] = [{k: e[k] for k in ('Key', 'Code', 'Message')} for e in result.get('Errors', [])]
out['bAgain'] = s3.get_object(Bucket=b, Key='b')['Body'].read().decode()
`);
      expect(out).toEqual({
        all: [
          ['a', false, true],
          ['a', false, false],
          ['a', false, false],
          ['a', true, false],
          ['b', false, false],
          ['b', false, false],
          ['b', false, false],
          ['c/d', false, true],
          ['c/d', false, false],
          ['c/d', false, false],
          ['c/e', false, false],
          ['c/e', false, false],
          ['c/e', false, false],
        ],
        markers: [
          ['b', true, true],
          ['c/e', true, true],
        ],
        newestFirst: true,
        paged: [8, 15, 15],
        firstPage: [true, 'a', true],
        folders: ['c/'],
        deleted: [
          ['a', true, false],
          ['b', true, true],
          ['c/d', false, true],
        ],
        errors: [{ Key: 'a', Code: 'NoSuchVersion', Message: 'The specified version does not exist.' }],
        bAgain: 'b2',
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'Suspended versioning: writes and deletes replace the "null" version, older versions stay',
      noBoto3,
    ),
    { timeout: 120_000 },
    async () => {
      const out = await boto3(`
b = 'suspended'
s3.create_bucket(Bucket=b)
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})
v1 = s3.put_object(Bucket=b, Key='k', Body=b'enabled')['VersionId']
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Suspended'})
put = s3.put_object(Bucket=b, Key='k', Body=b'suspended')
out['putAnswer'] = 'VersionId' in put
s3.put_object(Bucket=b, Key='k', Body=b'suspended again')
got = s3.get_object(Bucket=b, Key='k')
out['current'] = [got['Body'].read().decode(), got['VersionId']]
out['versions'] = [(v['VersionId'] == v1, v['VersionId'], v['IsLatest']) for v in s3.list_object_versions(Bucket=b)['Versions']]
deleted = s3.delete_object(Bucket=b, Key='k')
out['delete'] = [deleted['DeleteMarker'], deleted['VersionId']]
listed = s3.list_object_versions(Bucket=b)
out['afterDelete'] = [[(v['VersionId'] == v1, v['IsLatest']) for v in listed['Versions']],
    [(m['VersionId'], m['IsLatest']) for m in listed['DeleteMarkers']]]
`);
      expect(out).toEqual({
        putAnswer: false,
        current: ['suspended again', 'null'],
        versions: [
          [false, 'null', true],
          [true, expect.any(String), false],
        ],
        delete: [true, 'null'],
        afterDelete: [[[true, false]], [['null', true]]],
      });
    },
  );

  it.skipIf(noBoto3)(
    skipTitle('keeps versions, delete markers and the versioning status across a restart', noBoto3),
    { timeout: 240_000 },
    async () => {
      const dataDir = tempDir('versions-restart-');
      let fixture = await startTestCloud({ dataDir });
      try {
        const before = await runBoto3(
          fixture.cloud.endpoint,
          `
s3.create_bucket(Bucket='kept')
s3.put_bucket_versioning(Bucket='kept', VersioningConfiguration={'Status': 'Enabled'})
out['v1'] = s3.put_object(Bucket='kept', Key='k', Body=b'one')['VersionId']
out['v2'] = s3.put_object(Bucket='kept', Key='k', Body=b'two')['VersionId']
out['marker'] = s3.delete_object(Bucket='kept', Key='k')['VersionId']
`,
        );
        await stopTestCloud(fixture, { keepData: true });
        fixture = await startTestCloud({ dataDir });
        const after = await runBoto3(
          fixture.cloud.endpoint,
          `
listed = s3.list_object_versions(Bucket='kept')
out['versions'] = [v['VersionId'] for v in listed['Versions']]
out['markers'] = [m['VersionId'] for m in listed['DeleteMarkers']]
out['status'] = s3.get_bucket_versioning(Bucket='kept')['Status']
out['v1'] = s3.get_object(Bucket='kept', Key='k', VersionId='${before.v1}')['Body'].read().decode()
out['current'] = error(s3.get_object, Bucket='kept', Key='k')['Code']
`,
        );
        expect(after).toEqual({
          versions: [before.v2, before.v1],
          markers: [before.marker],
          status: 'Enabled',
          v1: 'one',
          current: 'NoSuchKey',
        });
      } finally {
        await stopTestCloud(fixture);
      }
    },
  );
});
