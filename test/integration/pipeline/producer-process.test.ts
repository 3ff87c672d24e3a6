// The wizard's producer process (the built dist/ entry) against a real local cloud: opened, controlled and
// stopped over IPC as the Stream screen does, journaling in the child; what happens when the child dies,
// and when the process that started it dies (kill -9) without a word.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TargetError } from '../../../src/config/errors.js';
import { bundledTemplatesDir } from '../../../src/pipeline/event-template/bundled.js';
import { parseJournal } from '../../../src/pipeline/journal.js';
import type { ProducerUpdate } from '../../../src/pipeline/producer.js';
import { startProducerProcess } from '../../../src/pipeline/producer-process.js';
import { commandOf, processTree } from '../../security/sockets.js';
import { createActiveStream } from '../../support/kinesis.js';
import { TEST_CREDENTIALS, TEST_REGION, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { alive } from '../../support/processes.js';
import { waitFor } from '../../support/wait.js';

let lc: ReturnType<typeof useLocalCloud>;
const work = tempDir('producer-process-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LIMITS = { acknowledged: 50, failed: 5 };

function targetFor(journalDir: string) {
  const { clients, cloud } = lc();
  return {
    clients,
    clientConfig: { region: TEST_REGION, endpoint: cloud.endpoint, credentials: TEST_CREDENTIALS },
    journalPath: (stack: string) => join(journalDir, `${stack}.ndjson`),
  };
}

async function streamStack(name: string) {
  await createActiveStream(lc().clients.kinesis, { StreamName: name, ShardCount: 2 });
  return { name: `stack-${name}`, streamName: name };
}

/** This process's producer processes still running. */
function producerChildren(): number[] {
  return processTree(process.pid).filter((pid) => commandOf(pid).includes('producer-process-main'));
}

describe('the producer process', () => {
  // Its own cloud, with shard limits off: these cases test the process's controls and counts, which a
  // throttled (and retried) put would blur; throttling is the producer's own tests' subject.
  lc = useLocalCloud({ kinesis: { enforceLimits: false, failureRate: 0 } });

  it('streams, pauses, changes rate, bursts and stops with its summary, journaling in the child', async () => {
    const stack = await streamStack('controlled');
    const session = await startProducerProcess(targetFor(work), stack, { rate: 200, limits: LIMITS });
    const { producer } = session;
    expect(session.streamName).toBe('controlled');
    expect(session.journalPath).toBe(join(work, 'stack-controlled.ndjson'));
    const updates: ProducerUpdate[] = [];
    producer.subscribe((u) => updates.push(u));
    const finished = producer.run();

    await waitFor('acknowledgements', () => producer.stats().acknowledged > 0);
    const acked = updates.flatMap((u) => (u.type === 'acknowledged' ? u.events : []));
    expect(acked.length).toBeGreaterThan(0);
    expect(acked[0]).toMatchObject({
      shardId: expect.stringMatching(/^shardId-\d{12}$/),
      sequenceNumber: expect.stringMatching(/^\d+$/),
      malformed: false,
    });
    // Each progress message carries at most the newest LIMITS.acknowledged events.
    for (const u of updates) if (u.type === 'acknowledged') expect(u.events.length).toBeLessThanOrEqual(50);

    producer.pause();
    expect(producer.stats().state).toBe('paused'); // at once, before the process answers
    // Stats the process took after it paused (until then, only `state` is this side's guess).
    await waitFor('everything sent to be answered', () => {
      const s = producer.stats();
      return producer.caughtUp && s.state === 'paused' && s.outstanding === 0 && s.acknowledged === s.sent;
    });
    const pausedAt = producer.stats().sent;
    producer.setRate(500);
    expect(producer.stats().targetRate).toBe(500);
    producer.burst(30);
    const malformed = producer.sendMalformed();
    expect(malformed).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(
      'the burst and the malformed record',
      () => producer.stats().acknowledged === pausedAt + 31,
    );
    expect(producer.stats()).toMatchObject({ state: 'paused', targetRate: 500, sent: pausedAt + 31 });
    const malformedAck = updates
      .flatMap((u) => (u.type === 'acknowledged' ? u.events : []))
      .find((e) => e.eventId === malformed);
    expect(malformedAck).toMatchObject({ malformed: true, category: 'Other' });

    producer.resume();
    await waitFor('sending again', () => producer.stats().sent > pausedAt + 31);
    producer.stop();
    expect(producer.sendMalformed()).toBeUndefined(); // nothing new once stopping
    const summary = await finished;
    expect(summary).toMatchObject({ stoppedBy: 'stop', state: 'done', failed: 0, outstanding: 0 });
    expect(summary.acknowledged).toBe(summary.sent);
    expect(producer.stats()).toMatchObject({ state: 'done', acknowledged: summary.acknowledged });
    session.close();
    await waitFor('the process to exit', () => !alive(producer.pid));

    // The child wrote the journal: verify's reading of it matches the summary, malformed record included.
    const journal = parseJournal(readFileSync(session.journalPath, 'utf8'));
    expect(journal.acknowledged.size).toBe(summary.acknowledged);
    expect(journal.acknowledged.get(malformed ?? '')).toMatchObject({ malformed: true });
    expect(journal.runs).toHaveLength(1);
  }, 120_000);

  it('sends events of your own from a template it loads, keyed by one of their fields', async () => {
    const stack = await streamStack('templated');
    const session = await startProducerProcess(targetFor(work), stack, {
      rate: 500,
      limits: LIMITS,
      events: { path: join(bundledTemplatesDir(), 'sensors.json'), partitionKey: 'location' },
    });
    const updates: ProducerUpdate[] = [];
    session.producer.subscribe((u) => updates.push(u));
    const finished = session.producer.run();
    await waitFor('twenty acknowledged', () => session.producer.stats().acknowledged >= 20);
    session.producer.stop();
    await finished;
    const acked = updates.flatMap((u) => (u.type === 'acknowledged' ? u.events : []));
    expect(acked[0]?.event).toBeUndefined();
    expect(acked[0]?.fields).toMatchObject({
      event_id: acked[0]?.eventId,
      sensorId: expect.any(Number),
      status: expect.any(String),
    });
    const journal = parseJournal(readFileSync(session.journalPath, 'utf8'));
    expect(journal.acknowledged.size).toBeGreaterThanOrEqual(20);

    // A template that cannot be used: the process says why and ends.
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"a": {{random.nope}}}');
    await expect(
      startProducerProcess(targetFor(work), stack, { rate: 10, limits: LIMITS, events: { path: broken } }),
    ).rejects.toThrow(/broken\.json line 1: \{\{random\.nope\}\}: there is no random\.nope/);
    await waitFor('no producer process left', () => producerChildren().length === 0);
  });

  it('says what to do when the stream is not there, and leaves no process behind', async () => {
    const missing = { name: 'stack-gone', streamName: 'gone' };
    const error = await startProducerProcess(targetFor(work), missing, { rate: 10, limits: LIMITS }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toMatch(/the stream gone of stack "stack-gone" does not exist: run/);
    await waitFor('no producer process left', () => !producerChildren().length);
  }, 60_000);

  it('a child killed mid-run: the stream stops with the reason, and what was acknowledged is journaled', async () => {
    const stack = await streamStack('child-killed');
    const session = await startProducerProcess(targetFor(work), stack, { rate: 500, limits: LIMITS });
    const { producer } = session;
    const errors: string[] = [];
    producer.subscribe((u) => {
      if (u.type === 'error') errors.push(u.message);
    });
    const finished = producer.run();
    await waitFor('acknowledgements', () => producer.stats().acknowledged >= 100);
    process.kill(producer.pid, 'SIGKILL');
    const summary = await finished;
    expect(summary.stoppedBy).toBe('error');
    expect(summary.error).toBe('the producer process stopped unexpectedly (killed by SIGKILL)');
    expect(producer.stats()).toMatchObject({ state: 'done', error: summary.error });
    expect(errors).toEqual([summary.error]);
    // Nothing is sent to a dead process, and nothing throws.
    producer.pause();
    producer.setRate(10);
    expect(producer.sendMalformed()).toBeUndefined();
    session.close();
    const journal = parseJournal(readFileSync(session.journalPath, 'utf8'));
    expect(journal.acknowledged.size).toBeGreaterThanOrEqual(summary.acknowledged);
  }, 120_000);

  it('stops by itself when the process that started it is killed (kill -9)', async () => {
    const stack = await streamStack('parent-killed');
    const journalDir = join(work, 'orphan');
    // A parent of our own, as the wizard is: starts the producer and reports its pid, then is killed.
    const script = join(work, 'parent.mjs');
    const modulePath = join(import.meta.dirname, '../../../dist/src/pipeline/producer-process.js');
    const { clients: _clients, ...config } = targetFor(journalDir);
    writeFileSync(
      script,
      [
        `import { createClients } from ${JSON.stringify(join(import.meta.dirname, '../../../dist/src/config/clients.js'))};`,
        `import { startProducerProcess } from ${JSON.stringify(modulePath)};`,
        `const clientConfig = ${JSON.stringify(config.clientConfig)};`,
        `const target = { clients: createClients(clientConfig), clientConfig, journalPath: (s) => ${JSON.stringify(journalDir)} + '/' + s + '.ndjson' };`,
        `const session = await startProducerProcess(target, ${JSON.stringify(stack)}, { rate: 400, limits: { acknowledged: 10, failed: 5 } });`,
        'session.producer.run();',
        'setInterval(() => console.log(JSON.stringify({ pid: session.producer.pid, ...session.producer.stats() })), 100);',
      ].join('\n'),
    );
    const parent: ChildProcess = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    parent.stdout?.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    parent.stderr?.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    const child = await waitFor(
      'the producer to be acknowledged events',
      () => {
        const last = output.trim().split('\n').at(-1) ?? '';
        if (!last.startsWith('{')) return undefined;
        const stats = JSON.parse(last) as { pid: number; acknowledged: number };
        return stats.acknowledged >= 50 ? stats.pid : undefined;
      },
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    await waitFor('the orphaned producer to stop by itself', () => !alive(child), { timeoutMs: 30_000 });
    // It finished with the journal whole: every line parses, and what it journaled was acknowledged.
    const text = readFileSync(join(journalDir, `${stack.name}.ndjson`), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const journal = parseJournal(text);
    expect(journal.unreadable).toEqual([]);
    expect(journal.acknowledged.size).toBeGreaterThanOrEqual(50);
  }, 120_000);
});
