import { describe, expect, it } from 'vitest';
import { partitionKeyHash } from '../../../src/local-cloud/kinesis/hash-keys.js';
import { hashKeyOf, putRecordEntry, putRecordsEntries } from '../../../src/local-cloud/kinesis/put-input.js';

const b64 = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64');

function error(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

describe('PutRecords input', () => {
  it('routes by partition key or explicit hash key, and sizes records as data plus key', () => {
    const entries = putRecordsEntries({
      StreamName: 's',
      Records: [
        { PartitionKey: 'user_1', Data: b64(10) },
        { PartitionKey: 'ü', ExplicitHashKey: '42', Data: b64(0) },
      ],
    });
    expect(entries.map((entry) => ({ hashKey: hashKeyOf(entry), size: entry.size }))).toEqual([
      { hashKey: partitionKeyHash('user_1'), size: 16 },
      { hashKey: 42n, size: 2 },
    ]);
    expect(hashKeyOf(putRecordEntry({ StreamName: 's', PartitionKey: 'user_1', Data: b64(1) }))).toBe(
      partitionKeyHash('user_1'),
    );
  });

  it('lists every violation in one ValidationException, as AWS does', () => {
    expect(
      error(() =>
        putRecordsEntries({
          StreamName: 'bad name',
          Records: [
            { PartitionKey: '', Data: b64(1) },
            { PartitionKey: 'k', ExplicitHashKey: '-1' },
          ],
        }),
      ),
    ).toEqual({
      code: 'ValidationException',
      message:
        "4 validation errors detected: Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '-1' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null; " +
        "Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    });
  });

  it('reports data over 1 MiB as AWS renders a blob', () => {
    expect(
      error(() =>
        putRecordsEntries({ StreamName: 's', Records: [{ PartitionKey: 'k', Data: b64(1048577) }] }),
      ).message,
    ).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
  });

  it('refuses a record whose data and partition key together pass 1 MiB', () => {
    expect(
      error(() =>
        putRecordsEntries({ StreamName: 's', Records: [{ PartitionKey: 'ab', Data: b64(1048575) }] }),
      ),
    ).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    });
  });

  it('refuses requests over 5 MiB in all', () => {
    const records = Array.from({ length: 6 }, () => ({ PartitionKey: 'k', Data: b64(1024 * 1024 - 1) }));
    expect(error(() => putRecordsEntries({ StreamName: 's', Records: records }))).toEqual({
      code: 'InvalidArgumentException',
      message: 'Records size exceeds 5 MB limit',
    });
  });

  it('refuses explicit hash keys past 2^128-1 with AWS message', () => {
    const key = (1n << 128n).toString();
    expect(
      error(() => putRecordEntry({ StreamName: 's', PartitionKey: 'k', ExplicitHashKey: key, Data: b64(1) })),
    ).toEqual({
      code: 'InvalidArgumentException',
      message: `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${key}`,
    });
  });

  it('reports members of the wrong JSON type as SerializationException', () => {
    expect(error(() => putRecordsEntries({ StreamName: 's', Records: 'nope' })).code).toBe(
      'SerializationException',
    );
    expect(error(() => putRecordEntry({ StreamName: 's', PartitionKey: 5, Data: b64(1) })).code).toBe(
      'SerializationException',
    );
    expect(
      error(() => putRecordEntry({ StreamName: 's', PartitionKey: 'k', Data: 'abc' })).message,
    ).toContain('Base64 encoded length is expected a multiple of 4 bytes but found: 3');
  });
});
