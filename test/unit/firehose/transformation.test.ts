import { describe, expect, it } from 'vitest';
import {
  errorOutputBody,
  FAILURES,
  interpretInvocation,
  PROCESSING_FAILED_STATUS,
  processingFailedLine,
  type SourceRecord,
  splitIntoEvents,
} from '../../../src/local-cloud/firehose/transformation.js';

const context = {
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/d',
  sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
  region: 'us-east-1',
};

function record(id: string, data = `{"n":"${id}"}`): SourceRecord {
  return {
    recordId: id,
    data: Buffer.from(data),
    arrival: 1_700_000_000_000,
    kinesis: {
      shardId: 'shardId-000000000000',
      partitionKey: 'pk',
      approximateArrivalTimestamp: 1_700_000_000_000,
      sequenceNumber: '4960',
      subsequenceNumber: 0,
    },
  };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const response = (records: unknown[]) => ({
  kind: 'response' as const,
  payload: JSON.stringify({ records }),
});

describe('the transformation event', () => {
  it('carries the documented fields, data in base64', () => {
    const [batch] = splitIntoEvents([record('a')], context);
    const event = batch?.event;
    expect(event).toMatchObject({
      deliveryStreamArn: context.deliveryStreamArn,
      sourceKinesisStreamArn: context.sourceKinesisStreamArn,
      region: 'us-east-1',
      records: [
        {
          recordId: 'a',
          approximateArrivalTimestamp: 1_700_000_000_000,
          data: b64('{"n":"a"}'),
          kinesisRecordMetadata: {
            shardId: 'shardId-000000000000',
            partitionKey: 'pk',
            sequenceNumber: '4960',
            subsequenceNumber: 0,
          },
        },
      ],
    });
    expect(event?.invocationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('splits batches so that every event stays under the size limit, keeping order', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(`r${i}`, 'x'.repeat(1000)));
    const limit = 10_000;
    const batches = splitIntoEvents(records, context, limit);
    expect(batches.length).toBeGreaterThan(1);
    for (const { event } of batches)
      expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(limit);
    expect(batches.flatMap((b) => b.records.map((r) => r.recordId))).toEqual(records.map((r) => r.recordId));
    expect(new Set(batches.map((b) => b.event.invocationId)).size).toBe(batches.length);
  });
});

describe('reading the Lambda response', () => {
  const sent = [record('a'), record('b'), record('c')];

  it('honours Ok, Dropped and ProcessingFailed per record', () => {
    const result = interpretInvocation(
      sent,
      response([
        { recordId: 'a', result: 'Ok', data: b64('A\n') },
        { recordId: 'b', result: 'Dropped', data: '' },
        { recordId: 'c', result: 'ProcessingFailed', data: b64('c') },
      ]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.results.map((r) => r.result)).toEqual(['Ok', 'Dropped', 'ProcessingFailed']);
    expect(result.results[0]?.result === 'Ok' && result.results[0].data.toString()).toBe('A\n');
  });

  it('fails the whole batch when a recordId is missing or repeated', () => {
    expect(interpretInvocation(sent, response([{ recordId: 'a', result: 'Ok', data: b64('x') }]))).toEqual({
      ok: false,
      failure: FAILURES.missingRecordId,
    });
    const twice = response([
      { recordId: 'a', result: 'Ok', data: b64('x') },
      { recordId: 'a', result: 'Ok', data: b64('x') },
      { recordId: 'b', result: 'Ok', data: b64('x') },
      { recordId: 'c', result: 'Ok', data: b64('x') },
    ]);
    expect(interpretInvocation(sent, twice)).toEqual({ ok: false, failure: FAILURES.duplicatedRecordId });
    expect(FAILURES.missingRecordId.errorCode).toBe('Lambda.MissingRecordId');
    expect(FAILURES.duplicatedRecordId.errorCode).toBe('Lambda.DuplicatedRecordId');
  });

  it('fails the batch, without retrying, when the response breaks the status model', () => {
    for (const payload of [
      'not json',
      '{}',
      '{"records":{}}',
      JSON.stringify({ records: [{ recordId: 'a', result: 'Maybe' }] }),
    ]) {
      const result = interpretInvocation([record('a')], { kind: 'response', payload });
      expect(result).toEqual({ ok: false, failure: FAILURES.jsonProcessing });
      expect(FAILURES.jsonProcessing.retryable).toBe(false);
    }
    const okWithoutData = response([{ recordId: 'a', result: 'Ok' }]);
    expect(interpretInvocation([record('a')], okWithoutData)).toMatchObject({ ok: false });
  });

  it('retries function errors and timeouts, naming them as Firehose does', () => {
    const thrown = interpretInvocation(sent, {
      kind: 'response',
      functionError: 'Unhandled',
      payload: JSON.stringify({ errorType: 'Error', errorMessage: 'boom' }),
    });
    expect(thrown).toEqual({ ok: false, failure: FAILURES.functionError });
    expect(FAILURES.functionError).toMatchObject({ errorCode: 'Lambda.FunctionError', retryable: true });
    const timedOut = interpretInvocation(sent, {
      kind: 'response',
      functionError: 'Unhandled',
      payload: JSON.stringify({
        errorMessage: '2026-01-01T00:00:00.000Z abc Task timed out after 3.00 seconds',
      }),
    });
    expect(timedOut).toEqual({ ok: false, failure: FAILURES.timedOut });
    const missing = interpretInvocation(sent, {
      kind: 'error',
      name: 'ResourceNotFoundException',
      message: 'no',
    });
    expect(missing).toMatchObject({
      ok: false,
      failure: { errorCode: 'Lambda.ResourceNotFound', retryable: true },
    });
  });
});

describe('the processing-failed output', () => {
  it('writes one JSON object per line with the documented fields, in order', () => {
    const line = processingFailedLine(
      record('a', 'not json'),
      PROCESSING_FAILED_STATUS,
      1,
      1_700_000_001_000,
      'arn:l',
    );
    const body = errorOutputBody([line, line]).toString();
    const lines = body.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(Object.keys(JSON.parse(lines[0] ?? ''))).toEqual([
      'attemptsMade',
      'arrivalTimestamp',
      'errorCode',
      'errorMessage',
      'attemptEndingTimestamp',
      'rawData',
      'lambdaArn',
    ]);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      attemptsMade: 1,
      arrivalTimestamp: 1_700_000_000_000,
      errorCode: 'Lambda.ProcessingFailedStatus',
      errorMessage: 'ProcessingFailed status set for record',
      attemptEndingTimestamp: 1_700_000_001_000,
      rawData: b64('not json'),
      lambdaArn: 'arn:l',
    });
  });
});
