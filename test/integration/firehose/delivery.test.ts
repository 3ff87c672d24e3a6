// Delivery end to end through the SDK: records put into a Kinesis stream come out of Firehose in S3,
// transformed by a real Lambda function, under Firehose's key format, with failures in the error output.
import { gunzipSync } from 'node:zlib';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  PutRecordBatchCommand,
} from '@aws-sdk/client-firehose';
import { UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import type { FirehoseTransformationEvent, FirehoseTransformationRecord } from '../../../lambda/contract.js';
import type { ProcessingFailedLine } from '../../../src/local-cloud/firehose/transformation.js';
import {
  createPipeline,
  type DeliveredObject,
  FIREHOSE_ROLE,
  functionLogLines,
  linesOf,
  objectReader,
  putAll,
} from '../../support/delivery.js';
import { injectFault, listFaults } from '../../support/faults.js';
import { waitForStatus } from '../../support/kinesis.js';
import { aggregateRecords } from '../../support/kpl.js';
import { createInlineFunction } from '../../support/lambda.js';
import {
  type LocalCloudFixture,
  startTestCloud,
  stopTestCloud,
  useLocalCloud,
} from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

// Transforms each record into a JSON line carrying what Firehose sent with it, so the test can check the
// event contract; data starting with drop/fail asks for Dropped/ProcessingFailed; a batch holding a record
// starting with omit/dup answers without its first record id, or with it twice.
const CONTRACT_HANDLER = `
exports.handler = async (event) => {
  const texts = event.records.map((r) => Buffer.from(r.data, 'base64').toString('utf8'));
  let records = event.records.map((r, i) => {
    const text = texts[i];
    if (text.startsWith('drop')) return { recordId: r.recordId, result: 'Dropped', data: r.data };
    if (text.startsWith('fail')) return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
    const line = JSON.stringify({
      text: text.toUpperCase(),
      recordId: r.recordId,
      approximateArrivalTimestamp: r.approximateArrivalTimestamp,
      kinesisRecordMetadata: r.kinesisRecordMetadata,
      invocationId: event.invocationId,
      deliveryStreamArn: event.deliveryStreamArn,
      sourceKinesisStreamArn: event.sourceKinesisStreamArn,
      region: event.region,
    }) + '\\n';
    return { recordId: r.recordId, result: 'Ok', data: Buffer.from(line).toString('base64') };
  });
  if (texts.some((t) => t.startsWith('omit'))) records = records.slice(1);
  if (texts.some((t) => t.startsWith('dup'))) records = [...records, records[0]];
  return { records };
};
`;

// One line per record, the data unchanged; prints each invocation's record count and event size.
const LINES_HANDLER = `
exports.handler = async (event) => {
  console.log('invocation ' + JSON.stringify({ records: event.records.length, bytes: Buffer.byteLength(JSON.stringify(event)) }));
  return {
    records: event.records.map((r) => ({
      recordId: r.recordId,
      result: 'Ok',
      data: Buffer.concat([Buffer.from(r.data, 'base64'), Buffer.from('\\n')]).toString('base64'),
    })),
  };
};
`;

const THROWING_HANDLER = `
exports.handler = async (event) => {
  console.log('invoked with ' + event.records.length + ' records');
  throw new Error('the transform broke');
};
`;

const SLOW_HANDLER = `
exports.handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 10000));
  return { records: [] };
};
`;

/** What CONTRACT_HANDLER writes for each record: the event's fields as the function received them. */
type ContractLine = { text: string } & Required<
  Pick<FirehoseTransformationRecord, 'recordId' | 'approximateArrivalTimestamp' | 'kinesisRecordMetadata'>
> &
  Required<Omit<FirehoseTransformationEvent, 'records'>>;

const NAME_TIME =
  /(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The time in an object's name (`<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>`), epoch ms (UTC). */
function nameTime(key: string): number {
  const m = NAME_TIME.exec(key);
  if (!m) throw new Error(`${key} does not end in Firehose's object name`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

function failedLines(objects: readonly DeliveredObject[]): ProcessingFailedLine[] {
  return linesOf(objects).map((line) => JSON.parse(line) as ProcessingFailedLine);
}

function decoded(line: ProcessingFailedLine): string {
  return Buffer.from(line.rawData, 'base64').toString('utf8');
}

// Generous timeouts: the machine is shared, and each test waits for conditions rather than for time.
describe('Firehose delivery from a Kinesis stream through a Lambda processor to S3', {
  timeout: 120_000,
}, () => {
  const lc = useLocalCloud({ firehosePollMs: 250 });
  let contractArn = '';
  let linesArn = '';

  it('delivers transformed records under the default prefix and object name, within a wait at interval 0', async () => {
    const { clients } = lc();
    contractArn =
      (await createInlineFunction(clients.lambda, 'fh-contract', CONTRACT_HANDLER)).FunctionArn ?? '';
    linesArn = (await createInlineFunction(clients.lambda, 'fh-lines', LINES_HANDLER)).FunctionArn ?? '';
    const pipeline = await createPipeline(clients, { name: 'fh-default', lambdaArn: contractArn });
    const before = Date.now();
    await putAll(clients, pipeline.stream, [
      { data: 'first', partitionKey: 'alpha' },
      { data: 'second', partitionKey: 'beta' },
      { data: 'third', partitionKey: 'gamma' },
    ]);
    const after = Date.now();
    const read = objectReader(clients.s3, pipeline.bucket);
    const objects = await waitFor('three transformed records in S3', async () => {
      const all = await read();
      return linesOf(all).length >= 3 ? all : undefined;
    });
    const lines = linesOf(objects).map((line) => JSON.parse(line) as ContractLine);
    expect(lines.map((l) => l.text).sort()).toEqual(['FIRST', 'SECOND', 'THIRD']);
    for (const line of lines) {
      expect(line).toMatchObject({
        deliveryStreamArn: pipeline.deliveryStreamArn,
        sourceKinesisStreamArn: pipeline.streamArn,
        region: 'us-east-1',
        kinesisRecordMetadata: { shardId: 'shardId-000000000000', subsequenceNumber: 0 },
      });
      expect(line.invocationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(line.kinesisRecordMetadata.sequenceNumber).toMatch(/^\d+$/);
      expect(line.kinesisRecordMetadata.approximateArrivalTimestamp).toBe(line.approximateArrivalTimestamp);
      expect(line.approximateArrivalTimestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(line.approximateArrivalTimestamp).toBeLessThanOrEqual(after + 1000);
    }
    expect(lines.map((l) => l.kinesisRecordMetadata.partitionKey).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(new Set(lines.map((l) => l.recordId)).size).toBe(3);
    for (const { key } of objects) {
      // yyyy/MM/dd/HH/ of the oldest record's arrival, then <stream>-<version>-<that time>-<uuid>.
      expect(key).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}\/fh-default-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}$/);
      const time = nameTime(key);
      const d = new Date(time);
      const hourPrefix = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCHours()).padStart(2, '0')}/`;
      expect(key.startsWith(hourPrefix)).toBe(true);
      expect(time).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(time).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('delivers only what arrived after the delivery stream was created, from every shard', async () => {
    const { clients } = lc();
    const entries = (label: string) =>
      Array.from({ length: 20 }, (_, i) => ({ data: `${label}-${i}`, partitionKey: `${label}-${i}` }));
    const pipeline = await createPipeline(clients, {
      name: 'fh-start',
      shards: 3,
      lambdaArn: linesArn,
      before: entries('older'),
    });
    await putAll(clients, pipeline.stream, entries('newer'));
    const read = objectReader(clients.s3, pipeline.bucket);
    const lines = await waitFor('the newer records in S3', async () => {
      const all = linesOf(await read());
      return all.length >= 20 ? all : undefined;
    });
    // Shards are read in order, so the older records would have come first.
    expect([...lines].sort()).toEqual(
      entries('newer')
        .map((e) => e.data)
        .sort(),
    );
  });

  it('flushes by the size hint: a full buffer becomes an object at once, never a bigger one', async () => {
    const { clients } = lc();
    // No processor, 1 MB or 15 minutes: only the size can flush within the test's wait.
    const pipeline = await createPipeline(clients, {
      name: 'fh-size',
      buffer: { SizeInMBs: 1, IntervalInSeconds: 900 },
    });
    const record = (i: number) => `${`${String(i).padStart(5, '0')}-`.padEnd(1023, 's')}\n`;
    await putAll(
      clients,
      pipeline.stream,
      Array.from({ length: 2560 }, (_, i) => ({ data: record(i) })),
    );
    const read = objectReader(clients.s3, pipeline.bucket);
    const objects = await waitFor('two full objects', async () => {
      const all = await read();
      return all.length >= 2 ? all : undefined;
    });
    // 2.5 MB in: two 1 MB objects of the oldest records, in order; the last half waits for its interval.
    expect(objects.map((o) => o.body.length)).toEqual([1024 * 1024, 1024 * 1024]);
    const lines = linesOf([...objects].sort((a, b) => a.body.compare(b.body)));
    expect(lines.map((line) => Number(line.slice(0, 5)))).toEqual(Array.from({ length: 2048 }, (_, i) => i));
  });

  it('delivers DirectPut records (PutRecordBatch) to S3 with the delimiter processor', async () => {
    const { clients } = lc();
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'fh-direct' }));
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'fh-direct',
        ExtendedS3DestinationConfiguration: {
          RoleARN: FIREHOSE_ROLE,
          BucketARN: 'arn:aws:s3:::fh-direct',
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
          },
        },
      }),
    );
    await waitFor('fh-direct to be ACTIVE', async () => {
      const d = await clients.firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'fh-direct' }),
      );
      return d.DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE';
    });
    const sent = Array.from({ length: 30 }, (_, i) => `direct-${i}`);
    const result = await clients.firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'fh-direct',
        Records: sent.map((text) => ({ Data: Buffer.from(text) })),
      }),
    );
    expect(result.FailedPutCount).toBe(0);
    const read = objectReader(clients.s3, 'fh-direct');
    const objects = await waitFor('the records in S3', async () => {
      const all = await read();
      return linesOf(all).length >= 30 ? all : undefined;
    });
    expect(linesOf(objects)).toEqual(sent);
    for (const { key } of objects) expect(key).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}\/fh-direct-1-/);
  });

  it('evaluates a custom Prefix with !{timestamp:..} and !{firehose:random-string}', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, {
      name: 'fh-custom-prefix',
      lambdaArn: linesArn,
      destination: {
        Prefix: 'events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/!{firehose:random-string}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy}/',
      },
    });
    await putAll(clients, pipeline.stream, [{ data: 'one' }, { data: 'two' }]);
    const read = objectReader(clients.s3, pipeline.bucket);
    const objects = await waitFor('both records in S3', async () => {
      const all = await read();
      return linesOf(all).length >= 2 ? all : undefined;
    });
    expect(linesOf(objects).sort()).toEqual(['one', 'two']);
    for (const { key } of objects) {
      const m = /^events\/year=(\d{4})\/month=(\d{2})\/([^/]{11})\/fh-custom-prefix-1-.+$/.exec(key);
      expect(m, key).not.toBeNull();
      const time = new Date(nameTime(key));
      expect(Number(m?.[1])).toBe(time.getUTCFullYear());
      expect(Number(m?.[2])).toBe(time.getUTCMonth() + 1);
      // No default yyyy/MM/dd/HH/ is added when the Prefix has a timestamp of its own.
      expect(key.split('/')).toHaveLength(5);
    }
  });

  it('honours Ok, Dropped and ProcessingFailed; failed records go to processing-failed/ with the documented fields', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, { name: 'fh-results', lambdaArn: contractArn });
    const before = Date.now();
    await putAll(clients, pipeline.stream, [
      { data: 'keep-1' },
      { data: 'drop-1' },
      { data: 'fail-1' },
      { data: 'keep-2' },
      { data: 'drop-2' },
      { data: 'fail-2' },
    ]);
    const read = objectReader(clients.s3, pipeline.bucket);
    const failed = await waitFor('two failed records', async () => {
      const lines = failedLines(await read('processing-failed/'));
      return lines.length >= 2 ? lines : undefined;
    });
    const delivered = await waitFor('two delivered records', async () => {
      const all = (await read()).filter((o) => !o.key.startsWith('processing-failed/'));
      return linesOf(all).length >= 2 ? all : undefined;
    });
    expect(
      linesOf(delivered)
        .map((l) => (JSON.parse(l) as ContractLine).text)
        .sort(),
    ).toEqual(['KEEP-1', 'KEEP-2']);
    expect(failed.map(decoded).sort()).toEqual(['fail-1', 'fail-2']);
    for (const line of failed) {
      expect(Object.keys(line)).toEqual([
        'attemptsMade',
        'arrivalTimestamp',
        'errorCode',
        'errorMessage',
        'attemptEndingTimestamp',
        'rawData',
        'lambdaArn',
      ]);
      expect(line).toMatchObject({
        attemptsMade: 1,
        errorCode: 'Lambda.ProcessingFailedStatus',
        errorMessage: 'ProcessingFailed status set for record',
        lambdaArn: contractArn,
      });
      expect(line.arrivalTimestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(line.attemptEndingTimestamp).toBeGreaterThanOrEqual(line.arrivalTimestamp);
    }
    const failedKeys = (await read('processing-failed/')).map((o) => o.key);
    for (const key of failedKeys) {
      expect(key).toMatch(/^processing-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/fh-results-1-/);
    }
    // Dropped records are nowhere: neither delivered nor failed.
    const everything = (await read()).map((o) => o.body.toString('utf8')).join('\n');
    expect(everything).not.toMatch(/drop-|DROP-/);
  });

  it('fails the whole batch when the function leaves out a record id, or returns one twice', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, { name: 'fh-record-ids', lambdaArn: contractArn });
    const read = objectReader(clients.s3, pipeline.bucket);
    // One PutRecords to a one-shard stream is read in one GetRecords, so the records share an invocation.
    await putAll(clients, pipeline.stream, [{ data: 'omit-a' }, { data: 'fine-a' }]);
    const missing = await waitFor('the batch missing a record id in the error output', async () => {
      const lines = failedLines(await read('processing-failed/'));
      return lines.length >= 2 ? lines : undefined;
    });
    expect(missing.map(decoded).sort()).toEqual(['fine-a', 'omit-a']);
    for (const line of missing) {
      expect(line).toMatchObject({ errorCode: 'Lambda.MissingRecordId', attemptsMade: 1 });
      expect(line.errorMessage).toContain('One or more record IDs were not returned');
    }
    await putAll(clients, pipeline.stream, [{ data: 'dup-b' }, { data: 'fine-b' }]);
    const duplicated = await waitFor(
      'the batch with a duplicated record id in the error output',
      async () => {
        const lines = failedLines(await read('processing-failed/'));
        return lines.length >= 4 ? lines.filter((l) => l.errorCode !== 'Lambda.MissingRecordId') : undefined;
      },
    );
    expect(duplicated.map(decoded).sort()).toEqual(['dup-b', 'fine-b']);
    for (const line of duplicated) {
      expect(line).toMatchObject({ errorCode: 'Lambda.DuplicatedRecordId', attemptsMade: 1 });
    }
    expect(linesOf((await read()).filter((o) => !o.key.startsWith('processing-failed/')))).toEqual([]);
  });

  it('retries a function that throws NumberOfRetries times, then writes its records to processing-failed/', async () => {
    const { clients } = lc();
    const fn = await createInlineFunction(clients.lambda, 'fh-throwing', THROWING_HANDLER);
    // Firehose writes its delivery errors to a log stream that must exist, as the console creates it.
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/kinesisfirehose/fh-throwing' }));
    await clients.logs.send(
      new CreateLogStreamCommand({
        logGroupName: '/aws/kinesisfirehose/fh-throwing',
        logStreamName: 'DestinationDelivery',
      }),
    );
    const pipeline = await createPipeline(clients, {
      name: 'fh-throwing',
      lambdaArn: fn.FunctionArn ?? '',
      retries: 2,
      destination: {
        CloudWatchLoggingOptions: {
          Enabled: true,
          LogGroupName: '/aws/kinesisfirehose/fh-throwing',
          LogStreamName: 'DestinationDelivery',
        },
      },
    });
    const read = objectReader(clients.s3, pipeline.bucket);
    await putAll(clients, pipeline.stream, [{ data: 'broken-1' }, { data: 'broken-2' }]);
    const failed = await waitFor('the records in the error output', async () => {
      const lines = failedLines(await read('processing-failed/'));
      return lines.length >= 2 ? lines : undefined;
    });
    expect(failed.map(decoded).sort()).toEqual(['broken-1', 'broken-2']);
    for (const line of failed) {
      expect(line).toMatchObject({
        attemptsMade: 3,
        errorCode: 'Lambda.FunctionError',
        errorMessage: 'The Lambda function was successfully invoked but it returned an error result.',
        lambdaArn: fn.FunctionArn,
      });
    }
    // The first attempt and two retries, each seen by the function (its output reaches Logs a moment later).
    const invocations = await waitFor('three invocations in the function log', async () => {
      const lines = await functionLogLines(clients, 'fh-throwing', 'invoked with');
      return lines.length >= 3 ? lines : undefined;
    });
    expect(invocations).toHaveLength(3);
    expect(invocations.every((line) => line.includes('invoked with 2 records'))).toBe(true);
    expect(await read()).toHaveLength((await read('processing-failed/')).length);
    const logged = await clients.logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/kinesisfirehose/fh-throwing',
        logStreamName: 'DestinationDelivery',
      }),
    );
    const errors = (logged.events ?? []).map((e) => JSON.parse(e.message ?? '{}') as Record<string, unknown>);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const error of errors) {
      expect(error).toMatchObject({
        deliveryStreamARN: pipeline.deliveryStreamArn,
        destination: 'arn:aws:s3:::fh-throwing',
        errorCode: 'Lambda.FunctionError',
        processor: fn.FunctionArn,
      });
    }
  });

  it('compresses objects with GZIP and names them with the extension', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, {
      name: 'fh-gzip',
      lambdaArn: linesArn,
      destination: { CompressionFormat: 'GZIP' },
    });
    await putAll(clients, pipeline.stream, [{ data: 'zipped-1' }, { data: 'zipped-2' }]);
    const read = objectReader(clients.s3, pipeline.bucket);
    const objects = await waitFor('the compressed records in S3', async () => {
      const all = (await read()).map((o) => ({ key: o.key, body: gunzipSync(o.body) }));
      return linesOf(all).length >= 2 ? all : undefined;
    });
    expect(linesOf(objects).sort()).toEqual(['zipped-1', 'zipped-2']);
    for (const { key } of objects) expect(key).toMatch(/\/fh-gzip-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.gz$/);
  });

  it('retries a function that times out, then reports Lambda.FunctionTimedOut', async () => {
    const { clients } = lc();
    const fn = await createInlineFunction(clients.lambda, 'fh-slow', SLOW_HANDLER, { Timeout: 1 });
    const pipeline = await createPipeline(clients, {
      name: 'fh-slow',
      lambdaArn: fn.FunctionArn ?? '',
      retries: 1,
      destination: { ErrorOutputPrefix: 'failures/!{firehose:error-output-type}/' },
      buffer: { SizeInMBs: 1, IntervalInSeconds: 0 },
    });
    const read = objectReader(clients.s3, pipeline.bucket);
    await putAll(clients, pipeline.stream, [{ data: 'too-slow' }]);
    const failed = await waitFor(
      'the record in the error output',
      async () => {
        const lines = failedLines(await read('failures/processing-failed/'));
        return lines.length >= 1 ? lines : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attemptsMade: 2, errorCode: 'Lambda.FunctionTimedOut' });
    expect(decoded(failed[0] as ProcessingFailedLine)).toBe('too-slow');
  }, 120_000);

  it('splits an invocation whose event would pass Lambda 6 MB payload limit, and delivers every record once', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, {
      name: 'fh-split',
      shards: 4,
      lambdaArn: linesArn,
      // 1.5 MB of data fills the processor buffer at once; the interval never comes into it.
      processorBuffer: { sizeInMBs: 1.5, intervalInSeconds: 600 },
      buffer: { SizeInMBs: 64, IntervalInSeconds: 0 },
    });
    // 128-byte records with 256-character partition keys: base64 and metadata make each record's part
    // of the event over five times its data, so 1.5 MB of data is well over 6 MB of event.
    const count = (1.5 * 1024 * 1024) / 128;
    const entries = Array.from({ length: count }, (_, i) => ({
      data: `record-${String(i).padStart(6, '0')}-`.padEnd(128, 'x'),
      partitionKey: `${String(i).padStart(6, '0')}`.padEnd(256, 'k'),
    }));
    await putAll(clients, pipeline.stream, entries);
    const read = objectReader(clients.s3, pipeline.bucket);
    const lines = await waitFor(
      'every record in S3',
      async () => {
        const all = linesOf(await read());
        return all.length >= count ? all : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(lines).toHaveLength(count);
    expect(new Set(lines).size).toBe(count);
    const invocations = await waitFor('the invocations in the function log', async () => {
      const logged = (await functionLogLines(clients, 'fh-lines', 'invocation {'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { records: number; bytes: number })
        .filter((i) => i.bytes > 1024 * 1024);
      return logged.reduce((sum, i) => sum + i.records, 0) >= count ? logged : undefined;
    });
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    for (const invocation of invocations) expect(invocation.bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
  }, 180_000);

  it('de-aggregates KPL aggregated records before the Lambda: each user record once, with its subsequence number', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, {
      name: 'fh-aggregated',
      shards: 2,
      lambdaArn: contractArn,
    });
    // Aggregated as the KPL (and the producer's --aggregate) does, with the same library.
    const aggregates = [0, 1, 2].map((a) =>
      aggregateRecords(
        Array.from({ length: 40 }, (_, i) => ({ partitionKey: `user-${a}-${i % 5}`, data: `agg-${a}-${i}` })),
      ),
    );
    await putAll(clients, pipeline.stream, [
      ...aggregates.map((record) => ({ data: record.data, partitionKey: record.partitionKey })),
      { data: 'plain-0', partitionKey: 'plain' },
    ]);
    const read = objectReader(clients.s3, pipeline.bucket);
    const lines = await waitFor('every user record in S3', async () => {
      const all = linesOf(await read()).map((line) => JSON.parse(line) as ContractLine);
      return all.length >= 121 ? all : undefined;
    });
    const expected = [0, 1, 2].flatMap((a) => Array.from({ length: 40 }, (_, i) => `AGG-${a}-${i}`));
    expect(lines.map((l) => l.text).sort()).toEqual([...expected, 'PLAIN-0'].sort());
    expect(new Set(lines.map((l) => l.recordId)).size).toBe(121);
    for (const a of [0, 1, 2]) {
      const parts = lines.filter((l) => l.text.startsWith(`AGG-${a}-`));
      // One Kinesis record: one sequence number; each user record its index and its own partition key.
      expect(new Set(parts.map((l) => l.kinesisRecordMetadata.sequenceNumber)).size).toBe(1);
      for (const part of parts) {
        const i = Number(part.text.split('-')[2]);
        expect(part.kinesisRecordMetadata).toMatchObject({
          subsequenceNumber: i,
          partitionKey: `user-${a}-${i % 5}`,
        });
      }
    }
    const plain = lines.find((l) => l.text === 'PLAIN-0');
    expect(plain?.kinesisRecordMetadata).toMatchObject({ subsequenceNumber: 0, partitionKey: 'plain' });
  });

  it('follows a reshard (UpdateShardCount) without losing or repeating a record', async () => {
    const { clients } = lc();
    const pipeline = await createPipeline(clients, { name: 'fh-reshard', shards: 1, lambdaArn: linesArn });
    const read = objectReader(clients.s3, pipeline.bucket);
    const batch = (label: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ data: `${label}-${i}`, partitionKey: `${label}-${i}` }));
    await putAll(clients, pipeline.stream, batch('before', 50));
    await waitFor('the records before the reshard in S3', async () => linesOf(await read()).length >= 50);
    await clients.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: pipeline.stream,
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await waitForStatus(clients.kinesis, pipeline.stream);
    await putAll(clients, pipeline.stream, batch('after', 100));
    await clients.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: pipeline.stream,
        TargetShardCount: 1,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await waitForStatus(clients.kinesis, pipeline.stream);
    await putAll(clients, pipeline.stream, batch('merged', 50));
    const lines = await waitFor(
      'every record in S3',
      async () => {
        const all = linesOf(await read());
        return all.length >= 200 ? all : undefined;
      },
      { timeoutMs: 90_000 },
    );
    const expected = [...batch('before', 50), ...batch('after', 100), ...batch('merged', 50)].map(
      (e) => e.data,
    );
    expect([...lines].sort()).toEqual(expected.sort());
  }, 150_000);
});

describe('Firehose delivery across a restart of the local cloud', () => {
  let fixture: LocalCloudFixture | undefined;
  afterAll(async () => {
    await stopTestCloud(fixture);
  });

  it('loses nothing when the local cloud stops in the middle of a delivery (at-least-once, no gap)', async () => {
    fixture = await startTestCloud({ firehosePollMs: 250 });
    const { dataDir } = fixture;
    const fn = await createInlineFunction(fixture.clients.lambda, 'fh-restart', LINES_HANDLER);
    const pipeline = await createPipeline(fixture.clients, {
      name: 'fh-restart',
      shards: 2,
      lambdaArn: fn.FunctionArn ?? '',
    });
    const records = (label: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ data: `${label}-${i}`, partitionKey: `${label}-${i}` }));
    await putAll(fixture.clients, pipeline.stream, records('early', 200));
    const firstRead = objectReader(fixture.clients.s3, pipeline.bucket);
    await waitFor('the first records in S3', async () => linesOf(await firstRead()).length >= 200);
    // S3 refuses every write, so the next records are read and transformed but cannot be written: the
    // stop below then lands in the middle of their delivery, whatever the machine's speed.
    const { endpoint } = fixture.cloud;
    await injectFault(endpoint, {
      service: 's3',
      errorCode: 'ServiceUnavailable',
      status: 503,
      durationMs: 10 * 60_000,
    });
    await putAll(fixture.clients, pipeline.stream, records('late', 300));
    const clients = fixture.clients;
    // Some of them at least: the worker waits on the refused write before it reads more.
    await waitFor('late records through the Lambda', async () => {
      const invocations = await functionLogLines(clients, 'fh-restart', 'invocation {');
      const transformed = invocations
        .map((line) => (JSON.parse(line.slice(line.indexOf('{'))) as { records: number }).records)
        .reduce((sum, n) => sum + n, 0);
      return transformed > 200;
    });
    await waitFor('a refused write to S3', async () => (await listFaults(endpoint))[0]?.injected);
    await stopTestCloud(fixture, { keepData: true });
    fixture = await startTestCloud({ dataDir, firehosePollMs: 250 });
    await putAll(fixture.clients, pipeline.stream, records('restarted', 100));
    const read = objectReader(fixture.clients.s3, pipeline.bucket);
    const expected = [...records('early', 200), ...records('late', 300), ...records('restarted', 100)].map(
      (e) => e.data,
    );
    const delivered = await waitFor(
      'every record in S3 after the restart',
      async () => {
        const distinct = new Set(linesOf(await read()));
        return expected.every((data) => distinct.has(data)) ? distinct : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect([...delivered].sort()).toEqual([...expected].sort());
  }, 240_000);
});
