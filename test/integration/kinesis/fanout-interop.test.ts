// Enhanced fan-out, resource policies, closed shards and operations AWS has, through boto3: what AWS
// answers (codes, messages, statuses, fields), as the API reference and public captures of AWS give them.
// boto3 reads SubscribeToShard's event stream over HTTP/1.1, as the edge serves it.
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { noBoto3, runBoto3 } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const ACCOUNT = '000000000000';
const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream`;

/** Python shared by the scripts: a Kinesis client, waiting for a stream or consumer, reading events. */
const KINESIS = `
import threading
k = client('kinesis')

def active_stream(name, shards=1):
    k.create_stream(StreamName=name, ShardCount=shards)
    return settled_stream(name)

def settled_stream(name):
    for _ in range(400):
        s = k.describe_stream_summary(StreamName=name)['StreamDescriptionSummary']
        if s['StreamStatus'] == 'ACTIVE':
            return s['StreamARN']
        time.sleep(0.05)
    raise Exception('stream not ACTIVE')

def active_consumer(arn):
    for _ in range(400):
        c = k.describe_stream_consumer(ConsumerARN=arn)['ConsumerDescription']
        if c['ConsumerStatus'] == 'ACTIVE':
            return c
        time.sleep(0.05)
    raise Exception('consumer not ACTIVE')

def event_brief(e):
    return {'data': [r['Data'].decode() for r in e['Records']], 'continuation': e.get('ContinuationSequenceNumber'),
            'behind': e['MillisBehindLatest'], 'children': [c['ShardId'] for c in e.get('ChildShards', [])]}

class Reader(threading.Thread):
    """Reads a subscription's events until it ends: the events, and the error it ended with, if any."""
    def __init__(self, response, until=None):
        super().__init__(daemon=True)
        self.stream, self.until, self.events, self.error, self.done = response['EventStream'], until, [], None, False
    def run(self):
        try:
            for event in self.stream:
                self.events.append(event_brief(event['SubscribeToShardEvent']))
                if self.until and self.until(self.events):
                    break
        except ClientError as e:
            self.error = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message']}
        self.done = True
    def records(self):
        return [d for e in self.events for d in e['data']]

def wait_for(check, what):
    for _ in range(600):
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise Exception('timed out waiting for ' + what)
`;

describe('Kinesis enhanced fan-out, resource policies and closed shards with boto3', () => {
  // Subscriptions last 8 s here (AWS: 5 minutes), so the test sees one end on its own.
  const lc = useLocalCloud({ kinesis: { enforceLimits: true, failureRate: 0, subscriptionMs: 8_000 } });

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: SplitShard and MergeShards refuse a closed shard with InvalidArgumentException in AWS`s words',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${KINESIS}
active_stream('closing', 2)
k.split_shard(StreamName='closing', ShardToSplit='shardId-000000000000', NewStartingHashKey='85070591730234615865843651857942052864')
settled_stream('closing')
r = {}
r['splitAgain'] = err(k.split_shard, StreamName='closing', ShardToSplit='shardId-000000000000',
                      NewStartingHashKey='42535295865117307932921825928971026432')
r['mergeClosed'] = err(k.merge_shards, StreamName='closing', ShardToMerge='shardId-000000000000',
                       AdjacentShardToMerge='shardId-000000000001')
