// Clients nobody here wrote, against the local Kinesis: the aws CLI v2 and boto3.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { AWS_CLI_V2, noAwsCliV2, noBoto3, outsideClientEnv } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';
import { waitFor } from '../../support/wait.js';

describe('Kinesis with outside clients', () => {
  const lc = useLocalCloud();

  const aws = (...args: string[]) => {
    const run = spawnSync(
      AWS_CLI_V2,
      ['--endpoint-url', lc().cloud.endpoint, '--output', 'json', 'kinesis', ...args],
      {
        env: outsideClientEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (run.status !== 0) throw new Error(`aws kinesis ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
  };

  it.skipIf(noAwsCliV2)(
    skipTitle(
      'aws CLI v2: create-stream, put-record, get-shard-iterator, get-records, describe-stream-summary',
      noAwsCliV2,
    ),
    async () => {
      aws('create-stream', '--stream-name', 'cli-stream', '--shard-count', '2');
      const summary = await waitFor('the stream to be ACTIVE', () => {
        const s = aws('describe-stream-summary', '--stream-name', 'cli-stream')
          .StreamDescriptionSummary as Record<string, unknown>;
        return s.StreamStatus === 'ACTIVE' ? s : undefined;
      });
      expect(summary).toMatchObject({
        StreamName: 'cli-stream',
        StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/cli-stream',
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        OpenShardCount: 2,
        EncryptionType: 'NONE',
      });
      const put = aws(
        'put-record',
        '--stream-arn',
        summary.StreamARN as string,
        '--partition-key',
        'user_0042',
        '--cli-binary-format',
        'raw-in-base64-out',
        '--data',
        '{"action":"view_item"}',
      ) as { ShardId: string; SequenceNumber: string };
      expect(put.ShardId).toMatch(/^shardId-00000000000[01]$/);
      const iterator = aws(
        'get-shard-iterator',
        '--stream-name',
        'cli-stream',
        '--shard-id',
        put.ShardId,
        '--shard-iterator-type',
        'AT_SEQUENCE_NUMBER',
        '--starting-sequence-number',
        put.SequenceNumber,
      ).ShardIterator as string;
      const got = aws('get-records', '--shard-iterator', iterator) as {
        Records: {
          Data: string;
          PartitionKey: string;
          SequenceNumber: string;
          ApproximateArrivalTimestamp: unknown;
        }[];
        NextShardIterator: string;
      };
      expect(got.Records).toHaveLength(1);
      expect(got.Records[0]).toMatchObject({ PartitionKey: 'user_0042', SequenceNumber: put.SequenceNumber });
      expect(Buffer.from(got.Records[0]?.Data ?? '', 'base64').toString()).toBe('{"action":"view_item"}');
      expect(got.NextShardIterator).toBeTruthy();
      const listed = aws('list-streams') as {
        StreamNames: string[];
        StreamSummaries: { StreamName: string }[];
      };
      expect(listed.StreamNames).toContain('cli-stream');
      expect(listed.StreamSummaries.map((s) => s.StreamName)).toContain('cli-stream');
    },
    180_000,
  );

  it.skipIf(noBoto3)(
    skipTitle('boto3: an on-demand stream written past its limits, by ARN, and read back', noBoto3),
    async () => {
      const script = `
import boto3, json, sys
k = boto3.client("kinesis", endpoint_url=sys.argv[1], region_name="us-east-1")
k.create_stream(StreamName="py-stream", StreamModeDetails={"StreamMode": "ON_DEMAND"})
k.get_waiter("stream_exists").wait(StreamName="py-stream", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
summary = k.describe_stream_summary(StreamName="py-stream")["StreamDescriptionSummary"]
arn = summary["StreamARN"]
sent, failed, codes = 0, 0, set()
for round in range(40):
    out = k.put_records(StreamARN=arn, Records=[{"Data": b"x" * 3000, "PartitionKey": "hot-key"} for i in range(500)])
    sent += 500
    failed += out["FailedRecordCount"]
    codes |= {r["ErrorCode"] for r in out["Records"] if "ErrorCode" in r}
    if failed:
        break
shard = k.list_shards(StreamARN=arn)["Shards"]
stored = 0
for s in shard:
    it = k.get_shard_iterator(StreamARN=arn, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    while it:
        page = k.get_records(ShardIterator=it, StreamARN=arn)
        stored += len(page["Records"])
        if not page["Records"]:
            break
        it = page["NextShardIterator"]
print(json.dumps({"mode": summary["StreamModeDetails"]["StreamMode"], "shards": summary["OpenShardCount"], "sent": sent, "failed": failed, "codes": sorted(codes), "stored": stored}))
`;
      const run = spawnSync('python3', ['-c', script, lc().cloud.endpoint], {
        env: outsideClientEnv(),
        encoding: 'utf8',
        timeout: 150_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as {
        mode: string;
        shards: number;
        sent: number;
        failed: number;
        codes: string[];
        stored: number;
      };
      expect(result).toMatchObject({
        mode: 'ON_DEMAND',
        shards: 4,
        codes: ['ProvisionedThroughputExceededException'],
      });
      expect(result.failed).toBeGreaterThan(0);
      expect(result.stored).toBe(result.sent - result.failed);
    },
    180_000,
  );
});
