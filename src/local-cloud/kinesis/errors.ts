// Kinesis's errors with the messages AWS returns (where AWS's wording is known), or a message saying
// plainly what to do (where the local cloud refuses something AWS would do).
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';

export function streamNotFound(name: string): ServiceError {
  return new ServiceError(
    'ResourceNotFoundException',
    `Stream ${name} under account ${LOCAL_ACCOUNT_ID} not found.`,
  );
}

export function streamNotActive(name: string, status: string): ServiceError {
  return new ServiceError(
    'ResourceInUseException',
    `Stream ${name} under account ${LOCAL_ACCOUNT_ID} not ACTIVE, instead in state ${status}`,
  );
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError('InvalidArgumentException', message);
}

export function limitExceeded(message: string): ServiceError {
  return new ServiceError('LimitExceededException', message);
}

export function writeThrottledMessage(shardId: string, stream: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${stream} under account ${LOCAL_ACCOUNT_ID}.`;
}

export function writeThrottled(shardId: string, stream: string): ServiceError {
  return new ServiceError('ProvisionedThroughputExceededException', writeThrottledMessage(shardId, stream));
}

export function readThrottled(shardId: string, stream: string): ServiceError {
  return new ServiceError(
    'ProvisionedThroughputExceededException',
    `Rate exceeded for Shard - ${LOCAL_ACCOUNT_ID}/${stream}/${shardId}`,
  );
}

export const INTERNAL_FAILURE_MESSAGE = 'Internal service failure.';

/** A SerializationException for a member of the wrong JSON type, as the JSON protocol reports it. */
export function serialization(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}
