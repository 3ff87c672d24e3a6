import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';

describe('local CloudWatch Logs', () => {
  const lc = useLocalCloud();
  const logs = () => lc().clients.logs;

  it('creates log groups once, with AWS`s ARNs, and refuses a duplicate', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/app/orders', tags: { team: 'shop' } }));
    await expect(
      logs().send(new CreateLogGroupCommand({ logGroupName: '/app/orders' })),
    ).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
    });
    const { logGroups } = await logs().send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/orders' }),
    );
    expect(logGroups).toHaveLength(1);
    expect(logGroups?.[0]).toMatchObject({
      logGroupName: '/app/orders',
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/app/orders:*',
      logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/app/orders',
      storedBytes: 0,
    });
    expect(logGroups?.[0]?.creationTime).toBeGreaterThan(0);
  });

  it('refuses a log group name AWS would refuse', async () => {
    await expect(logs().send(new CreateLogGroupCommand({ logGroupName: 'bad name!' }))).rejects.toMatchObject(
      {
        name: 'InvalidParameterException',
      },
    );
  });

  it('pages DescribeLogGroups by prefix', async () => {
    for (let i = 0; i < 5; i++) {
      await logs().send(new CreateLogGroupCommand({ logGroupName: `/paged/g${i}` }));
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs().send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/', limit: 2, nextToken }),
      );
      expect(page.logGroups?.length).toBeLessThanOrEqual(2);
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName as string));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names).toEqual(['/paged/g0', '/paged/g1', '/paged/g2', '/paged/g3', '/paged/g4']);
  });

  it('sets and removes a retention policy, refusing values AWS does not offer', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/retained' }));
    await logs().send(new PutRetentionPolicyCommand({ logGroupName: '/retained', retentionInDays: 7 }));
    const described = async () =>
      (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/retained' }))).logGroups?.[0];
    expect((await described())?.retentionInDays).toBe(7);
    await expect(
      logs().send(new PutRetentionPolicyCommand({ logGroupName: '/retained', retentionInDays: 8 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await logs().send(new DeleteRetentionPolicyCommand({ logGroupName: '/retained' }));
    expect((await described())?.retentionInDays).toBeUndefined();
  });

  it('hides events older than the group`s retention', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/short' }));
    await logs().send(new CreateLogStreamCommand({ logGroupName: '/short', logStreamName: 's' }));
    const now = Date.now();
    await logs().send(
      new PutLogEventsCommand({
        logGroupName: '/short',
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 3 * 86_400_000, message: 'three days old' },
          { timestamp: now, message: 'fresh' },
        ],
      }),
    );
    await logs().send(new PutRetentionPolicyCommand({ logGroupName: '/short', retentionInDays: 1 }));
    const { events } = await logs().send(
      new GetLogEventsCommand({ logGroupName: '/short', logStreamName: 's', startFromHead: true }),
    );
    expect(events?.map((e) => e.message)).toEqual(['fresh']);
  });

  it('stores events and reads them forward and backward with GetLogEvents tokens', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/read' }));
    await logs().send(new CreateLogStreamCommand({ logGroupName: '/read', logStreamName: 'main' }));
    await expect(
      logs().send(new CreateLogStreamCommand({ logGroupName: '/read', logStreamName: 'main' })),
    ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    const base = Date.now() - 10_000;
    const put = await logs().send(
      new PutLogEventsCommand({
        logGroupName: '/read',
        logStreamName: 'main',
        logEvents: Array.from({ length: 5 }, (_, i) => ({ timestamp: base + i, message: `line ${i}` })),
      }),
    );
    expect(put.rejectedLogEventsInfo).toBeUndefined();
    const first = await logs().send(
      new GetLogEventsCommand({
        logGroupName: '/read',
        logStreamName: 'main',
        startFromHead: true,
        limit: 2,
      }),
    );
    expect(first.events?.map((e) => e.message)).toEqual(['line 0', 'line 1']);
    const second = await logs().send(
      new GetLogEventsCommand({
        logGroupName: '/read',
        logStreamName: 'main',
        nextToken: first.nextForwardToken,
        limit: 2,
      }),
    );
    expect(second.events?.map((e) => e.message)).toEqual(['line 2', 'line 3']);
    const latest = await logs().send(
      new GetLogEventsCommand({ logGroupName: '/read', logStreamName: 'main', limit: 2 }),
    );
    expect(latest.events?.map((e) => e.message)).toEqual(['line 3', 'line 4']);
    // At the end, the forward token comes back unchanged: how clients know they have read everything.
    const end = await logs().send(
      new GetLogEventsCommand({
        logGroupName: '/read',
        logStreamName: 'main',
        nextToken: latest.nextForwardToken,
      }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(latest.nextForwardToken);
    const stream = (await logs().send(new DescribeLogStreamsCommand({ logGroupName: '/read' })))
      .logStreams?.[0];
    expect(stream).toMatchObject({
      logStreamName: 'main',
      firstEventTimestamp: base,
      lastEventTimestamp: base + 4,
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/read:log-stream:main',
    });
  });

  it('refuses events out of order, and reports events too old to keep', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/strict' }));
    await logs().send(new CreateLogStreamCommand({ logGroupName: '/strict', logStreamName: 's' }));
    const now = Date.now();
    await expect(
      logs().send(
        new PutLogEventsCommand({
          logGroupName: '/strict',
          logStreamName: 's',
          logEvents: [
            { timestamp: now, message: 'b' },
            { timestamp: now - 1000, message: 'a' },
          ],
        }),
      ),
    ).rejects.toThrow('Log events in a single PutLogEvents request must be in chronological order.');
    const put = await logs().send(
      new PutLogEventsCommand({
        logGroupName: '/strict',
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 20 * 86_400_000, message: 'ancient' },
          { timestamp: now, message: 'current' },
        ],
      }),
    );
    expect(put.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    await expect(
      logs().send(
        new PutLogEventsCommand({
          logGroupName: '/strict',
          logStreamName: 'nope',
          logEvents: [{ timestamp: now, message: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
  });

  it('filters events across streams by terms, quoted phrases, alternatives and exclusions', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/filtered' }));
    const now = Date.now() - 5000;
    const lines: Record<string, string[]> = {
      a: ['ERROR payment failed for order 1', 'INFO order 2 shipped', 'WARN retrying order 3'],
      b: ['ERROR payment failed: retrying', 'INFO task timed out soon', 'Task timed out after 3.00 seconds'],
    };
    for (const [stream, messages] of Object.entries(lines)) {
      await logs().send(new CreateLogStreamCommand({ logGroupName: '/filtered', logStreamName: stream }));
      await logs().send(
        new PutLogEventsCommand({
          logGroupName: '/filtered',
          logStreamName: stream,
          logEvents: messages.map((message, i) => ({
            timestamp: now + i * 10 + (stream === 'b' ? 5 : 0),
            message,
          })),
        }),
      );
    }
    const filter = async (filterPattern: string, extra: object = {}) =>
      (
        await logs().send(new FilterLogEventsCommand({ logGroupName: '/filtered', filterPattern, ...extra }))
      ).events?.map((e) => e.message);
    expect(await filter('ERROR payment')).toEqual([
      'ERROR payment failed for order 1',
      'ERROR payment failed: retrying',
    ]);
    expect(await filter('"Task timed out"')).toEqual(['Task timed out after 3.00 seconds']);
    expect(await filter('?WARN ?shipped')).toEqual(['INFO order 2 shipped', 'WARN retrying order 3']);
    expect(await filter('ERROR -retrying')).toEqual(['ERROR payment failed for order 1']);
    expect(await filter('error')).toEqual([]);
    expect(await filter('', { logStreamNames: ['b'] })).toEqual(lines.b);
    // Pages through everything with nextToken, in time order.
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs().send(
        new FilterLogEventsCommand({ logGroupName: '/filtered', limit: 2, nextToken }),
      );
      seen.push(...(page.events ?? []).map((e) => e.message as string));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toHaveLength(6);
    expect(seen[0]).toBe('ERROR payment failed for order 1');
    expect(seen[1]).toBe('ERROR payment failed: retrying');
  });

  it('tags log groups by ARN', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/tagged', tags: { a: '1' } }));
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:/tagged';
    await logs().send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2' } }));
    await logs().send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await logs().send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
      b: '2',
    });
  });

  it('deletes streams and groups, then reports them missing', async () => {
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/gone' }));
    await logs().send(new CreateLogStreamCommand({ logGroupName: '/gone', logStreamName: 's' }));
    await logs().send(new DeleteLogStreamCommand({ logGroupName: '/gone', logStreamName: 's' }));
    await expect(
      logs().send(new GetLogEventsCommand({ logGroupName: '/gone', logStreamName: 's' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await logs().send(new DeleteLogGroupCommand({ logGroupName: '/gone' }));
    await expect(logs().send(new DeleteLogGroupCommand({ logGroupName: '/gone' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
  });
});
