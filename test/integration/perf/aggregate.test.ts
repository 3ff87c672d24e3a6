// `stream --aggregate` through the whole local pipeline: KPL-aggregated records into one shard, Firehose
// de-aggregating before the Lambda as AWS's does, and verify reconciling every event one by one. One local
// cloud, reached as an endpoint, delivers while the commands run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { cleanEnv, FAST_PIPELINE, runCli as run } from '../pipeline/cli.js';

const work = tempDir('perf-aggregate-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });
const runCli = (args: string[], options: Parameters<typeof run>[1] = {}) => run(args, { env, ...options });

describe('stream --aggregate', () => {
  const lc = useLocalCloud({ firehosePollMs: 250 });

  it('packs many events a record, and verify finds each of them delivered once', async () => {
    const common = ['--endpoint-url', lc().cloud.endpoint, '--json'];
    const deploy = await runCli(['deploy', ...common, ...FAST_PIPELINE], { timeoutMs: 300_000 });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);

    const stream = await runCli(
      [
        'stream',
        ...common,
        '--aggregate',
        '--count',
        '3000',
        '--rate',
        'max',
        '--seed',
        '3',
        '--malformed',
        '2',
      ],
      { timeoutMs: 300_000 },
    );
    const streaming = stream.json.find((l) => l.type === 'streaming');
    expect(streaming, stream.stdout + stream.stderr).toMatchObject({ aggregate: true });
    const summary = stream.json.find((l) => l.type === 'summary');
    expect(summary, stream.stdout + stream.stderr).toMatchObject({
      sent: 3002,
      acknowledged: 3002,
      failed: 0,
    });
    // Far fewer records than events: what lets a shard carry more than 1,000 events a second.
    expect(summary?.eventsPerRecord as number).toBeGreaterThan(10);
    expect(stream.code).toBe(EXIT.ok);

    const verify = await runCli(['verify', ...common, '--wait', '--timeout', '4m'], { timeoutMs: 300_000 });
    const report = verify.json.find((l) => l.type === 'report');
    expect(report, verify.stdout + verify.stderr).toMatchObject({
      acknowledged: 3002,
      delivered: 3000,
      missing: 0,
      processingFailed: 2,
      expectedFailures: 2,
    });
    expect(verify.code).toBe(EXIT.ok);
  }, 900_000);
});
