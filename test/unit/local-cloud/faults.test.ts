import { describe, expect, it } from 'vitest';
import { FaultSwitch, parseFaultRequest } from '../../../src/local-cloud/edge/faults.js';

const services = ['s3', 'kinesis'];

describe('fault requests', () => {
  it('takes a well-formed request', () => {
    expect(
      parseFaultRequest(
        { service: 's3', errorCode: 'InternalError', status: 500, rate: 0.5, durationMs: 3000 },
        services,
      ),
    ).toEqual({
      service: 's3',
      errorCode: 'InternalError',
      status: 500,
      rate: 0.5,
      durationMs: 3000,
    });
  });

  it.each([
    [null, /JSON object/],
    [{ service: 'dynamodb', errorCode: 'X', status: 500, count: 1 }, /service must be one of: s3, kinesis/],
    [{ service: 's3', errorCode: 'no spaces', status: 500, count: 1 }, /errorCode/],
    [{ service: 's3', errorCode: 'SlowDown', status: 200, count: 1 }, /status must be an HTTP error status/],
    [
      { service: 's3', errorCode: 'SlowDown', status: 503, rate: 2, count: 1 },
      /rate must be over 0 and at most 1/,
    ],
    [{ service: 's3', errorCode: 'SlowDown', status: 503 }, /give durationMs, count or both/],
    [{ service: 's3', errorCode: 'SlowDown', status: 503, count: 1.5 }, /whole number/],
    [
      { service: 's3', errorCode: 'SlowDown', status: 503, count: 1, forever: true },
      /unknown field\(s\): forever/,
    ],
  ])('says what is wrong with %j', (input, message) => {
    expect(() => parseFaultRequest(input, services)).toThrow(message);
  });
});

describe('the fault switch', () => {
  it('fails the service it names, with its code and status, until its time is up', () => {
    let now = 1_000;
    const faults = new FaultSwitch(() => now);
    faults.add({ service: 's3', errorCode: 'ServiceUnavailable', status: 503, durationMs: 500 });
    expect(faults.take('kinesis')).toBeUndefined();
    expect(faults.take('s3')).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    now = 1_499;
    expect(faults.take('s3')).toBeDefined();
    now = 1_500;
    expect(faults.take('s3')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('fails a given number of requests', () => {
    const faults = new FaultSwitch();
    faults.add({ service: 's3', errorCode: 'InternalError', status: 500, count: 2 });
    expect([faults.take('s3'), faults.take('s3'), faults.take('s3')].map((e) => e?.code)).toEqual([
      'InternalError',
      'InternalError',
      undefined,
    ]);
  });

  it('fails the share of requests its rate asks for', () => {
    const draws = [0.1, 0.6, 0.29, 0.3];
    const faults = new FaultSwitch(Date.now, () => draws.shift() ?? 1);
    faults.add({ service: 's3', errorCode: 'SlowDown', status: 503, rate: 0.3, count: 10 });
    expect([1, 2, 3, 4].map(() => faults.take('s3') !== undefined)).toEqual([true, false, true, false]);
    expect(faults.list()[0]).toMatchObject({ injected: 2, remaining: 8 });
  });

  it('ends the faults of one service, or all', () => {
    const faults = new FaultSwitch();
    faults.add({ service: 's3', errorCode: 'A', status: 500, count: 5 });
    faults.add({ service: 'kinesis', errorCode: 'B', status: 500, count: 5 });
    expect(faults.clear('s3')).toBe(1);
    expect(faults.list().map((f) => f.service)).toEqual(['kinesis']);
    expect(faults.clear()).toBe(1);
    expect(faults.take('kinesis')).toBeUndefined();
  });
});
