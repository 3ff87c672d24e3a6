// The whole pipeline through the built binary, as a user runs it: deploy -> stream -> verify -> teardown.
import { rmSync } from 'node:fs';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { categoryOf } from '../../../lambda/records.js';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { createEventSource } from '../../../src/pipeline/events.js';
import { emptyCounts } from '../../../src/pipeline/reconcile.js';
import { startTestCloud, stopTestCloud, tempDir } from '../../support/local-cloud.js';
import { FAST_PIPELINE, runCli } from './cli.js';

const dataDir = tempDir('pipeline-flow-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the pipeline on the local cloud, command by command', () => {
  it('deploys, streams 2,000 events into one shard faster than it takes them, verifies each, and tears down', async () => {
    const common = ['--data-dir', dataDir, '--json'];
    const deploy = await runCli(['deploy', ...common, ...FAST_PIPELINE], { timeoutMs: 300_000 });
    expect(deploy.json.at(-2), deploy.stdout + deploy.stderr).toMatchObject({
      type: 'deployed',
      action: 'created',
      status: 'CREATE_COMPLETE',
    });
    // Every command's last line says how it ended.
    expect(deploy.json.at(-1)).toEqual({ type: 'result', ok: true, exitCode: EXIT.ok });
    expect(deploy.code).toBe(EXIT.ok);
    const events = deploy.json.filter((l) => l.type === 'stack-event');
    expect(events.some((e) => e.logicalId === 'DeliveryStream' && e.status === 'CREATE_COMPLETE')).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'CREATE_COMPLETE', done: 10, total: 10 });

    // Deploying again changes nothing, and says so.
    const again = await runCli(['deploy', ...common, '--param', 'ShardCount=1'], { timeoutMs: 300_000 });
    expect(again.json.at(-2)).toMatchObject({ type: 'deployed', action: 'unchanged' });
    expect(again.code).toBe(EXIT.ok);

    // 4,000 events/s offered to a 1,000 records/s shard: throttled, retried, none lost.
    const stream = await runCli(['stream', ...common, '--count', '2000', '--rate', '4000', '--seed', '7'], {
      timeoutMs: 300_000,
    });
    const summary = stream.json.find((l) => l.type === 'summary');
    expect(summary, stream.stdout + stream.stderr).toMatchObject({
      sent: 2000,
      acknowledged: 2000,
      failed: 0,
      stoppedBy: 'count',
    });
    expect(summary?.throttled).toBeGreaterThan(0);
    expect(summary?.retried).toBeGreaterThan(0);
    expect(stream.code).toBe(EXIT.ok);

    const verify = await runCli(['verify', ...common, '--wait', '--timeout', '4m'], { timeoutMs: 300_000 });
    const report = verify.json.find((l) => l.type === 'report');
    expect(report, verify.stdout + verify.stderr).toMatchObject({
      acknowledged: 2000,
      delivered: 2000,
      missing: 0,
      processingFailed: 0,
      ok: true,
    });
    // Category counts: what a seeded run of the same events says, what was sent, and what arrived.
    const source = createEventSource({ seed: 7, users: 1000 });
    const expected = emptyCounts();
    for (let i = 0; i < 2000; i++) {
      const category = categoryOf(source.next().item_id);
      expected[category] = (expected[category] ?? 0) + 1;
    }
    const categories = report?.categories as { sent: unknown; delivered: unknown };
    expect(categories.sent).toEqual(expected);
    expect(categories.delivered).toEqual(expected);
    expect(verify.json.at(-1)).toEqual({ type: 'result', ok: true, exitCode: EXIT.ok, outcome: 'ok' });
    expect(verify.code).toBe(EXIT.ok);

    const teardown = await runCli(['teardown', ...common], { timeoutMs: 300_000 });
    expect(teardown.json.at(-2), teardown.stdout + teardown.stderr).toMatchObject({ type: 'deleted' });
    expect(teardown.json.at(-1)).toEqual({ type: 'result', ok: true, exitCode: EXIT.ok });
    expect(teardown.code).toBe(EXIT.ok);

    // Nothing is left: no stack, stream, bucket, function or delivery stream.
    const fixture = await startTestCloud({ dataDir });
    try {
      const { clients } = fixture;
      const stacks = await clients.cloudformation.send(new ListStacksCommand({}));
      expect((stacks.StackSummaries ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
      expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? []).toEqual([]);
      expect((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      expect((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
      expect(
        (await clients.firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames ?? [],
      ).toEqual([]);
    } finally {
      await stopTestCloud(fixture, { keepData: true });
    }
  }, 900_000);
});
