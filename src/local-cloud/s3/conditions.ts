// Conditional writes (S3 user guide, "Add preconditions to S3 operations with conditional requests"):
// If-None-Match: * writes only when the key has no current object; If-Match: <etag> writes or deletes only
// while the current object has that ETag. What S3 accepts of the headers, and its answers when a condition
// does not hold, as S3 words them. Pure; the S3 backend evaluates them under the key's lock.
import { noSuchKey, S3Error } from './errors.js';

export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: '*';
}

/** S3 compares ETags without their quotes, and takes an If-Match with one or both quotes left out. */
export function etagsMatch(condition: string, etag: string): boolean {
  const bare = (value: string) => value.trim().replace(/"/g, '');
  return bare(condition) === bare(etag);
}

function notImplemented(header: string, additionalMessage: string): S3Error {
  return new S3Error(
    'NotImplemented',
    'A header you provided implies functionality that is not implemented',
    501,
    { Header: header, additionalMessage },
  );
}

/** The conditions of a PutObject, CopyObject or CompleteMultipartUpload, refused as S3 refuses them. */
export function writeConditions(
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
): WriteConditions | undefined {
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw notImplemented(
      'If-Match,If-None-Match',
      'Multiple conditional request headers present in the request',
    );
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw notImplemented(
        'If-None-Match',
        "We don't accept the provided value of If-None-Match header for this API",
      );
    }
    return { ifNoneMatch: '*' };
  }
  if (ifMatch !== undefined) {
    if (ifMatch.trim() === '*') {
      throw notImplemented('If-Match', "We don't accept the provided value of If-Match header for this API");
    }
    return { ifMatch };
  }
  return undefined;
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
  currentEtag: string | undefined,
): void {
  if (conditions?.ifNoneMatch && currentEtag !== undefined) throw preconditionFailed('If-None-Match');
  if (conditions?.ifMatch !== undefined) {
    if (currentEtag === undefined) throw noSuchKey(key);
    if (!etagsMatch(conditions.ifMatch, currentEtag)) throw preconditionFailed('If-Match');
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
