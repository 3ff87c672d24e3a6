import { describe, expect, it } from 'vitest';
import { streamArn, targetStream } from '../../../src/local-cloud/kinesis/arn.js';
import { failureRateOf } from '../../../src/local-cloud/kinesis/service.js';

function error(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

describe('which stream a request names', () => {
  const arn = streamArn('us-east-1', 'orders');

  it('takes StreamName, StreamARN, or both when they agree', () => {
    expect(arn).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/orders');
    expect(targetStream({ StreamName: 'orders' }, 'us-east-1')).toBe('orders');
    expect(targetStream({ StreamARN: arn }, 'us-east-1')).toBe('orders');
    expect(targetStream({ StreamName: 'orders', StreamARN: arn }, 'us-east-1')).toBe('orders');
  });

  it('says what is wrong otherwise', () => {
    expect(error(() => targetStream({}, 'us-east-1')).code).toBe('InvalidArgumentException');
    expect(error(() => targetStream({ StreamName: 'other', StreamARN: arn }, 'us-east-1')).message).toMatch(
      /name different streams/,
    );
    expect(
      error(() =>
        targetStream({ StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders' }, 'us-east-1'),
      ).message,
    ).toMatch(/belongs to account 123456789012/);
    expect(error(() => targetStream({ StreamARN: arn }, 'eu-west-1')).message).toMatch(
      /is in region us-east-1/,
    );
    expect(error(() => targetStream({ StreamARN: 'arn:aws:s3:::bucket' }, 'us-east-1')).code).toBe(
      'ValidationException',
    );
  });
});

describe('fault injection rate', () => {
  it('takes the option, else the environment variable, and refuses nonsense', () => {
    expect(failureRateOf(0.2, '0.9')).toBe(0.2);
    expect(failureRateOf(0, '0.25')).toBe(0.25);
    expect(failureRateOf(0, undefined)).toBe(0);
    expect(failureRateOf(0, '')).toBe(0);
    expect(() => failureRateOf(0, 'lots')).toThrow(
      /KINESIS_TUI_KINESIS_FAILURE_RATE=lots is not a fraction between 0 and 1/,
    );
    expect(() => failureRateOf(0, '1.5')).toThrow(/not a fraction/);
  });
});
