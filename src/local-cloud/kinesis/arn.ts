// Stream ARNs, and which stream a request names: newer SDKs send StreamARN alone when the caller used it,
// older callers StreamName; AWS accepts either or both.
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { invalidArgument } from './errors.js';
import { expectString, STREAM_ARN_PATTERN, Violations } from './validation.js';

export function streamArn(region: string, name: string): string {
  return `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${name}`;
}

const ARN = /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/(\S+)$/;

/** The stream a well-formed stream ARN names, if it names one in this region and account. */
export function streamNameFromArn(arn: string, region: string): string {
  const match = ARN.exec(arn);
  if (!match) {
    const violations = new Violations();
    violations.string(arn, 'streamARN', { pattern: STREAM_ARN_PATTERN });
    violations.throwIfAny();
    throw invalidArgument(`StreamARN ${arn} is not a Kinesis stream ARN.`);
  }
  const [, arnRegion, account, name = ''] = match;
  if (account !== LOCAL_ACCOUNT_ID) {
    throw invalidArgument(
      `StreamARN ${arn} belongs to account ${account}; every stream of the local cloud belongs to account ${LOCAL_ACCOUNT_ID}.`,
    );
  }
  if (arnRegion !== region) {
    throw invalidArgument(
      `StreamARN ${arn} is in region ${arnRegion}, but the request was sent to region ${region}: send it to ${arnRegion}.`,
    );
  }
  return name;
}

/** The stream a request names by StreamName, StreamARN or both (which must agree). */
export function targetStream(input: Record<string, unknown>, region: string, arnKey = 'StreamARN'): string {
  const name = expectString(input.StreamName);
  const arn = expectString(input[arnKey]);
  if (arn === undefined) {
    if (name === undefined) throw invalidArgument('Either StreamName or StreamARN must be provided.');
    return name;
  }
  const fromArn = streamNameFromArn(arn, region);
  if (name !== undefined && name !== fromArn) {
    throw invalidArgument(
      `StreamName ${name} and StreamARN ${arn} name different streams: give one of them.`,
    );
  }
  return fromArn;
}
