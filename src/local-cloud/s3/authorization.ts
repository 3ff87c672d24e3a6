// Bucket policies enforced for the caller: each request is evaluated (iam/policy-evaluation.ts) against
// its bucket's policy as S3 names it (the IAM action, the bucket's or object's ARN, the condition keys S3
// gives), and an explicit Deny refuses it with 403 AccessDenied, as S3 words it. Every caller of the local
// cloud is the root user of its one account (as STS says): identity policies allow it everything, so only
// a bucket policy's Deny can refuse it, as on AWS for an account's root user.
//
// aws:SecureTransport is "true" for every request. The local cloud is plain HTTP on 127.0.0.1 only: the
// loopback stands in for the TLS connection every AWS SDK and CLI makes to AWS, and nothing else on the
// network can reach or read it. So a policy that requires TLS (the pipeline template denies
// aws:SecureTransport false, AWS's recommended guard) lets the pipeline, Firehose's writes included, through
// as it does on AWS, and a policy that denies TLS requests denies everything, as it would on AWS.
// s3:TlsVersion is absent (there is no TLS to have a version).
import {
  type Caller,
  type ContextValue,
  callerKeys,
  evaluatePolicies,
  type PolicyDocument,
  type RequestContext,
} from '../iam/policy-evaluation.js';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { parseTaggingHeader, type Tag } from './bucket-config.js';
import { header, type S3Backend, type S3Call } from './call.js';
import { S3Error } from './errors.js';
import { CANONICAL_USER_ID } from './owner.js';

export const LOCAL_CALLER: Caller = {
  arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
  account: LOCAL_ACCOUNT_ID,
  canonicalUserId: CANONICAL_USER_ID,
};

/** The IAM action of each bucket operation (S3 user guide, "Required permissions for S3 API operations"). */
const BUCKET_ACTIONS: Record<string, string> = {
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  ListObjectVersions: 's3:ListBucketVersions',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  DeleteBucket: 's3:DeleteBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  GetBucketPolicy: 's3:GetBucketPolicy',
  PutBucketPolicy: 's3:PutBucketPolicy',
  DeleteBucketPolicy: 's3:DeleteBucketPolicy',
  GetBucketPolicyStatus: 's3:GetBucketPolicyStatus',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  DeleteBucketEncryption: 's3:PutEncryptionConfiguration',
  GetBucketOwnershipControls: 's3:GetBucketOwnershipControls',
  PutBucketOwnershipControls: 's3:PutBucketOwnershipControls',
  DeleteBucketOwnershipControls: 's3:PutBucketOwnershipControls',
  GetBucketTagging: 's3:GetBucketTagging',
  PutBucketTagging: 's3:PutBucketTagging',
  DeleteBucketTagging: 's3:PutBucketTagging',
  GetBucketAcl: 's3:GetBucketAcl',
  PutBucketAcl: 's3:PutBucketAcl',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  DeleteBucketCors: 's3:PutBucketCORS',
  GetBucketWebsite: 's3:GetBucketWebsite',
  PutBucketWebsite: 's3:PutBucketWebsite',
  DeleteBucketWebsite: 's3:DeleteBucketWebsite',
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
  DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
  GetBucketNotificationConfiguration: 's3:GetBucketNotification',
  PutBucketNotificationConfiguration: 's3:PutBucketNotification',
  GetBucketLogging: 's3:GetBucketLogging',
  PutBucketLogging: 's3:PutBucketLogging',
  GetBucketReplication: 's3:GetReplicationConfiguration',
  PutBucketReplication: 's3:PutReplicationConfiguration',
  DeleteBucketReplication: 's3:PutReplicationConfiguration',
  GetObjectLockConfiguration: 's3:GetBucketObjectLockConfiguration',
  PutObjectLockConfiguration: 's3:PutBucketObjectLockConfiguration',
  GetBucketAccelerateConfiguration: 's3:GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 's3:PutAccelerateConfiguration',
  GetBucketRequestPayment: 's3:GetBucketRequestPayment',
  PutBucketRequestPayment: 's3:PutBucketRequestPayment',
};

