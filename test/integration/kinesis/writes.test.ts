import { createHash } from 'node:crypto';
import {
  KinesisClient,
  KinesisServiceException,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseClientOptions } from '../../../src/config/clients.js';
import { allShards, createActiveStream, readShard, readStream, text } from '../../support/kinesis.js';
import { TEST_CREDENTIALS, TEST_REGION, useLocalCloud } from '../../support/local-cloud.js';

function entries(count: number, prefix: string, dataBytes = 16): PutRecordsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    PartitionKey: `${prefix}-${i}`,
    Data: Buffer.from(`${prefix}-${i}:`.padEnd(dataBytes, 'x')),
  }));
}

async function rejection(promise: Promise<unknown>): Promise<KinesisServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KinesisServiceException);
  return error as KinesisServiceException;
}

/** Where Kinesis puts a partition key: the shard whose hash key range holds its MD5 as a 128-bit number. */
function expectedShard(shards: Awaited<ReturnType<typeof allShards>>, key: bigint): string | undefined {
  return shards.find(
    (s) =>
      BigInt(s.HashKeyRange?.StartingHashKey ?? -1) <= key &&
      key <= BigInt(s.HashKeyRange?.EndingHashKey ?? -1),
  )?.ShardId;
}

const md5 = (key: string) => BigInt(`0x${createHash('md5').update(key).digest('hex')}`);