r['open'] = [s['ShardId'] for s in k.list_shards(StreamName='closing', ShardFilter={'Type': 'AT_LATEST'})['Shards']]
out(r)
`,
      );
      const closed = {
        code: 'InvalidArgumentException',
        message: `Shard shardId-000000000000 in stream closing under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
        status: 400,
      };
      expect(result.splitAgain).toEqual(closed);
      expect(result.mergeClosed).toEqual(closed);
      expect(result.open).toEqual(['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    },
    120_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: RegisterStreamConsumer / DescribeStreamConsumer / ListStreamConsumers / DeregisterStreamConsumer, CREATING then ACTIVE, DeleteStream with consumers',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${KINESIS}
arn = active_stream('fanned')
r = {}
registered = k.register_stream_consumer(StreamARN=arn, ConsumerName='reader', Tags={'team': 'data'})['Consumer']
r['registered'] = {**registered, 'ConsumerCreationTimestamp': registered['ConsumerCreationTimestamp'].timestamp()}
r['now'] = time.time()
consumer = active_consumer(registered['ConsumerARN'])
r['described'] = {k2: v for k2, v in consumer.items() if k2 != 'ConsumerCreationTimestamp'}
r['byName'] = k.describe_stream_consumer(StreamARN=arn, ConsumerName='reader')['ConsumerDescription']['ConsumerARN']
r['again'] = err(k.register_stream_consumer, StreamARN=arn, ConsumerName='reader')
for i in range(3):
    k.register_stream_consumer(StreamARN=arn, ConsumerName='extra-%d' % i)
first = k.list_stream_consumers(StreamARN=arn, MaxResults=2)
rest = k.list_stream_consumers(StreamARN=arn, NextToken=first['NextToken'])
r['listed'] = [c['ConsumerName'] for c in first['Consumers'] + rest['Consumers']]
r['restHasToken'] = 'NextToken' in rest
r['count'] = k.describe_stream_summary(StreamName='fanned')['StreamDescriptionSummary']['ConsumerCount']
r['tags'] = k.list_tags_for_resource(ResourceARN=registered['ConsumerARN'])['Tags']
k.deregister_stream_consumer(ConsumerARN=registered['ConsumerARN'])
r['deleting'] = k.describe_stream_consumer(ConsumerARN=registered['ConsumerARN'])['ConsumerDescription']['ConsumerStatus']
wait_for(lambda: err(k.describe_stream_consumer, ConsumerARN=registered['ConsumerARN']), 'the consumer to go')
r['gone'] = err(k.describe_stream_consumer, ConsumerARN=registered['ConsumerARN'])
r['unknownByName'] = err(k.describe_stream_consumer, StreamARN=arn, ConsumerName='nobody')
r['unknownStream'] = err(k.register_stream_consumer, StreamARN='${STREAM_ARN}/nowhere', ConsumerName='reader')
r['deleteWithConsumers'] = err(k.delete_stream, StreamName='fanned')
k.delete_stream(StreamName='fanned', EnforceConsumerDeletion=True)
wait_for(lambda: err(k.describe_stream_summary, StreamName='fanned'), 'the stream to be deleted')
r['afterDelete'] = err(k.list_stream_consumers, StreamARN=arn)
out(r)
`,
      );
      const registered = result.registered as Record<string, unknown>;
      const created = registered.ConsumerCreationTimestamp as number;
      expect(registered).toEqual({
        ConsumerName: 'reader',
        ConsumerARN: `${STREAM_ARN}/fanned/consumer/reader:${Math.floor(created)}`,
        ConsumerStatus: 'CREATING',
        ConsumerCreationTimestamp: created,
      });
      expect(Math.abs((result.now as number) - created)).toBeLessThan(60);
      expect(result.described).toEqual({
        ConsumerName: 'reader',
        ConsumerARN: registered.ConsumerARN,
        ConsumerStatus: 'ACTIVE',
        StreamARN: `${STREAM_ARN}/fanned`,
      });
      expect(result.byName).toBe(registered.ConsumerARN);
      expect(result.again).toMatchObject({ code: 'ResourceInUseException', status: 400 });
      expect(result.listed).toEqual(['extra-0', 'extra-1', 'extra-2', 'reader']);
      expect(result.restHasToken).toBe(false);
      expect(result.count).toBe(4);
      expect(result.tags).toEqual([{ Key: 'team', Value: 'data' }]);
      expect(result.deleting).toBe('DELETING');
      expect(result.gone).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
      expect(result.unknownByName).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
      expect(result.unknownStream).toEqual({
        code: 'ResourceNotFoundException',
        message: `Stream nowhere under account ${ACCOUNT} not found.`,
        status: 400,
      });
      expect(result.deleteWithConsumers).toEqual({
        code: 'ResourceInUseException',
        message: `DeleteStream can\u2019t delete ${ACCOUNT}:fanned because there are consumers associated with this data stream. To delete fanned anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.`,
        status: 400,
      });
      expect(result.afterDelete).toMatchObject({ code: 'ResourceNotFoundException' });
    },
    120_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: SubscribeToShard pushes records as events, refuses a second subscription within 5 s, hands over after, resumes from ContinuationSequenceNumber, ends with ChildShards and after its time',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${KINESIS}
arn = active_stream('pushed')
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName='pusher')['Consumer']['ConsumerARN']
r = {}
r['creating'] = err(k.subscribe_to_shard, ConsumerARN=consumer, ShardId='shardId-000000000000',
                    StartingPosition={'Type': 'LATEST'})
active_consumer(consumer)
k.put_record(StreamName='pushed', Data=b'before', PartitionKey='p')
# Taken before the call: no later than the moment the subscription started on the server.
subscribed_at = time.time()
first = Reader(k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000000',
                                    StartingPosition={'Type': 'TRIM_HORIZON'}))
first.start()
wait_for(lambda: first.records() == ['before'], 'the record written before')
put = k.put_record(StreamName='pushed', Data=b'after', PartitionKey='p')
wait_for(lambda: first.records() == ['before', 'after'], 'the record written after')
r['events'] = [e for e in first.events if e['data']]
r['lastSequence'] = put['SequenceNumber']
r['second'] = err(k.subscribe_to_shard, ConsumerARN=consumer, ShardId='shardId-000000000000',
                  StartingPosition={'Type': 'LATEST'})
r['secondWithin5s'] = time.time() - subscribed_at < 5
# A later call takes the subscription over: the first one ends with ResourceInUseException.
def take_over():
    try:
        return k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000000',
                                    StartingPosition={'Type': 'AFTER_SEQUENCE_NUMBER',
                                                      'SequenceNumber': first.events[-1]['continuation']})
    except ClientError:
        return None
second = Reader(wait_for(take_over, 'a second subscription to take over'))
r['tookOverAfter'] = time.time() - subscribed_at
second.start()
wait_for(lambda: first.done, 'the first subscription to end')
r['firstEnded'] = first.error
k.put_record(StreamName='pushed', Data=b'later', PartitionKey='p')
wait_for(lambda: second.records() == ['later'], 'the resumed subscription to read on')
r['resumed'] = second.records()
# Splitting the shard closes it: the subscription reads to its end, gets the children, and ends.
k.split_shard(StreamName='pushed', ShardToSplit='shardId-000000000000', NewStartingHashKey='170141183460469231731687303715884105728')
wait_for(lambda: second.done, 'the subscription to end at the end of the shard')
r['shardEnd'] = {'last': second.events[-1], 'error': second.error}
# A subscription to an open shard ends by itself when its time is up (8 s here), without an error.
settled_stream('pushed')
started = time.time()
third = Reader(k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000001',
                                    StartingPosition={'Type': 'LATEST'}))
third.start()
wait_for(lambda: third.done, 'the subscription to expire')
r['expired'] = {'after': time.time() - started, 'error': third.error,
                'continuation': bool(third.events and third.events[-1]['continuation'])}
r['unknownConsumer'] = err(k.subscribe_to_shard, ConsumerARN=consumer.replace('pusher', 'nobody'),
                           ShardId='shardId-000000000001', StartingPosition={'Type': 'LATEST'})
r['unknownShard'] = err(k.subscribe_to_shard, ConsumerARN=consumer, ShardId='shardId-000000000009',
                        StartingPosition={'Type': 'LATEST'})
out(r)
`,
      );
      const consumerArn = `${STREAM_ARN}/pushed/consumer/pusher`;
      expect(result.creating).toEqual({
        code: 'ResourceInUseException',
        message: expect.stringMatching(
          new RegExp(
            `^Consumer pusher with creation timestamp \\d+ under stream: pushed , account ${ACCOUNT} is not in ACTIVE status\\.$`,
          ),
        ),
        status: 400,
      });
      const events = result.events as Array<{ data: string[]; continuation: string; behind: number }>;
      expect(events.flatMap((e) => e.data)).toEqual(['before', 'after']);
      expect(events.at(-1)?.continuation).toBe(result.lastSequence);
      expect(events.at(-1)?.behind).toBe(0);
      expect(result.secondWithin5s).toBe(true);
      expect(result.second).toEqual({
        code: 'ResourceInUseException',
        message: expect.stringContaining(
          `Another active subscription exists for this consumer: ${consumerArn}:`,
        ),
        status: 400,
      });
      expect(result.tookOverAfter).toBeGreaterThanOrEqual(5);
      expect(result.firstEnded).toEqual({
        code: 'ResourceInUseException',
        message: expect.stringContaining('Another active subscription exists for this consumer'),
      });
      expect(result.resumed).toEqual(['later']);
      expect(result.shardEnd).toEqual({
        last: {
          data: [],
          continuation: null,
          behind: expect.any(Number),
          children: ['shardId-000000000001', 'shardId-000000000002'],
        },
        error: null,
      });
      const expired = result.expired as { after: number; error: unknown; continuation: boolean };
      expect(expired.error).toBeNull();
      expect(expired.after).toBeGreaterThanOrEqual(8);
      expect(result.unknownConsumer).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
      expect(result.unknownShard).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
    },
    120_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy on a stream and a consumer; operations AWS has answer, unknown resources are not found',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${KINESIS}