/** The IAM action of each object operation, and of the same operation on a given version. */
const OBJECT_ACTIONS: Record<string, [string, string?]> = {
  GetObject: ['s3:GetObject', 's3:GetObjectVersion'],
  HeadObject: ['s3:GetObject', 's3:GetObjectVersion'],
  SelectObjectContent: ['s3:GetObject'],
  GetObjectAttributes: ['s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
  PutObject: ['s3:PutObject'],
  CopyObject: ['s3:PutObject'],
  CreateMultipartUpload: ['s3:PutObject'],
  UploadPart: ['s3:PutObject'],
  UploadPartCopy: ['s3:PutObject'],
  CompleteMultipartUpload: ['s3:PutObject'],
  AbortMultipartUpload: ['s3:AbortMultipartUpload'],
  ListParts: ['s3:ListMultipartUploadParts'],
  DeleteObject: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  GetObjectTagging: ['s3:GetObjectTagging', 's3:GetObjectVersionTagging'],
  PutObjectTagging: ['s3:PutObjectTagging', 's3:PutObjectVersionTagging'],
  DeleteObjectTagging: ['s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'],
  GetObjectAcl: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  PutObjectAcl: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
  GetObjectRetention: ['s3:GetObjectRetention'],
  PutObjectRetention: ['s3:PutObjectRetention'],
  GetObjectLegalHold: ['s3:GetObjectLegalHold'],
  PutObjectLegalHold: ['s3:PutObjectLegalHold'],
  RestoreObject: ['s3:RestoreObject'],
};

/** The root user of the bucket's account can always read, replace and delete its policy (a Deny aside). */
const OWNER_KEEPS = new Set(['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy']);

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** The action and resource S3 authorizes an operation as; undefined for what no bucket policy governs. */
export function authorizedAs(call: S3Call): { action: string; resource: string } | undefined {
  const bucket = call.bucket;
  if (bucket === undefined) return undefined; // ListBuckets
  const bucketAction = BUCKET_ACTIONS[call.operation];
  if (bucketAction) return { action: bucketAction, resource: `arn:aws:s3:::${bucket}` };
  const actions = OBJECT_ACTIONS[call.operation];
  if (!actions || call.key === undefined) return undefined; // CreateBucket, PostObject, DeleteObjects (per key)
  const [plain, versioned] = actions;
  const action = versioned && call.query.has('versionId') ? versioned : plain;
  return { action, resource: objectArn(bucket, call.key) };
}

function tagKeys(tags: Tag[]): Record<string, ContextValue> {
  return {
    's3:RequestObjectTagKeys': tags.map((tag) => tag.Key),
    ...Object.fromEntries(tags.map((tag) => [`s3:RequestObjectTag/${tag.Key}`, tag.Value])),
  };
}

/**
 * The condition keys S3 gives a request (S3 user guide, "Condition keys for Amazon S3"), beside the
 * caller's global ones. s3:ExistingObjectTag/<key> is not given (it would need the object's tags first):
 * conditions on it behave as for a key the request does not have.
 */
export function requestKeys(call: S3Call, now = new Date()): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {
    ...callerKeys(LOCAL_CALLER, now),
    'aws:SecureTransport': 'true',
    'aws:SourceIp': call.request.sourceIp,
    'aws:RequestedRegion': call.request.region,
    'aws:ResourceAccount': LOCAL_ACCOUNT_ID,
    's3:ResourceAccount': LOCAL_ACCOUNT_ID,
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    's3:authType': call.request.url.searchParams.has('X-Amz-Credential')
      ? 'REST-QUERY-STRING'
      : 'REST-HEADER',
  };
  const fromHeaders: Record<string, string> = {
    'aws:UserAgent': 'user-agent',
    'aws:Referer': 'referer',
    's3:x-amz-content-sha256': 'x-amz-content-sha256',
    's3:x-amz-acl': 'x-amz-acl',
    's3:x-amz-server-side-encryption': 'x-amz-server-side-encryption',
    's3:x-amz-server-side-encryption-aws-kms-key-id': 'x-amz-server-side-encryption-aws-kms-key-id',
    's3:x-amz-storage-class': 'x-amz-storage-class',
    's3:x-amz-metadata-directive': 'x-amz-metadata-directive',
    's3:x-amz-copy-source': 'x-amz-copy-source',
    's3:x-amz-website-redirect-location': 'x-amz-website-redirect-location',
  };
  for (const [key, name] of Object.entries(fromHeaders)) {
    const value = header(call, name);
    if (value !== undefined) keys[key] = value;
  }
  const versionId = call.query.get('versionId');
  if (versionId !== null) keys['s3:versionid'] = versionId;
  if (
    call.operation === 'ListObjects' ||
    call.operation === 'ListObjectsV2' ||
    call.operation === 'ListObjectVersions'
  ) {
    for (const name of ['prefix', 'delimiter', 'max-keys']) {
      const value = call.query.get(name);
      if (value !== null) keys[`s3:${name}`] = value;
    }
  }
  const tagging = header(call, 'x-amz-tagging');
  if (tagging !== undefined && (call.operation === 'PutObject' || call.operation === 'CopyObject')) {
    try {
      Object.assign(keys, tagKeys(parseTaggingHeader(tagging)));
    } catch {
      // Tags S3 refuses: the operation refuses them too, with their error.
    }
  }
  return keys;
}

/** S3's 403 for a request a policy explicitly denies (the message S3 gives within the account). */
export function accessDenied(action: string, resource: string): S3Error {
  return new S3Error(
    'AccessDenied',
    `User: ${LOCAL_CALLER.arn} is not authorized to perform: ${action} on resource: "${resource}" with an explicit deny in a resource-based policy`,
    403,
  );
}

/** Whether the bucket's policy explicitly denies the action on the resource for this request. */
export function deniedByPolicy(
  call: S3Call,
  backend: S3Backend,
  bucket: string,
  action: string,
  resource: string,
): S3Error | undefined {
  const policy = backend.buckets.get(bucket).policy;
  if (policy === undefined) return undefined;
  const context: RequestContext = { action, resource, caller: LOCAL_CALLER, keys: requestKeys(call) };
  const document = JSON.parse(policy) as PolicyDocument;
  const { decision } = evaluatePolicies([{ document, kind: 'resource' }], context);
  return decision === 'explicitDeny' ? accessDenied(action, resource) : undefined;
}

/** Refuses the request when its bucket's policy (and a copy's source bucket's) denies it. */
export function authorize(
  call: S3Call,
  backend: S3Backend,
  copySource?: { bucket: string; key: string; versionId?: string },
): void {
  const target = authorizedAs(call);
  if (target && call.bucket !== undefined && !OWNER_KEEPS.has(call.operation)) {
    const denied = deniedByPolicy(call, backend, call.bucket, target.action, target.resource);
    if (denied) throw denied;
  }
  if (copySource) {
    const action = copySource.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion';
    const denied = deniedByPolicy(
      call,
      backend,
      copySource.bucket,
      action,
      objectArn(copySource.bucket, copySource.key),
    );
    if (denied) throw denied;
  }
}
