import {
  type _Record,
  CreateStreamCommand,
  type CreateStreamCommandInput,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { waitFor } from './wait.js';

export async function waitForStatus(kinesis: KinesisClient, name: string, status = 'ACTIVE'): Promise<void> {
  await waitFor(`stream ${name} to be ${status}`, async () => {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    return StreamDescriptionSummary?.StreamStatus === status;
  });
}

/** Creates a stream and waits until it is ACTIVE, as a careful AWS client does. */
export async function createActiveStream(
  kinesis: KinesisClient,
  input: CreateStreamCommandInput,
): Promise<void> {
  await kinesis.send(new CreateStreamCommand(input));
  await waitForStatus(kinesis, input.StreamName as string);
}

export async function allShards(kinesis: KinesisClient, name: string): Promise<Shard[]> {
  return (await kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
}

/** Every record of one shard, from its trim horizon to its end (or to the latest record). */
export async function readShard(kinesis: KinesisClient, name: string, shardId: string): Promise<_Record[]> {
  let iterator = (
    await kinesis.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    )
  ).ShardIterator;
  const records: _Record[] = [];
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
    records.push(...(page.Records ?? []));
    if (!page.Records?.length) break;
    iterator = page.NextShardIterator;
  }
  return records;
}

/** Every record of the stream, by shard. */
export async function readStream(kinesis: KinesisClient, name: string): Promise<Map<string, _Record[]>> {
  const byShard = new Map<string, _Record[]>();
  for (const shard of await allShards(kinesis, name)) {
    byShard.set(shard.ShardId as string, await readShard(kinesis, name, shard.ShardId as string));
  }
  return byShard;
}

export function text(data: Uint8Array | undefined): string {
  return Buffer.from(data ?? new Uint8Array()).toString('utf8');
}
