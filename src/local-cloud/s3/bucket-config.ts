// Bucket configurations the edge keeps for s3rver, which has none of them: their model, and their XML
// as PutBucket*/GetBucket* carry it. Validation follows what S3 refuses.
import { malformedXml, S3Error } from './errors.js';
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

const invalidTag = (message: string, details: Record<string, string>) =>
  new S3Error('InvalidTag', message, 400, details);

export type TaggedResource = 'bucket' | 'object';

const MAX_TAGS: Record<TaggedResource, number> = { bucket: 50, object: 10 };

/** The Tagging document of PutBucketTagging or PutObjectTagging: up to 50 tags on a bucket, 10 on an object. */
export function parseTagging(body: Buffer, resource: TaggedResource): Tag[] {
  const tagSet = child(parseXmlBody(body, 'Tagging'), 'TagSet');
  if (!tagSet) throw malformedXml();
  return validateTags(
    children(tagSet, 'Tag').map((tag) => {
      const Key = text(tag, 'Key');
      const Value = text(tag, 'Value');
      if (Key === undefined || Value === undefined) throw malformedXml();
      return { Key, Value };
    }),
    resource,
  );
}

/** The tags of an `x-amz-tagging` header (`k1=v1&k2=v2`), a new object's. */
export function parseTaggingHeader(value: string): Tag[] {
  return validateTags(
    [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value })),
    'object',
  );
}

// Tag keys and values: letters, numbers and spaces in any script, and _ . : / = + - @ (S3 user guide,
// "Categorizing your objects using tags"); keys 1-128 characters, values up to 256.
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const characters = (value: string) => [...value].length;

function validateTags(tags: Tag[], resource: TaggedResource): Tag[] {
  if (tags.length > MAX_TAGS[resource]) {
    throw new S3Error(
      'BadRequest',
      resource === 'bucket'
        ? 'Bucket tag count cannot be greater than 50'
        : 'Object tags cannot be greater than 10',
    );
  }
  const seen = new Set<string>();
  for (const { Key, Value } of tags) {
    if (characters(Key) < 1 || characters(Key) > 128 || !TAG_CHARACTERS.test(Key)) {
      throw invalidTag('The TagKey you have provided is invalid', { TagKey: Key });
    }
    if (characters(Value) > 256 || !TAG_CHARACTERS.test(Value)) {
      throw invalidTag('The TagValue you have provided is invalid', { TagKey: Key, TagValue: Value });
    }
    if (Key.toLowerCase().startsWith('aws:')) {
      throw invalidTag(
        resource === 'bucket'
          ? 'System tags cannot be added/updated by requester'
          : 'Your TagKey cannot be prefixed with aws:',
        { TagKey: Key },
      );
    }
    if (seen.has(Key)) throw invalidTag('Cannot provide multiple Tags with the same key', { TagKey: Key });
    seen.add(Key);
  }
  return tags;
}

export type VersioningStatus = 'Enabled' | 'Suspended';

export function parseVersioning(body: Buffer): { status?: VersioningStatus; mfaDelete?: string } {
  const node = parseXmlBody(body, 'VersioningConfiguration');
  const status = text(node, 'Status')?.trim();
  const mfaDelete = text(node, 'MfaDelete')?.trim();
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (status === undefined && mfaDelete === undefined) {
    throw new S3Error('IllegalVersioningConfigurationException', 'The Versioning element must be specified');
  }
  return { ...(status ? { status } : {}), ...(mfaDelete ? { mfaDelete } : {}) };
}

export interface TargetGrant {
  Grantee: { Type: string; ID?: string; URI?: string; EmailAddress?: string; DisplayName?: string };
  Permission: string;
}

/** Where a bucket's server access logs go (PutBucketLogging's LoggingEnabled). */
export interface LoggingEnabled {
  TargetBucket: string;
  TargetPrefix: string;
  TargetGrants?: TargetGrant[];
  TargetObjectKeyFormat?: {
    SimplePrefix?: Record<string, never>;
    PartitionedPrefix?: { PartitionDateSource?: string };
  };
}

/** The grantee's type, from what names it (XML attributes, where S3 puts xsi:type, are not parsed). */
function granteeType(grantee: XmlNode | undefined): string {
  if (text(grantee, 'URI') !== undefined) return 'Group';
  if (text(grantee, 'EmailAddress') !== undefined) return 'AmazonCustomerByEmail';
  return 'CanonicalUser';
}

/** A BucketLoggingStatus document: its LoggingEnabled, or undefined when it turns logging off. */
export function parseBucketLogging(body: Buffer): LoggingEnabled | undefined {
  const enabled = child(parseXmlBody(body, 'BucketLoggingStatus'), 'LoggingEnabled');
  if (!enabled) return undefined;
  const targetBucket = text(enabled, 'TargetBucket')?.trim();
  if (!targetBucket) throw malformedXml();
  const grants = children(child(enabled, 'TargetGrants'), 'Grant').map((grant): TargetGrant => {
    const grantee = child(grant, 'Grantee');
    const named = (name: string) => {
      const value = text(grantee, name);
      return value === undefined ? {} : { [name]: value };
    };
    return {
      Grantee: {
        Type: granteeType(grantee),
        ...named('ID'),
        ...named('URI'),
        ...named('EmailAddress'),
        ...named('DisplayName'),
      },
      Permission: text(grant, 'Permission') ?? '',
    };
  });
  const format = child(enabled, 'TargetObjectKeyFormat');
  const partitioned = child(format, 'PartitionedPrefix');
  return {
    TargetBucket: targetBucket,
    TargetPrefix: text(enabled, 'TargetPrefix') ?? '',
    ...(grants.length ? { TargetGrants: grants } : {}),
    ...(format
      ? {
          TargetObjectKeyFormat: partitioned
            ? {
                PartitionedPrefix: {
                  PartitionDateSource: text(partitioned, 'PartitionDateSource') ?? 'EventTime',
                },
              }
            : { SimplePrefix: {} },
        }
      : {}),
  };
}

/** LoggingEnabled as GetBucketLogging returns it (grantees with their xsi:type). */
export function loggingXml(logging: LoggingEnabled): Record<string, unknown> {
  return {
    TargetBucket: logging.TargetBucket,
    TargetPrefix: logging.TargetPrefix,
    ...(logging.TargetGrants
      ? {
          TargetGrants: {
            Grant: logging.TargetGrants.map(({ Grantee: { Type, ...names }, Permission }) => ({
              Grantee: {
                '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                '@xsi:type': Type,
                ...names,
              },
              Permission,
            })),
          },
        }
      : {}),
    ...(logging.TargetObjectKeyFormat
      ? {
          TargetObjectKeyFormat: logging.TargetObjectKeyFormat.PartitionedPrefix
            ? { PartitionedPrefix: logging.TargetObjectKeyFormat.PartitionedPrefix }
            : { SimplePrefix: '' },
        }
      : {}),
  };
}
