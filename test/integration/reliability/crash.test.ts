// Crashes: `kill -9` of the process running `kinesis-tui stream` in the middle of a run, and of the local
// cloud in the middle of a delivery. After each, verify reconciles the journal exactly (what the killed
// producer had in flight either arrived or was never acknowledged; what Firehose had read but not written
// is read again), and the stack and its data are still there and usable: another stream and verify work.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { type LocalCloudHandle, startLocalCloud } from '../../../src/local-cloud/index.js';
import { readJournal } from '../../../src/pipeline/journal.js';
import { injectFault, listFaults } from '../../support/faults.js';
import { tempDir } from '../../support/local-cloud.js';
import { alive } from '../../support/processes.js';
import { waitFor } from '../../support/wait.js';
import { CLI, cleanEnv, runCli } from '../pipeline/cli.js';

const work = tempDir('crash-');
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface VerifyNumbers {
  acknowledged: number;
  delivered: number;
  missing: number;
  duplicates: number;
  processingFailed: number;
  lateAcknowledged: number;
  producerFailed: number;
  unknown: number;
  complete: boolean;
  ok: boolean;
}

/** A local cloud run the way `kinesis-tui local-cloud` runs one, that the test can kill and start again. */
class Cloud {
  handle: LocalCloudHandle | undefined;
  port = 0;
  constructor(readonly dataDir: string) {}

  async start() {
    this.handle = await startLocalCloud({ dataDir: this.dataDir, port: this.port, firehosePollMs: 250 });
    this.port = Number(new URL(this.handle.endpoint).port);
    return this.handle.endpoint;
  }

  get endpoint(): string {
    return this.handle?.endpoint ?? '';
  }

  /** kill -9, then wait until it and its backends are gone (they leave when their parent does). */
  async kill() {
    const pid = this.handle?.pid ?? 0;
    process.kill(pid, 'SIGKILL');
    await waitFor('the killed local cloud to be gone', () => !alive(pid), { timeoutMs: 30_000 });
  }

  cli(args: string[], timeoutMs = 300_000) {
    return runCli([...args, '--endpoint-url', this.endpoint], { env, timeoutMs });
  }

  async verify(): Promise<{ code: number | null; text: string; numbers: VerifyNumbers }> {
    const shown = await this.cli(['verify', '--wait', '--timeout', '4m']);
    const json = await this.cli(['verify', '--json']);
    const numbers = json.json.find((l) => l.type === 'report') as unknown as VerifyNumbers;
    expect(numbers, json.stdout + json.stderr).toBeDefined();
    return { code: shown.code, text: shown.stdout + shown.stderr, numbers };
  }

  async stop() {
    await this.handle?.stop();
  }
}

async function deploy(cloud: Cloud, params: string[]) {
  const result = await cloud.cli(['deploy', ...params.flatMap((p) => ['--param', p])]);
  expect(result.code, result.stdout + result.stderr).toBe(EXIT.ok);
}

/** The stack still works: more events go through and reconcile with the rest. */
async function expectUsable(cloud: Cloud, before: number) {
  const status = await cloud.cli(['status', '--json']);
  expect(
    status.json.find((l) => l.type === 'status'),
    status.stdout,
  ).toMatchObject({
    stack: { status: 'CREATE_COMPLETE' },
  });
  const more = await cloud.cli(['stream', '--count', '200', '--rate', '400']);
  expect(more.code, more.stdout + more.stderr).toBe(EXIT.ok);
  const v = await cloud.verify();
  expect(v.numbers, v.text).toMatchObject({ acknowledged: before + 200, missing: 0, ok: true });
  expect(v.code, v.text).toBe(EXIT.ok);
}

describe('crashes', () => {
  it('kill -9 of `kinesis-tui stream` mid-run: verify reconciles the journal exactly', async () => {
    const cloud = new Cloud(join(work, 'stream-killed'));
    await cloud.start();
    try {
      await deploy(cloud, ['BufferIntervalSeconds=0', 'ProcessorBufferIntervalSeconds=0']);
      // No --count: it would run until stopped. Killed once a few hundred events are acknowledged, with
      // PutRecords calls in flight whose answers never reach the journal.
      const child: ChildProcess = spawn(
        process.execPath,
        [CLI, 'stream', '--endpoint-url', cloud.endpoint, '--rate', '500', '--json'],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      child.stdout?.on('data', (d: Buffer) => {
        output += d.toString('utf8');
        if (/"type":"stats".*"acknowledged":([3-9]\d\d|\d{4,})/.test(output) && child.exitCode === null) {
          child.kill('SIGKILL');
        }
      });
      expect(await exited, output).toBe('SIGKILL');
      expect(output).not.toMatch(/"type":"summary"/); // it never got to finish

      const v = await cloud.verify();
      expect(v.numbers.acknowledged).toBeGreaterThanOrEqual(300);
      expect(v.numbers, v.text).toMatchObject({
        delivered: v.numbers.acknowledged,
        missing: 0,
        processingFailed: 0,
        unknown: 0,
        complete: true,
        ok: true,
      });
      expect(v.text).toMatch(
        new RegExp(
          `OK: all ${v.numbers.acknowledged.toLocaleString('en-US')} acknowledged events are accounted for`,
        ),
      );
      expect(v.code).toBe(EXIT.ok);
      await expectUsable(cloud, v.numbers.acknowledged);
    } finally {
      await cloud.stop();
    }
  }, 900_000);

  it('kill -9 of the local cloud mid-delivery: after a restart every event is delivered', async () => {
    const cloud = new Cloud(join(work, 'cloud-killed'));
    await cloud.start();
    try {
      await deploy(cloud, ['BufferIntervalSeconds=0', 'ProcessorBufferIntervalSeconds=0']);
      // S3 refuses every write until the kill (a fault lives only as long as the local cloud's process):
      // Firehose reads and transforms what arrives and holds it, retrying the write. The kill loses what
      // it holds, which it must read again from the stream after the restart. Whatever the machine's
      // load, the kill comes mid-delivery: nothing can have been written before it.
      await injectFault(cloud.endpoint, {
        service: 's3',
        errorCode: 'ServiceUnavailable',
        status: 503,
        durationMs: 900_000,
      });
      const streamed = await cloud.cli(['stream', '--count', '1500', '--rate', '1000']);
      expect(streamed.code, streamed.stdout + streamed.stderr).toBe(EXIT.ok);
      const journalPath = /journal (\S+)/.exec(streamed.stdout)?.[1] ?? '';
      expect(journalPath, streamed.stdout).not.toBe('');
      expect(readJournal(journalPath).acknowledged.size).toBe(1500);
      // Mid-delivery: Firehose has read records and tried to write them.
      await waitFor('Firehose to try writing to S3', async () =>
        (await listFaults(cloud.endpoint)).some((f) => f.service === 's3' && f.injected > 0),
      );
      await cloud.kill();

      await cloud.start(); // the same data dir and port
      const v = await cloud.verify();
      expect(v.numbers, v.text).toMatchObject({
        acknowledged: 1500,
        delivered: 1500,
        missing: 0,
        processingFailed: 0,
        unknown: 0,
        ok: true,
      });
      expect(v.text).toMatch(
        /acknowledged 1,500: delivered 1,500, missing 0, processing-failed 0, duplicates \d/,
      );
      expect(v.code).toBe(EXIT.ok);
      await expectUsable(cloud, 1500);
    } finally {
      await cloud.stop();
    }
  }, 900_000);
});
