// The data-transformation contract with the Lambda processor, as pure functions: the events Firehose
// sends (split under Lambda's 6 MB synchronous payload limit), how an invocation's outcome is read
// (function errors, timeouts, responses that break the status model), and the error-output lines for
// records that could not be transformed.
import { randomUUID } from 'node:crypto';
import type {
  FirehoseKinesisRecordMetadata,
  FirehoseTransformationEvent,
  FirehoseTransformationRecord,
} from '../../../lambda/contract.js';

/** Lambda's limit on a synchronous invocation's request (and response) payload. */
export const MAX_INVOCATION_BYTES = 6 * 1024 * 1024;

/** A record on its way through the processor. */
export interface SourceRecord {
  recordId: string;
  data: Buffer;
  /** Approximate arrival time in Firehose (or in the source stream), epoch ms. */
  arrival: number;
  kinesis?: FirehoseKinesisRecordMetadata;
}

export interface EventContext {
  deliveryStreamArn: string;
  sourceKinesisStreamArn?: string;
  region: string;
}

export function eventRecord(record: SourceRecord): FirehoseTransformationRecord {
  return {
    recordId: record.recordId,
    approximateArrivalTimestamp: record.arrival,
    data: record.data.toString('base64'),
    ...(record.kinesis ? { kinesisRecordMetadata: record.kinesis } : {}),
  };
}

function eventHeader(context: EventContext): Omit<FirehoseTransformationEvent, 'records'> {
  return {
    invocationId: randomUUID(),
    deliveryStreamArn: context.deliveryStreamArn,
    ...(context.sourceKinesisStreamArn ? { sourceKinesisStreamArn: context.sourceKinesisStreamArn } : {}),
    region: context.region,
  };
}

/**
 * Splits records into invocation batches whose event JSON stays under `maxBytes`, in order. A record that
 * alone would exceed the limit still gets its own batch (the invocation fails, and the record goes to the
 * error output rather than being lost).
 */
export function splitIntoEvents<T extends SourceRecord>(
  records: readonly T[],
  context: EventContext,
  maxBytes = MAX_INVOCATION_BYTES,
): Array<{ event: FirehoseTransformationEvent; records: T[] }> {
  // The header's size plus `,"records":[]`, with room for the invocation id's exact length.
  const overhead = Buffer.byteLength(JSON.stringify({ ...eventHeader(context), records: [] }));
  const batches: Array<{ event: FirehoseTransformationEvent; records: T[] }> = [];
  let current: T[] = [];
  let currentEvents: FirehoseTransformationRecord[] = [];
  let bytes = overhead;
  const close = () => {
    if (current.length === 0) return;
    batches.push({ event: { ...eventHeader(context), records: currentEvents }, records: current });
    current = [];
    currentEvents = [];
    bytes = overhead;
  };
  for (const record of records) {
    const asEvent = eventRecord(record);
    const size = Buffer.byteLength(JSON.stringify(asEvent)) + 1; // and its comma
    if (current.length > 0 && bytes + size > maxBytes) close();
    current.push(record);
    currentEvents.push(asEvent);
    bytes += size;
  }
  close();
  return batches;
}

/** Why a batch could not be transformed: Firehose's error code and message, and whether to retry. */
export interface BatchFailure {
  errorCode: string;
  errorMessage: string;
  /** Invocation errors are retried NumberOfRetries times; a response that breaks the contract is final. */
  retryable: boolean;
}

export const FAILURES = {
  functionError: {
    errorCode: 'Lambda.FunctionError',
    errorMessage: 'The Lambda function was successfully invoked but it returned an error result.',
    retryable: true,
  },
  timedOut: {
    errorCode: 'Lambda.FunctionTimedOut',
    errorMessage:
      'The Lambda function invocation timed out. Increase the Timeout setting in the Lambda function.',
    retryable: true,
  },
  notFound: {
    errorCode: 'Lambda.ResourceNotFound',
    errorMessage: 'The specified Lambda function does not exist. Use a different function that does exist.',
    retryable: true,
  },
  limitExceeded: {
    errorCode: 'Lambda.InvokeLimitExceeded',
    errorMessage:
      'The Lambda concurrent execution limit is exceeded. Increase the concurrent execution limit.',
    retryable: true,
  },
  accessDenied: {
    errorCode: 'Lambda.InvokeAccessDenied',
    errorMessage: 'Access was denied. Ensure that the access policy allows access to the Lambda function.',
    retryable: true,
  },
  jsonProcessing: {
    errorCode: 'Lambda.JsonProcessingException',
    errorMessage:
      'There was an error parsing returned records from the Lambda function. Ensure that the returned records follow the status model required by Kinesis Firehose.',
    retryable: false,
  },
  missingRecordId: {
    errorCode: 'Lambda.MissingRecordId',
    errorMessage:
      'One or more record IDs were not returned. Ensure that the Lambda function returns all received record IDs.',
    retryable: false,
  },
  duplicatedRecordId: {
    errorCode: 'Lambda.DuplicatedRecordId',
    errorMessage:
      'Multiple records were returned with the same record ID. Ensure that the Lambda function returns unique record IDs for each record.',
    retryable: false,
  },
} satisfies Record<string, BatchFailure>;

/** The error-output reason of a record the function itself marked ProcessingFailed. */
export const PROCESSING_FAILED_STATUS = {
  errorCode: 'Lambda.ProcessingFailedStatus',
  errorMessage: 'ProcessingFailed status set for record',
};

