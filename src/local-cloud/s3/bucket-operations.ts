// Bucket operations the edge answers itself: s3rver has no bucket configurations, no regions and no
// HeadBucket, and answers CreateBucket/DeleteBucket with other codes and messages than S3's.

import { listVersions } from './backend-client.js';
import {
  encryptionXml,
  loggingXml,
  NEW_BUCKET_DEFAULTS,
  parseBucketLogging,
  parseEncryption,
  parseObjectOwnership,
  parseOwnershipControls,
  parsePublicAccessBlock,
  parseTagging,
  parseVersioning,
} from './bucket-config.js';
import { newBucketSettings } from './bucket-store.js';
import { backendPath, header, type Operation, type S3Backend, type S3Call, sendS3 } from './call.js';
import { noSuchBucket, notImplemented, S3Error } from './errors.js';
import { assertBucketName, bucketNameProblem } from './names.js';
import { OWNER } from './owner.js';
import { isPublicPolicy, validateBucketPolicy } from './policy.js';
import { child, children, parseXmlBody, S3_XMLNS, sendXml, text, xmlDocument } from './xml.js';

function bucketOf(call: S3Call): string {
  if (call.bucket === undefined) throw new S3Error('InvalidRequest', 'This operation needs a bucket name.');
  return call.bucket;
}

export async function bucketExists(backend: S3Backend, bucket: string): Promise<boolean> {
  const probe = await backend.upstream.fetch(
    'GET',
    backendPath(bucket, undefined, new URLSearchParams('location')),
  );
  return probe.status === 200;
}

/** The bucket's name, once it is known to exist. */
async function existing(call: S3Call, backend: S3Backend): Promise<string> {
  const bucket = bucketOf(call);
  if (!(await bucketExists(backend, bucket))) throw noSuchBucket(bucket);
  return bucket;
}

/** What CreateBucket and HeadBucket name a bucket by, since 2025. */
const bucketArn = (bucket: string) => ({ 'x-amz-bucket-arn': `arn:aws:s3:::${bucket}` });

function created(response: Parameters<Operation>[2], bucket: string, region: string): void {
  // us-east-1 answers with the bucket's path, other regions with its virtual-host-style URL.
  const location = region === 'us-east-1' ? `/${bucket}` : `http://${bucket}.s3.amazonaws.com/`;
  sendS3(response, 200, '', { Location: location, ...bucketArn(bucket) });
}

function locationConstraint(call: S3Call): string | undefined {
  if (call.payload.length === 0 || !call.payload.toString('utf8').trim()) return undefined;
  const configuration = parseXmlBody(call.payload, 'CreateBucketConfiguration');
  return text(configuration, 'LocationConstraint')?.trim() || undefined;
}

/** The LocationConstraint values S3 takes (its API's BucketLocationConstraint); "EU" is eu-west-1. */
const LOCATION_CONSTRAINTS = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'EU',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
]);

