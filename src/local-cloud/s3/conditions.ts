// Conditional writes (S3 user guide, "Add preconditions to S3 operations with conditional requests"):
// If-None-Match: * writes only when the key has no current object; If-Match: <etag> writes or deletes only
// while the current object has that ETag. What S3 accepts of the headers, and its answers when a condition
// does not hold, as S3 words them. Pure; the S3 backend evaluates them under the key's lock.
import { noSuchKey, S3Error } from './errors.js';

export interface WriteConditions {
  /** An ETag the current object must have, or '*': there must be a current object. */
  ifMatch?: string;
  /** '*': there must be no current object; or an ETag the current object must not have. */
  ifNoneMatch?: string;
  /** DeleteObject's x-amz-if-match-last-modified-time: the current object's Last-Modified, to the second. */
  ifMatchLastModifiedTime?: string;
  /** DeleteObject's x-amz-if-match-size: the current object's size in bytes. */
  ifMatchSize?: string;
}

/** The key's current object, as far as conditions look at it. */
export interface ConditionTarget {
  etag: string;
  lastModified: string;
  size: number;
}

/** S3 compares ETags without their quotes, and takes an If-Match with one or both quotes left out. */
export function etagsMatch(condition: string, etag: string): boolean {
  const bare = (value: string) => value.trim().replace(/"/g, '');
  return bare(condition) === bare(etag);
}

/**
 * The conditions of a write or a delete, from its headers (undefined: none). Every value is evaluated
 * as RFC 7232 defines it: If-None-Match takes '*' or an ETag, If-Match an ETag or '*', both together.
 * (S3 refuses the ETag form of If-None-Match, '*' in If-Match and the two together with a 501; the local
 * cloud evaluates them instead, so a client written for a store that takes them works here.)
 */
export function writeConditions(
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
  deleteHeaders: { lastModifiedTime?: string; size?: string } = {},
): WriteConditions | undefined {
  const { lastModifiedTime, size } = deleteHeaders;
  if (lastModifiedTime !== undefined && Number.isNaN(Date.parse(lastModifiedTime))) {
    throw new S3Error('InvalidArgument', 'Invalid value for x-amz-if-match-last-modified-time', 400, {
      ArgumentName: 'x-amz-if-match-last-modified-time',
      ArgumentValue: lastModifiedTime,
    });
  }
  if (size !== undefined && !/^\d+$/.test(size.trim())) {
    throw new S3Error('InvalidArgument', 'Invalid value for x-amz-if-match-size', 400, {
      ArgumentName: 'x-amz-if-match-size',
      ArgumentValue: size,
    });
  }
  const conditions: WriteConditions = {
    ...(ifMatch !== undefined ? { ifMatch: ifMatch.trim() } : {}),
    ...(ifNoneMatch !== undefined ? { ifNoneMatch: ifNoneMatch.trim() } : {}),
    ...(lastModifiedTime !== undefined ? { ifMatchLastModifiedTime: lastModifiedTime } : {}),
    ...(size !== undefined ? { ifMatchSize: size.trim() } : {}),
  };
  return Object.keys(conditions).length ? conditions : undefined;
}

export const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
    Condition: condition,
  });

/**
 * Whether the conditions hold for the key's current object (its ETag, or undefined when it has none):
 * throws S3's answer when they do not.
 */
export function assertConditions(
  conditions: WriteConditions | undefined,
  key: string,
  current: ConditionTarget | undefined,
): void {
  if (!conditions) return;
  const { ifMatch, ifNoneMatch, ifMatchLastModifiedTime, ifMatchSize } = conditions;
  if (
    ifNoneMatch !== undefined &&
    current &&
    (ifNoneMatch === '*' || etagsMatch(ifNoneMatch, current.etag))
  ) {
    throw preconditionFailed('If-None-Match');
  }
  if (ifMatch === undefined && ifMatchLastModifiedTime === undefined && ifMatchSize === undefined) return;
  if (!current) throw noSuchKey(key);
  if (ifMatch !== undefined && ifMatch !== '*' && !etagsMatch(ifMatch, current.etag)) {
    throw preconditionFailed('If-Match');
  }
  const seconds = (date: string) => Math.floor(Date.parse(date) / 1000);
  if (
    ifMatchLastModifiedTime !== undefined &&
    seconds(ifMatchLastModifiedTime) !== seconds(current.lastModified)
  ) {
    throw preconditionFailed('x-amz-if-match-last-modified-time');
  }
  if (ifMatchSize !== undefined && Number(ifMatchSize) !== current.size) {
    throw preconditionFailed('x-amz-if-match-size');
  }
}

/**
 * A conditional CompleteMultipartUpload whose condition holds, but the key was written or deleted since
 * the upload began: S3 asks for the upload to start again.
 */
export function conditionalRequestConflict(conditions: WriteConditions, key: string): S3Error {
  return new S3Error(
    'ConditionalRequestConflict',
    'The conditional request cannot succeed due to a conflicting operation against this resource.',
    409,
    { Condition: conditions.ifNoneMatch ? 'If-None-Match' : 'If-Match', Key: key },
  );
}
