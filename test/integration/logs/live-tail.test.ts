// CloudWatch Logs Live Tail (StartLiveTail) through the SDK: a session over log groups, events pushed as
// they are put, in the event stream encoding over plain HTTP/1.1.
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';

const arn = (group: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;

describe('CloudWatch Logs Live Tail', () => {
  const lc = useLocalCloud();

  it('starts a session, then pushes the events put into its groups (matching its filter) as they come', async () => {
    const { logs } = lc().clients;
    for (const group of ['/tail/a', '/tail/b']) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    }
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/tail/a',
        logStreamName: 's',
        logEvents: [{ timestamp: Date.now(), message: 'before ERROR' }],
      }),
    );
    const abort = new AbortController();
    const out = await logs.send(
      new StartLiveTailCommand({
        logGroupIdentifiers: [arn('/tail/a'), arn('/tail/b')],
        logEventFilterPattern: 'ERROR',
      }),
      { abortSignal: abort.signal },
    );
    const seen: Array<{ group?: string; message?: string }> = [];
    let start: unknown;
    for await (const event of out.responseStream as AsyncIterable<StartLiveTailResponseStream>) {
      if (event.sessionStart) {
        start = event.sessionStart;
        const now = Date.now();
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: '/tail/a',
            logStreamName: 's',
            logEvents: [
              { timestamp: now, message: 'ERROR one' },
              { timestamp: now, message: 'fine' },
            ],
          }),
        );
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: '/tail/b',
            logStreamName: 's',
            logEvents: [{ timestamp: now, message: 'ERROR two' }],
          }),
        );
      }
      for (const result of event.sessionUpdate?.sessionResults ?? [])
        seen.push({ group: result.logGroupIdentifier, message: result.message });
      if (seen.length >= 2) break;
    }
    abort.abort();
    expect(start).toMatchObject({
      logGroupIdentifiers: [arn('/tail/a'), arn('/tail/b')],
      logEventFilterPattern: 'ERROR',
    });
    expect(seen).toEqual([
      { group: arn('/tail/a'), message: 'ERROR one' },
      { group: arn('/tail/b'), message: 'ERROR two' },
    ]);
  });

  it('refuses a session without log groups, or over one that does not exist', async () => {
    const { logs } = lc().clients;
    await expect(logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn('/tail/none')] })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
