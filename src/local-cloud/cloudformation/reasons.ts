// The status reasons CloudFormation writes into events, worded as it words them.

/** How AWS names each service in a failed call's reason. */
const SERVICE_NAMES: Record<string, string> = {
  S3: 'Amazon S3',
  Kinesis: 'Kinesis',
  Lambda: 'Lambda',
  IAM: 'Iam',
  Firehose: 'Firehose',
  CloudWatchLogs: 'CloudWatchLogs',
};

/** The service an SDK error came from: its class descends from `<Service>ServiceException`. */
function serviceOf(error: object): string | undefined {
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    const match = /^(\w+)ServiceException$/.exec(proto.constructor?.name ?? '');
    if (match?.[1]) return match[1];
  }
  return undefined;
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
}

/**
 * A service's error as CloudFormation reports it in a resource's status reason:
 * `<message> (Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty; Request ID: ..; Proxy: null)`.
 * Errors that are not a service's answer (a template value that cannot be evaluated, a local check)
 * keep their own message.
 */
export function failureReason(error: unknown): string {
  const e = (error ?? {}) as SdkError;
  const message = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined || typeof error !== 'object' || error === null) return message;
  const service = serviceOf(error);
  const name = service ? (SERVICE_NAMES[service] ?? service) : 'AWS';
  const extended = e.$metadata?.extendedRequestId
    ? `; S3 Extended Request ID: ${e.$metadata.extendedRequestId}`
    : '';
  return `${message} (Service: ${name}; Status Code: ${status}; Error Code: ${e.Code ?? e.name}; Request ID: ${e.$metadata?.requestId ?? 'null'}${extended}; Proxy: null)`;
}

export const USER_INITIATED = 'User Initiated';
export const CREATION_INITIATED = 'Resource creation Initiated';
export const CREATION_CANCELLED = 'Resource creation cancelled';
export const REPLACEMENT_STARTED =
  'Requested update requires the creation of a new physical resource; hence creating one.';

export function failedTo(verb: 'create' | 'update' | 'delete', ids: readonly string[]): string {
  return `The following resource(s) failed to ${verb}: [${ids.join(', ')}]. `;
}

/** A resource whose evaluated properties the resource specification refuses, as CloudFormation words it. */
export function propertiesValidationFailed(logicalId: string, reason: string): string {
  return `Properties validation failed for resource ${logicalId} with message: ${reason}`;
}

export function unsupportedType(type: string, supported: readonly string[]): string {
  return `The local cloud cannot provision resources of type ${type}: it provisions ${supported.join(', ')}. Remove the resource from the template, or deploy it to AWS.`;
}

export function customNameReplacement(logicalId: string): string {
  return `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${logicalId} and update the stack again.`;
}
