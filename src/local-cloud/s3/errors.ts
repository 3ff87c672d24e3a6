// S3's errors: a code, a message, an HTTP status, and sometimes detail elements (BucketName, Key, ...)
// that S3 adds to its <Error> document.
import { ServiceError } from '../protocol/common.js';

export class S3Error extends ServiceError {
  constructor(
    code: string,
    message: string,
    status = 400,
    readonly details: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

export const malformedXml = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

export const invalidVersionId = () => new S3Error('InvalidArgument', 'Invalid version id specified');

export const notImplemented = (what: string, instead: string) =>
  new S3Error('NotImplemented', `The local cloud's S3 does not implement ${what}: ${instead}`, 501);
