// Bucket configurations the edge keeps for s3rver, which has none of them: their model, and their XML
// as PutBucket*/GetBucket* carry it. Validation follows what S3 refuses.
import { S3Error } from './errors.js';
import { child, children, parseXmlBody, text, type XmlNode } from './xml.js';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
export type SseAlgorithm = (typeof SSE_ALGORITHMS)[number];

export interface EncryptionRule {
  SSEAlgorithm: SseAlgorithm;
  KMSMasterKeyID?: string;
  BucketKeyEnabled: boolean;
}

export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

export interface Tag {
  Key: string;
  Value: string;
}

/** What a new bucket gets on AWS since 2023: public access blocked, ACLs disabled, SSE-S3. */
export const NEW_BUCKET_DEFAULTS = {
  publicAccessBlock: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  } satisfies PublicAccessBlock,
  ownership: 'BucketOwnerEnforced' as ObjectOwnership,
  encryption: { SSEAlgorithm: 'AES256', BucketKeyEnabled: false } satisfies EncryptionRule as EncryptionRule,
};

function flag(node: XmlNode, name: string): boolean {
  const value = text(node, name)?.trim();
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') {
    throw new S3Error('MalformedXML', `${name} must be true or false, not "${value}"`);
  }
  return value === 'true';
}

export function parsePublicAccessBlock(body: Buffer): PublicAccessBlock {
  const node = parseXmlBody(body, 'PublicAccessBlockConfiguration');
  return {
    BlockPublicAcls: flag(node, 'BlockPublicAcls'),
    IgnorePublicAcls: flag(node, 'IgnorePublicAcls'),
    BlockPublicPolicy: flag(node, 'BlockPublicPolicy'),
    RestrictPublicBuckets: flag(node, 'RestrictPublicBuckets'),
  };
}

export function parseEncryption(body: Buffer): EncryptionRule {
  const rules = children(parseXmlBody(body, 'ServerSideEncryptionConfiguration'), 'Rule');
  if (rules.length !== 1) {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema: a ServerSideEncryptionConfiguration holds exactly one Rule',
    );
  }
  const rule = rules[0] as XmlNode;
  const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
  const algorithm = text(byDefault, 'SSEAlgorithm')?.trim();
  const sse = SSE_ALGORITHMS.find((a) => a === algorithm);
  if (!sse) {
    throw new S3Error(
      'MalformedXML',
      `The XML you provided was not well-formed or did not validate against our published schema: SSEAlgorithm must be one of ${SSE_ALGORITHMS.join(', ')}`,
    );
  }
  const keyId = text(byDefault, 'KMSMasterKeyID')?.trim();
  if (keyId && sse === 'AES256') {
    throw new S3Error(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    );
  }
  return {
    SSEAlgorithm: sse,
    ...(keyId ? { KMSMasterKeyID: keyId } : {}),
    BucketKeyEnabled: flag(rule, 'BucketKeyEnabled'),
  };
}

export function encryptionXml(rule: EncryptionRule): Record<string, unknown> {
  return {
    Rule: {
      ApplyServerSideEncryptionByDefault: {
        SSEAlgorithm: rule.SSEAlgorithm,
        KMSMasterKeyID: rule.KMSMasterKeyID,
      },
      BucketKeyEnabled: rule.BucketKeyEnabled,
    },
  };
}

export function parseObjectOwnership(value: string | undefined): ObjectOwnership {
  const ownership = OBJECT_OWNERSHIPS.find((o) => o === value?.trim());
  if (!ownership) {
    throw new S3Error(
      'InvalidArgument',
      `Invalid x-amz-object-ownership value "${value ?? ''}": use one of ${OBJECT_OWNERSHIPS.join(', ')}`,
    );
  }
  return ownership;
}

export function parseOwnershipControls(body: Buffer): ObjectOwnership {
  const rules = children(parseXmlBody(body, 'OwnershipControls'), 'Rule');
  const value = rules.length === 1 ? text(rules[0], 'ObjectOwnership') : undefined;
  if (!OBJECT_OWNERSHIPS.some((o) => o === value?.trim())) {
    throw new S3Error(
      'MalformedXML',
      `The XML you provided was not well-formed or did not validate against our published schema: OwnershipControls holds one Rule whose ObjectOwnership is one of ${OBJECT_OWNERSHIPS.join(', ')}`,
    );
  }
  return value?.trim() as ObjectOwnership;
}

const invalidTag = (message: string) => new S3Error('InvalidTag', message);

/** Buckets take up to 50 tags, objects up to 10. */
export function parseTagging(body: Buffer, maxTags: 50 | 10): Tag[] {
  const tagSet = child(parseXmlBody(body, 'Tagging'), 'TagSet');
  if (!tagSet) throw new S3Error('MalformedXML', 'A Tagging document must contain a TagSet');
  return validateTags(
    children(tagSet, 'Tag').map((tag) => ({ Key: text(tag, 'Key') ?? '', Value: text(tag, 'Value') ?? '' })),
    maxTags,
  );
}

/** The tags of an `x-amz-tagging` header (`k1=v1&k2=v2`). */
export function parseTaggingHeader(value: string): Tag[] {
  return validateTags(
    [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value })),
    10,
  );
}

function validateTags(tags: Tag[], maxTags: number): Tag[] {
  if (tags.length > maxTags) {
    throw invalidTag(
      maxTags === 50 ? 'Bucket tag count cannot be greater than 50' : 'Object tags cannot be greater than 10',
    );
  }
  const seen = new Set<string>();
  for (const { Key, Value } of tags) {
    if (Key.length < 1 || Key.length > 128) throw invalidTag('The TagKey you have provided is invalid');
    if (Value.length > 256) throw invalidTag('The TagValue you have provided is invalid');
    if (Key.toLowerCase().startsWith('aws:')) {
      throw invalidTag('Your TagKey cannot be prefixed with aws:');
    }
    if (seen.has(Key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(Key);
  }
  return tags;
}

export type VersioningStatus = 'Enabled' | 'Suspended';

export function parseVersioning(body: Buffer): { status?: VersioningStatus; mfaDelete?: string } {
  const node = parseXmlBody(body, 'VersioningConfiguration');
  const status = text(node, 'Status')?.trim();
  const mfaDelete = text(node, 'MfaDelete')?.trim();
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema: Status must be Enabled or Suspended',
    );
  }
  return { ...(status ? { status } : {}), ...(mfaDelete ? { mfaDelete } : {}) };
}
