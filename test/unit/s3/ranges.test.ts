import { describe, expect, it } from 'vitest';
import { resolveRange } from '../../../src/local-cloud/s3/ranges.js';

describe('Range headers as S3 reads them', () => {
  it('resolves one range against the object size, capping its end', () => {
    expect(resolveRange('bytes=0-0', 100)).toBe('bytes=0-0');
    expect(resolveRange('bytes=50-', 100)).toBe('bytes=50-99');
    expect(resolveRange('bytes=50-700', 100)).toBe('bytes=50-99');
    expect(resolveRange('bytes=-60', 100)).toBe('bytes=40-99');
    expect(resolveRange('bytes=-700', 100)).toBe('bytes=0-99');
  });

  it('ignores what is no single valid range: the whole object is sent', () => {
    for (const range of [
      'bytes=1-0',
      'bytes=-1-',
      'bytes=0--1',
      'bytes=0-1,3-4',
      'bytes=-',
      'items=0-1',
      '',
    ]) {
      expect(resolveRange(range, 100), range).toBeNull();
    }
  });

  it('refuses a range starting past the end, and an empty suffix, as InvalidRange', () => {
    for (const range of ['bytes=100-200', 'bytes=100-', 'bytes=-0']) {
      expect(() => resolveRange(range, 100), range).toThrow(
        expect.objectContaining({
          code: 'InvalidRange',
          status: 416,
          details: { RangeRequested: range, ActualObjectSize: '100' },
        }),
      );
    }
  });
});
