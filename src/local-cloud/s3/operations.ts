// Which S3 operation a request is, from its method, whether it names a bucket and a key, and its
// subresource query parameters (`?policy`, `?versions`, `?uploadId=..`), as S3's REST API defines them.

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

type ByMethod = Partial<Record<Method, string>>;

const BUCKET_SUBRESOURCES: Record<string, ByMethod> = {
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  policyStatus: { GET: 'GetBucketPolicyStatus' },
  publicAccessBlock: {
    GET: 'GetPublicAccessBlock',
    PUT: 'PutPublicAccessBlock',
    DELETE: 'DeletePublicAccessBlock',
  },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  ownershipControls: {
    GET: 'GetBucketOwnershipControls',
    PUT: 'PutBucketOwnershipControls',
    DELETE: 'DeleteBucketOwnershipControls',
  },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
  location: { GET: 'GetBucketLocation' },
  versions: { GET: 'ListObjectVersions' },
  delete: { POST: 'DeleteObjects' },
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  uploads: { GET: 'ListMultipartUploads' },
  cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
  website: { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' },
  lifecycle: {
    GET: 'GetBucketLifecycleConfiguration',
    PUT: 'PutBucketLifecycleConfiguration',
    DELETE: 'DeleteBucketLifecycle',
  },
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  logging: { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' },
  replication: {
    GET: 'GetBucketReplication',
    PUT: 'PutBucketReplication',
    DELETE: 'DeleteBucketReplication',
  },
  'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
  accelerate: { GET: 'GetBucketAccelerateConfiguration', PUT: 'PutBucketAccelerateConfiguration' },
  requestPayment: { GET: 'GetBucketRequestPayment', PUT: 'PutBucketRequestPayment' },
};

const OBJECT_SUBRESOURCES: Record<string, ByMethod> = {
  uploads: { POST: 'CreateMultipartUpload' },
  uploadId: {
    PUT: 'UploadPart',
    POST: 'CompleteMultipartUpload',
    DELETE: 'AbortMultipartUpload',
    GET: 'ListParts',
  },
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  restore: { POST: 'RestoreObject' },
  select: { POST: 'SelectObjectContent' },
};

export interface OperationTarget {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  /** Whether x-amz-copy-source is present (CopyObject, UploadPartCopy). */
  copy: boolean;
}

/** The operation's name as in S3's API reference, or undefined when no operation matches. */
export function s3Operation({ method, bucket, key, query, copy }: OperationTarget): string | undefined {
  const verb = method.toUpperCase() as Method;
  if (bucket === undefined) return verb === 'GET' ? 'ListBuckets' : undefined;
  const table = key === undefined ? BUCKET_SUBRESOURCES : OBJECT_SUBRESOURCES;
  for (const [subresource, operations] of Object.entries(table)) {
    if (!query.has(subresource)) continue;
    const operation = operations[verb];
    if (operation === 'UploadPart' && copy) return 'UploadPartCopy';
    return operation;
  }
  if (key === undefined) {
    const plain: ByMethod = {
      GET: query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects',
      HEAD: 'HeadBucket',
      PUT: 'CreateBucket',
      DELETE: 'DeleteBucket',
      POST: 'PostObject',
    };
    return plain[verb];
  }
  const plain: ByMethod = {
    GET: 'GetObject',
    HEAD: 'HeadObject',
    PUT: copy ? 'CopyObject' : 'PutObject',
    DELETE: 'DeleteObject',
  };
  return plain[verb];
}