describe('Kinesis writes with AWS limits', () => {
  const lc = useLocalCloud();
  const kinesis = () => lc().clients.kinesis;

  it('throttles a 1-shard stream written faster than 1,000 records/s, failing entries in place', async () => {
    await createActiveStream(kinesis(), { StreamName: 'throttled-count', ShardCount: 1 });
    const sent: PutRecordsRequestEntry[] = [];
    const results: PutRecordsResultEntry[] = [];
    let failedCount = 0;
    // 500 records a call, as fast as the machine goes, until the shard's budget runs out.
    for (let round = 0; round < 40 && failedCount === 0; round++) {
      const batch = entries(500, `r${round}`);
      const output = await kinesis().send(
        new PutRecordsCommand({ StreamName: 'throttled-count', Records: batch }),
      );
      expect(output.Records).toHaveLength(batch.length);
      sent.push(...batch);
      results.push(...(output.Records ?? []));
      failedCount += output.FailedRecordCount ?? 0;
      expect(output.FailedRecordCount).toBe(output.Records?.filter((r) => r.ErrorCode).length);
    }
    expect(failedCount).toBeGreaterThan(0);
    const throttled = results.filter((r) => r.ErrorCode);
    for (const result of throttled) {
      expect(result).toEqual({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage:
          'Rate exceeded for shard shardId-000000000000 in stream throttled-count under account 000000000000.',
      });
    }
    // Exactly the accepted entries were written, each where its result says.
    const stored = await readShard(kinesis(), 'throttled-count', 'shardId-000000000000');
    const accepted = sent.filter((_, i) => !results[i]?.ErrorCode);
    expect(stored.map((r) => text(r.Data))).toEqual(accepted.map((e) => text(e.Data)));
    expect(stored.map((r) => r.SequenceNumber)).toEqual(
      results.filter((r) => !r.ErrorCode).map((r) => r.SequenceNumber),
    );
  });

  it('throttles past 1 MiB/s per shard even within the record count', async () => {
    await createActiveStream(kinesis(), { StreamName: 'throttled-bytes', ShardCount: 1 });
    // 500 records of 4 KiB are 2 MiB: more than a shard takes in one second.
    const batch = entries(500, 'big', 4096);
    const output = await kinesis().send(
      new PutRecordsCommand({ StreamName: 'throttled-bytes', Records: batch }),
    );
    const accepted = output.Records?.filter((r) => !r.ErrorCode) ?? [];
    expect(output.FailedRecordCount).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    // A shard holds about one second of writes: 1 MiB, about 256 of these records.
    expect(accepted.length).toBeLessThanOrEqual(Math.ceil((2 * 1024 * 1024) / 4100));
    const stored = await readShard(kinesis(), 'throttled-bytes', 'shardId-000000000000');
    expect(stored.map((r) => r.PartitionKey)).toEqual(
      batch.filter((_, i) => !output.Records?.[i]?.ErrorCode).map((e) => e.PartitionKey),
    );
  });

  it('throws ProvisionedThroughputExceededException from PutRecord over the limit', async () => {
    await createActiveStream(kinesis(), { StreamName: 'throttled-single', ShardCount: 1 });
    const once = new KinesisClient({
      ...baseClientOptions({
        region: TEST_REGION,
        endpoint: lc().cloud.endpoint,
        credentials: TEST_CREDENTIALS,
      }),
      maxAttempts: 1,
    });
    try {
      const data = Buffer.alloc(900 * 1024, 7);
      let thrown: unknown;
      for (let i = 0; i < 10 && !thrown; i++) {
        await once
          .send(new PutRecordCommand({ StreamName: 'throttled-single', PartitionKey: 'p', Data: data }))
          .catch((error: unknown) => {
            thrown = error;
          });
      }
      expect(thrown).toBeInstanceOf(KinesisServiceException);
      expect((thrown as KinesisServiceException).name).toBe('ProvisionedThroughputExceededException');
      expect((thrown as KinesisServiceException).message).toBe(
        'Rate exceeded for shard shardId-000000000000 in stream throttled-single under account 000000000000.',
      );
    } finally {
      once.destroy();
    }
  });

  it('routes each record to the shard holding the MD5 of its partition key, and by ExplicitHashKey', async () => {
    await createActiveStream(kinesis(), { StreamName: 'routed', ShardCount: 5 });
    const shards = await allShards(kinesis(), 'routed');
    expect(shards).toHaveLength(5);
    const batch = entries(200, 'user');
    const explicit = [0n, (1n << 127n) + 5n, (1n << 128n) - 1n].map((key, i) => ({
      PartitionKey: `explicit-${i}`,
      ExplicitHashKey: key.toString(),
      Data: Buffer.from(`explicit-${i}`),
    }));
    const output = await kinesis().send(
      new PutRecordsCommand({ StreamName: 'routed', Records: [...batch, ...explicit] }),
    );
    expect(output.FailedRecordCount).toBe(0);
    batch.forEach((entry, i) => {
      expect(output.Records?.[i]?.ShardId).toBe(expectedShard(shards, md5(entry.PartitionKey as string)));
    });
    explicit.forEach((entry, i) => {
      expect(output.Records?.[batch.length + i]?.ShardId).toBe(
        expectedShard(shards, BigInt(entry.ExplicitHashKey)),
      );
    });
    const stored = await readStream(kinesis(), 'routed');
    for (const [shardId, records] of stored) {
      for (const record of records) {
        const key = record.PartitionKey as string;
        const entry = explicit.find((e) => e.PartitionKey === key);
        expect(shardId).toBe(expectedShard(shards, entry ? BigInt(entry.ExplicitHashKey) : md5(key)));
      }
    }
  });

  it('keeps shard budgets apart: a hot shard throttles while the others accept', async () => {
    await createActiveStream(kinesis(), { StreamName: 'hot-shard', ShardCount: 2 });
    const shards = await allShards(kinesis(), 'hot-shard');
    const first = shards[0] as (typeof shards)[number];
    const hot = Array.from({ length: 2000 }, (_, i) => `k${i}`)
      .filter((key) => expectedShard(shards, md5(key)) === first.ShardId)
      .slice(0, 300);
    const cold = Array.from({ length: 2000 }, (_, i) => `c${i}`)
      .filter((key) => expectedShard(shards, md5(key)) !== first.ShardId)
      .slice(0, 100);
    const records = [...hot, ...cold].map((key) => ({ PartitionKey: key, Data: Buffer.alloc(8000, 1) }));
    const output = await kinesis().send(new PutRecordsCommand({ StreamName: 'hot-shard', Records: records }));
    const failed = output.Records?.map((r, i) => (r.ErrorCode ? records[i]?.PartitionKey : undefined)).filter(
      Boolean,
    );
    expect(failed?.length).toBeGreaterThan(0);
    expect(failed?.every((key) => hot.includes(key as string))).toBe(true);
  });

  it('refuses more than 500 records a call with AWS ValidationException, writing none', async () => {
    await createActiveStream(kinesis(), { StreamName: 'too-many', ShardCount: 1 });
    const error = await rejection(
      kinesis().send(new PutRecordsCommand({ StreamName: 'too-many', Records: entries(501, 'x') })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /^1 validation error detected: Value '\[com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@\w+(, com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@\w+){500}\]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
    );
    expect(await readShard(kinesis(), 'too-many', 'shardId-000000000000')).toEqual([]);
  });

  it('refuses partition keys over 256 characters and records over 1 MiB of data plus key', async () => {
    await createActiveStream(kinesis(), { StreamName: 'sizes', ShardCount: 1 });
    const longKey = await rejection(
      kinesis().send(
        new PutRecordsCommand({
          StreamName: 'sizes',
          Records: [{ PartitionKey: 'k'.repeat(257), Data: Buffer.from('x') }],
        }),
      ),
    );
    expect(longKey.name).toBe('ValidationException');
    expect(longKey.message).toBe(
      `1 validation error detected: Value '${'k'.repeat(257)}' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    const tooBig = await rejection(
      kinesis().send(
        new PutRecordCommand({
          StreamName: 'sizes',
          PartitionKey: 'key',
          Data: Buffer.alloc(1024 * 1024 - 2),
        }),
      ),
    );
    expect(tooBig.name).toBe('ValidationException');
    expect(tooBig.message).toContain('Member must have length less than or equal to 1048576');
    expect(await readShard(kinesis(), 'sizes', 'shardId-000000000000')).toEqual([]);
  });

  it('addresses a stream by StreamARN alone, and says what is wrong with a bad or missing one', async () => {
    await createActiveStream(kinesis(), { StreamName: 'by-arn', ShardCount: 1 });
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/by-arn';
    const put = await kinesis().send(
      new PutRecordsCommand({
        StreamARN: arn,
        Records: [{ PartitionKey: 'a', Data: Buffer.from('via arn') }],
      }),
    );
    expect(put.Records?.[0]?.ShardId).toBe('shardId-000000000000');
    const one = await kinesis().send(
      new PutRecordCommand({ StreamARN: arn, PartitionKey: 'b', Data: Buffer.from('one') }),
    );
    expect(one.ShardId).toBe('shardId-000000000000');
    expect((await readShard(kinesis(), 'by-arn', 'shardId-000000000000')).map((r) => text(r.Data))).toEqual([
      'via arn',
      'one',
    ]);

    const malformed = await rejection(
      kinesis().send(
        new PutRecordCommand({ StreamARN: 'by-arn', PartitionKey: 'a', Data: Buffer.from('x') }),
      ),
    );
    expect(malformed.name).toBe('ValidationException');
    expect(malformed.message).toBe(
      "1 validation error detected: Value 'by-arn' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
    );
    const neither = await rejection(
      kinesis().send(new PutRecordCommand({ PartitionKey: 'a', Data: Buffer.from('x') })),
    );
    expect(neither.name).toBe('InvalidArgumentException');
    expect(neither.message).toMatch(/StreamName or StreamARN/);
    const otherRegion = await rejection(
      kinesis().send(
        new PutRecordCommand({
          StreamARN: 'arn:aws:kinesis:eu-west-1:000000000000:stream/by-arn',
          PartitionKey: 'a',
          Data: Buffer.from('x'),
        }),
      ),
    );
    expect(otherRegion.name).toBe('InvalidArgumentException');
    expect(otherRegion.message).toContain('is in region eu-west-1');
    const missing = await rejection(
      kinesis().send(
        new PutRecordCommand({
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream',
          PartitionKey: 'a',
          Data: Buffer.from('x'),
        }),
      ),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('Stream no-such-stream under account 000000000000 not found.');
  });
});

describe('Kinesis fault injection', () => {
  const lc = useLocalCloud({ kinesis: { enforceLimits: true, failureRate: 0.5 } });
  const kinesis = () => lc().clients.kinesis;

  it('fails about the configured fraction of PutRecords entries with InternalFailure, writing the rest', async () => {
    await createActiveStream(kinesis(), { StreamName: 'faulty', ShardCount: 4 });
    const batch = entries(400, 'f');
    const output = await kinesis().send(new PutRecordsCommand({ StreamName: 'faulty', Records: batch }));
    const failed = output.Records?.filter((r) => r.ErrorCode) ?? [];
    expect(output.FailedRecordCount).toBe(failed.length);
    // Half of 400 independent entries: far from none and from all (the odds of either are below 1e-100).
    expect(failed.length).toBeGreaterThan(100);
    expect(failed.length).toBeLessThan(300);
    expect(new Set(failed.map((r) => `${r.ErrorCode}: ${r.ErrorMessage}`))).toEqual(
      new Set(['InternalFailure: Internal service failure.']),
    );
    const stored = [...(await readStream(kinesis(), 'faulty')).values()].flat();
    const written = batch.filter((_, i) => !output.Records?.[i]?.ErrorCode).map((e) => e.PartitionKey);
    expect(stored.map((r) => r.PartitionKey).sort()).toEqual(written.sort());
  });
});

describe('Kinesis fault injection from the environment', () => {
  // Set before the local cloud starts (hooks run in order), which reads it once.
  beforeAll(() => {
    process.env.KINESIS_TUI_KINESIS_FAILURE_RATE = '1';
  });
  const lc = useLocalCloud({}, { own: true });
  afterAll(() => {
    delete process.env.KINESIS_TUI_KINESIS_FAILURE_RATE;
  });

  it('fails every entry when KINESIS_TUI_KINESIS_FAILURE_RATE=1, and writes none', async () => {
    const kinesis = lc().clients.kinesis;
    await createActiveStream(kinesis, { StreamName: 'all-fail', ShardCount: 1 });
    const output = await kinesis.send(
      new PutRecordsCommand({ StreamName: 'all-fail', Records: entries(20, 'e') }),
    );
    expect(output.FailedRecordCount).toBe(20);
    expect(output.Records?.every((r) => r.ErrorCode === 'InternalFailure')).toBe(true);
    expect(await readShard(kinesis, 'all-fail', 'shardId-000000000000')).toEqual([]);
  });
});

describe('Kinesis without limits (--no-limits)', () => {
  const lc = useLocalCloud({ kinesis: { enforceLimits: false, failureRate: 0 } });

  it('takes writes past a shard rate, all of them', async () => {
    const kinesis = lc().clients.kinesis;
    await createActiveStream(kinesis, { StreamName: 'unlimited', ShardCount: 1 });
    for (let round = 0; round < 3; round++) {
      const output = await kinesis.send(
        new PutRecordsCommand({ StreamName: 'unlimited', Records: entries(500, `u${round}`, 4096) }),
      );
      expect(output.FailedRecordCount).toBe(0);
    }
    expect(await readShard(kinesis, 'unlimited', 'shardId-000000000000')).toHaveLength(1500);
  });
});