arn = active_stream('governed')
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName='governed-reader')['Consumer']['ConsumerARN']
policy = json.dumps({'Version': '2012-10-17', 'Statement': [{
    'Sid': 'AllowWrite', 'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::${ACCOUNT}:root'},
    'Action': 'kinesis:PutRecord', 'Resource': arn}]})
r = {}
r['before'] = k.get_resource_policy(ResourceARN=arn)['Policy']
put = k.put_resource_policy(ResourceARN=arn, Policy=policy)
r['putStatus'] = status(put)
r['after'] = k.get_resource_policy(ResourceARN=arn)['Policy'] == policy
k.put_resource_policy(ResourceARN=consumer, Policy=policy)
r['consumer'] = k.get_resource_policy(ResourceARN=consumer)['Policy'] == policy
r['deleted'] = status(k.delete_resource_policy(ResourceARN=arn))
r['afterDelete'] = k.get_resource_policy(ResourceARN=arn)['Policy']
r['consumerKept'] = k.get_resource_policy(ResourceARN=consumer)['Policy'] == policy
r['deleteAgain'] = err(k.delete_resource_policy, ResourceARN=arn)
r['notJson'] = err(k.put_resource_policy, ResourceARN=arn, Policy='allow everything')
r['unknownStream'] = err(k.get_resource_policy, ResourceARN='${STREAM_ARN}/nowhere')
r['unknownConsumer'] = err(k.get_resource_policy, ResourceARN=consumer.replace('governed-reader', 'nobody'))
r['accountSettings'] = k.describe_account_settings()['MinimumThroughputBillingCommitment']
r['maxRecordSizeUnknown'] = err(k.update_max_record_size, StreamARN='${STREAM_ARN}/nowhere', MaxRecordSizeInKiB=1024)
r['maxRecordSizeDefault'] = status(k.update_max_record_size(StreamARN=arn, MaxRecordSizeInKiB=1024))
r['maxRecordSizeLarger'] = err(k.update_max_record_size, StreamARN=arn, MaxRecordSizeInKiB=2048)
r['warmUnknown'] = err(k.update_stream_warm_throughput, StreamName='nowhere', WarmThroughputMiBps=10)
out(r)
`,
      );
      expect(result.before).toBe('{}');
      expect(result.putStatus).toBe(200);
      expect(result.after).toBe(true);
      expect(result.consumer).toBe(true);
      expect(result.deleted).toBe(200);
      expect(result.afterDelete).toBe('{}');
      expect(result.consumerKept).toBe(true);
      expect(result.deleteAgain).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
      expect(result.notJson).toMatchObject({ code: 'InvalidArgumentException', status: 400 });
      const notFound = {
        code: 'ResourceNotFoundException',
        message: `Stream nowhere under account ${ACCOUNT} not found.`,
        status: 400,
      };
      expect(result.unknownStream).toEqual(notFound);
      expect(result.unknownConsumer).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
      expect(result.accountSettings).toEqual({ Status: 'DISABLED' });
      expect(result.maxRecordSizeUnknown).toEqual(notFound);
      expect(result.maxRecordSizeDefault).toBe(200);
      expect(result.maxRecordSizeLarger).toMatchObject({ code: 'InvalidArgumentException', status: 400 });
      expect(result.warmUnknown).toEqual(notFound);
    },
    120_000,
  );
});