const illegalConstraint = (constraint: string | undefined) =>
  new S3Error(
    'IllegalLocationConstraintException',
    `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
  );

/**
 * The region (and constraint) a CreateBucket asks for, checked as S3 checks it: us-east-1's endpoint takes
 * any valid constraint but its own (the default is given by leaving it out); other regions' endpoints
 * take their own region only.
 */
function creationRegion(call: S3Call): { region: string; constraint?: string } {
  const endpointRegion = call.request.region;
  const constraint = locationConstraint(call);
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  if (endpointRegion === 'us-east-1') {
    if (constraint === undefined) return { region: 'us-east-1' };
    if (!LOCATION_CONSTRAINTS.has(constraint)) {
      throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
        LocationConstraint: constraint,
      });
    }
  } else if (constraint === undefined || region !== endpointRegion) {
    throw illegalConstraint(constraint);
  }
  return { region: region ?? endpointRegion, ...(constraint !== region ? { constraint } : {}) };
}

const createBucket: Operation = async (call, backend, response) => {
  const bucket = bucketOf(call);
  assertBucketName(bucket);
  const { region, constraint } = creationRegion(call);
  const ownershipHeader = header(call, 'x-amz-object-ownership');
  const ownership = ownershipHeader === undefined ? undefined : parseObjectOwnership(ownershipHeader);
  const acl = header(call, 'x-amz-acl');
  if ((ownership ?? NEW_BUCKET_DEFAULTS.ownership) === 'BucketOwnerEnforced' && acl && acl !== 'private') {
    throw new S3Error(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
  if (header(call, 'x-amz-bucket-object-lock-enabled')?.toLowerCase() === 'true') {
    throw notImplemented('Object Lock', 'create the bucket without Object Lock');
  }
  const alreadyOwned = () => {
    // us-east-1 answers a repeated create of your own bucket there with success, for legacy reasons.
    if (call.request.region === 'us-east-1' && backend.buckets.get(bucket).region === 'us-east-1') {
      return created(response, bucket, 'us-east-1');
    }
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    );
  };
  if (await bucketExists(backend, bucket)) return alreadyOwned();
  const made = await backend.upstream.fetch('PUT', backendPath(bucket));
  if (made.status === 409) return alreadyOwned(); // created concurrently
  if (made.status !== 200) throw new Error(`the S3 backend refused to create ${bucket} (${made.status})`);
  await backend.buckets.set(bucket, {
    ...newBucketSettings(region, ownership),
    ...(constraint ? { locationConstraint: constraint } : {}),
  });
  created(response, bucket, region);
};

const deleteBucket: Operation = async (call, backend, response) => {
  const bucket = bucketOf(call);
  // Every version and delete marker counts, as on S3.
  const listing = await listVersions(backend, bucket, {
    prefix: '',
    delimiter: '',
    keyMarker: '',
    versionIdMarker: '',
    maxKeys: 1,
  });
  if (!listing) throw noSuchBucket(bucket);
  if (listing.versions.length > 0) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      BucketName: bucket,
    });
  }
  const deleted = await backend.upstream.fetch('DELETE', backendPath(bucket));
  if (deleted.status === 404) throw noSuchBucket(bucket);
  if (deleted.status === 409) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      BucketName: bucket,
    });
  }
  if (deleted.status >= 300) throw new Error(`the S3 backend failed to delete ${bucket} (${deleted.status})`);
  await backend.buckets.remove(bucket);
  sendS3(response, 204);
};

const headBucket: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  sendS3(response, 200, '', {
    'Content-Type': 'application/xml',
    'x-amz-bucket-region': backend.buckets.get(bucket).region,
    'x-amz-access-point-alias': 'false',
    ...bucketArn(bucket),
  });
};

const getBucketLocation: Operation = async (call, backend, response) => {
  const { region, locationConstraint } = backend.buckets.get(await existing(call, backend));
  // us-east-1 buckets have an empty LocationConstraint; a bucket made with "EU" answers "EU".
  const inner = region === 'us-east-1' ? '' : (locationConstraint ?? region);
  sendXml(
    response,
    `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${inner}</LocationConstraint>`,
  );
};

const getBucketVersioning: Operation = async (call, backend, response) => {
  const { versioning } = backend.buckets.get(await existing(call, backend));
  sendXml(response, xmlDocument('VersioningConfiguration', { Status: versioning }));
};

// Once versioned, a bucket is Enabled or Suspended for good: it never returns to unversioned.
const putBucketVersioning: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { status, mfaDelete } = parseVersioning(call.payload);
  if (mfaDelete === 'Enabled') throw notImplemented('MFA delete', 'leave MfaDelete out or Disabled');
  if (status) await backend.buckets.update(bucket, (s) => ({ ...s, versioning: status }));
  sendS3(response, 200);
};

const putBucketPolicy: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const policy = call.payload.toString('utf8');
  const statements = validateBucketPolicy(policy, bucket);
  const settings = backend.buckets.get(bucket);
  if (settings.publicAccessBlock?.BlockPublicPolicy && isPublicPolicy(statements)) {
    throw new S3Error(
      'AccessDenied',
      "Access Denied: the policy allows public access, and the bucket's public access block (BlockPublicPolicy) forbids public policies.",
      403,
    );
  }
  await backend.buckets.update(bucket, (s) => ({ ...s, policy }));
  sendS3(response, 204);
};

const noSuchPolicy = (bucket: string) =>
  new S3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket });

const getBucketPolicy: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { policy } = backend.buckets.get(bucket);
  if (policy === undefined) throw noSuchPolicy(bucket);
  sendS3(response, 200, policy, { 'Content-Type': 'application/json' });
};

const getBucketPolicyStatus: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { policy } = backend.buckets.get(bucket);
  if (policy === undefined) throw noSuchPolicy(bucket);
  const isPublic = isPublicPolicy(validateBucketPolicy(policy, bucket));
  sendXml(response, xmlDocument('PolicyStatus', { IsPublic: isPublic }));
};

const deleteBucketPolicy: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  await backend.buckets.update(bucket, ({ policy: _removed, ...rest }) => rest);
  sendS3(response, 204);
};

const putPublicAccessBlock: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const publicAccessBlock = parsePublicAccessBlock(call.payload);
  await backend.buckets.update(bucket, (s) => ({ ...s, publicAccessBlock }));
  sendS3(response, 200);
};

const getPublicAccessBlock: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { publicAccessBlock } = backend.buckets.get(bucket);
  if (!publicAccessBlock) {
    throw new S3Error(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
      { BucketName: bucket },
    );
  }
  sendXml(response, xmlDocument('PublicAccessBlockConfiguration', { ...publicAccessBlock }));
};

const deletePublicAccessBlock: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  await backend.buckets.update(bucket, ({ publicAccessBlock: _removed, ...rest }) => rest);
  sendS3(response, 204);
};

const putBucketEncryption: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const encryption = parseEncryption(call.payload);
  await backend.buckets.update(bucket, (s) => ({ ...s, encryption }));
  sendS3(response, 200);
};

const getBucketEncryption: Operation = async (call, backend, response) => {
  const { encryption } = backend.buckets.get(await existing(call, backend));
  sendXml(response, xmlDocument('ServerSideEncryptionConfiguration', encryptionXml(encryption)));
};

// Since 2023 every bucket is encrypted: deleting the configuration returns it to SSE-S3.
const deleteBucketEncryption: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  await backend.buckets.update(bucket, (s) => ({ ...s, encryption: { ...NEW_BUCKET_DEFAULTS.encryption } }));
  sendS3(response, 204);
};

const putBucketOwnershipControls: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const ownership = parseOwnershipControls(call.payload);
  await backend.buckets.update(bucket, (s) => ({ ...s, ownership }));
  sendS3(response, 200);
};

const getBucketOwnershipControls: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { ownership } = backend.buckets.get(bucket);
  if (!ownership) {
    throw new S3Error('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404, {
      BucketName: bucket,
    });
  }
  sendXml(response, xmlDocument('OwnershipControls', { Rule: { ObjectOwnership: ownership } }));
};

const deleteBucketOwnershipControls: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  await backend.buckets.update(bucket, ({ ownership: _removed, ...rest }) => rest);
  sendS3(response, 204);
};

const putBucketTagging: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const tags = parseTagging(call.payload, 'bucket');
  // An empty tag set removes the bucket's tags, as DeleteBucketTagging does.
  await backend.buckets.update(bucket, ({ tags: _old, ...rest }) => (tags.length ? { ...rest, tags } : rest));
  sendS3(response, 204);
};

const getBucketTagging: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const { tags } = backend.buckets.get(bucket);
  if (!tags) throw new S3Error('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket });
  sendXml(response, xmlDocument('Tagging', { TagSet: { Tag: tags } }));
};

const deleteBucketTagging: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  await backend.buckets.update(bucket, ({ tags: _removed, ...rest }) => rest);
  sendS3(response, 204);
};

const putBucketLogging: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const logging = parseBucketLogging(call.payload);
  if (logging) {
    const target = logging.TargetBucket;
    if (!(await bucketExists(backend, target))) {
      throw new S3Error(
        'InvalidTargetBucketForLogging',
        'The target bucket for logging does not exist',
        400,
        {
          TargetBucket: target,
        },
      );
    }
    const sourceRegion = backend.buckets.get(bucket).region;
    const targetRegion = backend.buckets.get(target).region;
    if (sourceRegion !== targetRegion) {
      throw new S3Error('CrossLocationLoggingProhibitted', 'Cross S3 location logging not allowed. ', 403, {
        ...(sourceRegion !== 'us-east-1' ? { SourceBucketLocation: sourceRegion } : {}),
        TargetBucketLocation: targetRegion,
      });
    }
    // S3 refuses TargetGrants when the target bucket enforces bucket ownership (ACLs disabled); its error
    // code and message for that are not known here, so the local cloud keeps the grants.
  }
  await backend.buckets.update(bucket, ({ logging: _old, ...rest }) =>
    logging ? { ...rest, logging } : rest,
  );
  sendS3(response, 200);
};

const getBucketLogging: Operation = async (call, backend, response) => {
  const { logging } = backend.buckets.get(await existing(call, backend));
  sendXml(
    response,
    xmlDocument('BucketLoggingStatus', logging ? { LoggingEnabled: loggingXml(logging) } : {}),
  );
};

// s3rver keeps the CORS configuration; S3 answers its deletion with 204.
const deleteBucketCors: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const deleted = await backend.upstream.fetch(
    'DELETE',
    backendPath(bucket, undefined, new URLSearchParams('cors')),
  );
  if (deleted.status >= 300)
    throw new Error(`the S3 backend failed to delete the CORS configuration of ${bucket}`);
  sendS3(response, 204);
};

const getBucketAcl: Operation = async (call, backend, response) => {
  await existing(call, backend);
  sendXml(
    response,
    xmlDocument('AccessControlPolicy', {
      Owner: OWNER,
      AccessControlList: {
        Grant: {
          Grantee: {
            '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
            '@xsi:type': 'CanonicalUser',
            ...OWNER,
          },
          Permission: 'FULL_CONTROL',
        },
      },
    }),
  );
};

const putBucketAcl: Operation = async (call, backend, response) => {
  const bucket = await existing(call, backend);
  const acl = header(call, 'x-amz-acl');
  const privateOnly = acl === 'private' || acl === 'bucket-owner-full-control';
  if (backend.buckets.get(bucket).ownership === 'BucketOwnerEnforced' && !privateOnly) {
    throw new S3Error('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
  // The owner always has full control; that is the only ACL the local cloud keeps.
  if (privateOnly) return sendS3(response, 200);
  throw notImplemented('bucket ACLs other than private', 'use a bucket policy instead');
};

const listBuckets: Operation = async (call, backend, response) => {
  const listed = await backend.upstream.fetch('GET', '/');
  if (listed.status !== 200) throw new Error(`the S3 backend failed to list buckets (${listed.status})`);
  const names = parseXmlBody(listed.body, 'ListAllMyBucketsResult');
  const prefix = call.query.get('prefix') ?? '';
  const regionFilter = call.query.get('bucket-region');
  const buckets = children(child(names, 'Buckets'), 'Bucket')
    .map((node) => {
      const name = text(node, 'Name') ?? '';
      return {
        Name: name,
        CreationDate: text(node, 'CreationDate'),
        BucketRegion: backend.buckets.get(name).region,
      };
    })
    // The backend's own folders (noncurrent versions) are no buckets: their names are not valid ones.
    .filter((b) => bucketNameProblem(b.Name) === undefined)
    .filter((b) => b.Name.startsWith(prefix) && (!regionFilter || b.BucketRegion === regionFilter))
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const after = call.query.get('continuation-token');
  const start = after ? Buffer.from(after, 'base64').toString('utf8') : '';
  const remaining = buckets.filter((b) => b.Name > start);
  const maxBuckets = Number(call.query.get('max-buckets') ?? 10000);
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1 || maxBuckets > 10000) {
    throw new S3Error('InvalidArgument', 'max-buckets must be an integer between 1 and 10000');
  }
  const page = remaining.slice(0, maxBuckets);
  const last = page[page.length - 1];
  sendXml(
    response,
    xmlDocument('ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: { Bucket: page },
      ...(remaining.length > page.length && last
        ? { ContinuationToken: Buffer.from(last.Name).toString('base64') }
        : {}),
      ...(prefix ? { Prefix: prefix } : {}),
    }),
  );
};

export const BUCKET_OPERATIONS: Record<string, Operation> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  PutBucketPolicy: putBucketPolicy,
  GetBucketPolicy: getBucketPolicy,
  GetBucketPolicyStatus: getBucketPolicyStatus,
  DeleteBucketPolicy: deleteBucketPolicy,
  PutPublicAccessBlock: putPublicAccessBlock,
  GetPublicAccessBlock: getPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  PutBucketEncryption: putBucketEncryption,
  GetBucketEncryption: getBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
  PutBucketOwnershipControls: putBucketOwnershipControls,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
  PutBucketTagging: putBucketTagging,
  GetBucketTagging: getBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  PutBucketLogging: putBucketLogging,
  GetBucketLogging: getBucketLogging,
  DeleteBucketCors: deleteBucketCors,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
};
