// `kinesis-tui stream` through the built binary, against a stack holding only a stream, on one local cloud
// reached as an endpoint (each command starting its own local cloud is pipeline/flow.test.ts's subject).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { parseJournal } from '../../../src/pipeline/journal.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { cleanEnv, runCli as run } from './cli.js';

const work = tempDir('pipeline-stream-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });

describe('stream', () => {
  const lc = useLocalCloud();
  const at = () => ['--endpoint-url', lc().cloud.endpoint];
  const common = () => [...at(), '--stack-name', 'only-stream', '--json'];
  const runCli = (args: string[], options: Parameters<typeof run>[1] = {}) => run(args, { env, ...options });

  beforeAll(async () => {
    const template = join(work, 'stream-only.yaml');
    writeFileSync(
      template,
      [
        'Resources:',
        '  EventStream:',
        '    Type: AWS::Kinesis::Stream',
        '    Properties: { ShardCount: 1 }',
        'Outputs:',
        '  StreamName: { Value: !Ref EventStream }',
        '',
      ].join('\n'),
    );
    const deploy = await runCli(['deploy', ...common(), '--template', template], { timeoutMs: 120_000 });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);
  }, 180_000);

  it('sends --count events, journals each with its shard and sequence number, and says so', async () => {
    const result = await runCli(['stream', ...common(), '--count', '300', '--rate', '1000', '--seed', '11'], {
      timeoutMs: 120_000,
    });
    const summary = result.json.find((l) => l.type === 'summary');
    expect(summary, result.stdout + result.stderr).toMatchObject({ sent: 300, acknowledged: 300, failed: 0 });
    expect(result.code).toBe(EXIT.ok);
    const streaming = result.json.find((l) => l.type === 'streaming');
    expect(streaming).toMatchObject({ rate: 1000, seed: 11, users: 1000 });
    const journal = parseJournal(readFileSync(String(streaming?.journal), 'utf8'));
    expect(journal.acknowledged.size).toBe(300);
    for (const ack of journal.acknowledged.values()) {
      expect(ack.shard).toMatch(/^shardId-\d{12}$/);
      expect(ack.seq).toMatch(/^\d+$/);
    }
  }, 180_000);

  it('on Ctrl-C stops taking events, finishes those in flight, and says how many were sent', async () => {
    let interrupted = false;
    const result = await runCli(['stream', ...common(), '--rate', '200'], {
      timeoutMs: 120_000,
      onLine: (line, signal) => {
        if (!interrupted && line.includes('"type":"stats"') && /"acknowledged":[1-9]/.test(line)) {
          interrupted = true;
          signal('SIGINT');
        }
      },
    });
    const summary = result.json.find((l) => l.type === 'summary') as Record<string, number> | undefined;
    expect(summary, result.stdout + result.stderr).toMatchObject({
      stoppedBy: 'stop',
      failed: 0,
      outstanding: 0,
    });
    expect(summary?.acknowledged).toBe(summary?.sent);
    expect(summary?.sent).toBeGreaterThan(0);
    expect(result.code).toBe(EXIT.interrupted);
  }, 180_000);

  it('shows the stack, its resources and the stream in status', async () => {
    const result = await runCli(['status', ...common()]);
    const status = result.json.find((l) => l.type === 'status') as Record<string, unknown> | undefined;
    expect(status, result.stdout + result.stderr).toMatchObject({
      stack: { status: 'CREATE_COMPLETE' },
      resources: [expect.objectContaining({ logicalId: 'EventStream', status: 'CREATE_COMPLETE' })],
      stream: { status: 'ACTIVE', mode: 'PROVISIONED', openShards: 1 },
    });
    expect((status?.journal as { acknowledged: number } | undefined)?.acknowledged).toBeGreaterThanOrEqual(
      300,
    );
    expect(result.code).toBe(EXIT.ok);
    // It ends as every command does: with the result line.
    expect(result.json.at(-1)).toEqual({ type: 'result', ok: true, exitCode: EXIT.ok });
    const text = await runCli(['status', ...common().filter((a) => a !== '--json')]);
    expect(text.stdout).toMatch(/stack only-stream: CREATE_COMPLETE/);
    expect(text.stdout).toMatch(/stream .*: ACTIVE, PROVISIONED, 1 open shard/);
  }, 120_000);

  it('says so when the stack has no stream to write to', async () => {
    const result = await runCli(['stream', ...at(), '--stack-name', 'nothing', '--count', '1']);
    expect(result.stderr).toMatch(/no stack "nothing" here: run `kinesis-tui deploy` first/);
    expect(result.code).toBe(EXIT.target);
  }, 60_000);
});