/** What the Invoke call came back with, as far as Firehose cares. */
export type InvocationOutcome =
  | { kind: 'response'; functionError?: string; payload: string }
  | { kind: 'error'; name: string; message: string };

function looksTimedOut(payload: string): boolean {
  try {
    const body = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    return (
      body.errorType === 'Sandbox.Timedout' ||
      (typeof body.errorMessage === 'string' && /Task timed out/i.test(body.errorMessage))
    );
  } catch {
    return /Task timed out/i.test(payload);
  }
}

/** A failed Invoke (the SDK threw) in Firehose's terms. */
export function invokeErrorFailure(name: string, message: string): BatchFailure {
  switch (name) {
    case 'ResourceNotFoundException':
      return FAILURES.notFound;
    case 'TooManyRequestsException':
      return FAILURES.limitExceeded;
    case 'AccessDeniedException':
      return FAILURES.accessDenied;
    case 'RequestTooLargeException':
      return {
        errorCode: 'Lambda.RequestTooLarge',
        errorMessage: `The invocation payload exceeds Lambda's 6 MB limit: ${message}`,
        retryable: true,
      };
    default:
      return {
        errorCode: name.startsWith('Lambda.') ? name : `Lambda.${name}`,
        errorMessage: message || 'The Lambda invocation failed.',
        retryable: true,
      };
  }
}

export type RecordResult<T> =
  | { record: T; result: 'Ok'; data: Buffer }
  | { record: T; result: 'Dropped' }
  | { record: T; result: 'ProcessingFailed' };

export type BatchResult<T> = { ok: true; results: RecordResult<T>[] } | { ok: false; failure: BatchFailure };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads an invocation's outcome against the records sent: every recordId must come back exactly once with
 * a result of Ok (with base64 data), Dropped or ProcessingFailed; anything else fails the whole batch.
 */
export function interpretInvocation<T extends { recordId: string }>(
  records: readonly T[],
  outcome: InvocationOutcome,
): BatchResult<T> {
  if (outcome.kind === 'error')
    return { ok: false, failure: invokeErrorFailure(outcome.name, outcome.message) };
  if (outcome.functionError) {
    return {
      ok: false,
      failure: looksTimedOut(outcome.payload) ? FAILURES.timedOut : FAILURES.functionError,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(outcome.payload);
  } catch {
    return { ok: false, failure: FAILURES.jsonProcessing };
  }
  const returned = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(returned)) return { ok: false, failure: FAILURES.jsonProcessing };
  const byId = new Map<string, { result: string; data: unknown }>();
  for (const item of returned) {
    if (typeof item !== 'object' || item === null) return { ok: false, failure: FAILURES.jsonProcessing };
    const { recordId, result, data } = item as { recordId?: unknown; result?: unknown; data?: unknown };
    if (typeof recordId !== 'string' || typeof result !== 'string') {
      return { ok: false, failure: FAILURES.jsonProcessing };
    }
    if (byId.has(recordId)) return { ok: false, failure: FAILURES.duplicatedRecordId };
    byId.set(recordId, { result, data });
  }
  const sent = new Set(records.map((r) => r.recordId));
  if (records.some((r) => !byId.has(r.recordId))) return { ok: false, failure: FAILURES.missingRecordId };
  // An id that was never sent means some sent id is missing or the function invented one.
  if ([...byId.keys()].some((id) => !sent.has(id))) return { ok: false, failure: FAILURES.missingRecordId };
  const results: RecordResult<T>[] = [];
  for (const record of records) {
    const answer = byId.get(record.recordId);
    if (!answer) return { ok: false, failure: FAILURES.missingRecordId };
    if (answer.result === 'Ok') {
      if (typeof answer.data !== 'string' || !BASE64.test(answer.data)) {
        return { ok: false, failure: FAILURES.jsonProcessing };
      }
      results.push({ record, result: 'Ok', data: Buffer.from(answer.data, 'base64') });
    } else if (answer.result === 'Dropped') {
      results.push({ record, result: 'Dropped' });
    } else if (answer.result === 'ProcessingFailed') {
      results.push({ record, result: 'ProcessingFailed' });
    } else {
      return { ok: false, failure: FAILURES.jsonProcessing };
    }
  }
  return { ok: true, results };
}

/** One line of the processing-failed output, in the field order AWS writes. */
export interface ProcessingFailedLine {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  rawData: string;
  lambdaArn: string;
}

export function processingFailedLine(
  record: SourceRecord,
  reason: { errorCode: string; errorMessage: string },
  attemptsMade: number,
  attemptEndingTimestamp: number,
  lambdaArn: string,
): ProcessingFailedLine {
  return {
    attemptsMade,
    arrivalTimestamp: record.arrival,
    errorCode: reason.errorCode,
    errorMessage: reason.errorMessage,
    attemptEndingTimestamp,
    rawData: record.data.toString('base64'),
    lambdaArn,
  };
}

/** An error-output object's body: one JSON object per line. */
export function errorOutputBody(lines: readonly ProcessingFailedLine[]): Buffer {
  return Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''), 'utf8');
}

/** Wait before retry `attempt` (1-based) of a failed invocation: exponential, capped. */
export function retryDelayMs(attempt: number, baseMs = 500, capMs = 8000): number {
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}
