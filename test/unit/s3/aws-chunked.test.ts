import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAwsChunked,
  decodeBody,
  isAwsChunked,
  storedContentEncoding,
} from '../../../src/local-cloud/s3/aws-chunked.js';

/** Frames data the way SDKs do: chunks, an empty last chunk, then trailers. */
function frame(parts: Buffer[], { signed = false, trailers = {} as Record<string, string> } = {}): Buffer {
  const signature = signed ? `;chunk-signature=${'ab'.repeat(32)}` : '';
  const chunks = parts.flatMap((part) => [
    Buffer.from(`${part.length.toString(16)}${signature}\r\n`),
    part,
    Buffer.from('\r\n'),
  ]);
  const tail = Object.entries(trailers)
    .map(([name, value]) => `${name}:${value}\r\n`)
    .join('');
  return Buffer.concat([...chunks, Buffer.from(`0${signature}\r\n${tail}\r\n`)]);
}

describe('aws-chunked bodies', () => {
  it('recovers the exact bytes and the trailers of an unsigned streaming upload', () => {
    const data = Buffer.from('hello world');
    const decoded = decodeAwsChunked(
      frame([data.subarray(0, 6), data.subarray(6)], { trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' } }),
      11,
    );
    expect(decoded.payload.toString()).toBe('hello world');
    expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': 'DUoRhQ==' });
  });

  it('recovers any bytes however they are chunked, signed or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 }),
        fc.boolean(),
        (arrays, signed) => {
          const parts = arrays.map((a) => Buffer.from(a));
          const expected = Buffer.concat(parts);
          const decoded = decodeAwsChunked(frame(parts, { signed }), expected.length);
          expect(decoded.payload.equals(expected)).toBe(true);
        },
      ),
    );
  });

  it('keeps CRLF bytes inside the data as data', () => {
    const data = Buffer.from('line\r\n0\r\n\r\nmore');
    expect(decodeAwsChunked(frame([data])).payload.equals(data)).toBe(true);
  });

  it('refuses a body shorter than its chunk sizes or its decoded length', () => {
    const whole = frame([randomBytes(100)]);
    expect(() => decodeAwsChunked(whole.subarray(0, 50))).toThrow(/shorter than its declared size/);
    expect(() => decodeAwsChunked(whole, 99)).toThrow(/x-amz-decoded-content-length \(99\)/);
    expect(() => decodeAwsChunked(Buffer.from('zz\r\n'))).toThrow(/is not a chunk size/);
  });

  it('knows an aws-chunked request by its encoding or its content hash', () => {
    expect(isAwsChunked({ 'content-encoding': 'aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
    expect(decodeBody({}, Buffer.from('5\r\nplain')).payload.toString()).toBe('5\r\nplain');
  });

  it('stores the content encoding without aws-chunked', () => {
    expect(storedContentEncoding({ 'content-encoding': 'aws-chunked' })).toBeUndefined();
    expect(storedContentEncoding({ 'content-encoding': 'aws-chunked,gzip' })).toBe('gzip');
    expect(storedContentEncoding({ 'content-encoding': 'gzip' })).toBe('gzip');
  });
});
