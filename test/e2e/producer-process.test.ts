// The wizard's producer process, from the user's side (the built binary in tmux, one stack for both
// tests): Ctrl-C finishes what is in flight and the process goes with the wizard; when the process dies,
// the Stream screen says so with the reason, the wizard still quits cleanly, and every event it had
// acknowledged is journaled: verify accounts for them all.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/commands/exit-codes.js';
import { CLI, cleanEnv, runCli } from '../integration/pipeline/cli.js';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';

const LONG = 240_000;
const missing = missingTool('tmux', ['-V']);

/** The producer processes of a wizard started with this state dir (its environment names it). */
function producerProcesses(state: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('producer-process-main') &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`KINESIS_TUI_STATE_DIR=${state}\0`)
        );
      } catch {
        return false;
      }
    });
}

/** The number after `label` on screen (-1 when it is not there). */
function figure(screen: string, label: string): number {
  const match = new RegExp(`${label} ([\\d,]+)`).exec(screen);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : -1;
}

describe.skipIf(missing)(skipTitle('the wizard’s producer process', missing), () => {
  const state = tempDir('wizard-producer-');
  const dataDir = join(state, 'cloud');
  const env = cleanEnv({ KINESIS_TUI_STATE_DIR: state });
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    const deployed = await runCli(
      [
        'deploy',
        '--data-dir',
        dataDir,
        '--param',
        'ShardCount=1',
        '--param',
        'BufferIntervalSeconds=0',
        '--param',
        'ProcessorBufferIntervalSeconds=0',
      ],
      { env, timeoutMs: LONG },
    );
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(EXIT.ok);
  }, LONG);
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  /** The wizard on the Stream screen, once `acknowledged` reaches `atLeast`. */
  async function streaming(atLeast: number): Promise<Terminal> {
    terminal = openTerminal([process.execPath, CLI, '--data-dir', dataDir], {
      columns: 120,
      rows: 40,
      env: { KINESIS_TUI_STATE_DIR: state },
    });
    const t = terminal;
    await t.waitFor((s) => s.includes('CREATE_COMPLETE'), LONG);
    t.keys(['2']);
    await t.waitFor((s) => figure(s, 'acknowledged') >= atLeast, LONG);
    return t;
  }

  it('Ctrl-C: the process finishes what is in flight, reports, and is gone with the wizard', async () => {
    const t = await streaming(1);
    // 100/s -> 1,000/s, a step a key: calls are in flight when Ctrl-C comes.
    for (const step of ['200', '500', '1,000']) {
      t.keys(['+']);
      await t.waitFor((s) => s.includes(`target ${step}/s`), LONG);
    }
    expect(producerProcesses(state)).toHaveLength(1);
    t.keys(['C-c']);
    await t.waitFor(() => t.exited(), LONG);
    expect(t.exitStatus()).toBe(EXIT.interrupted);
    expect(producerProcesses(state)).toEqual([]);
    // The summary came back from the process before the wizard stopped: nothing left unconfirmed.
    const log = readFileSync(join(state, 'wizard.log'), 'utf8');
    const stopped = /stream stopped: ([\d]+) sent, ([\d]+) acknowledged, (\d+) failed/.exec(log);
    expect(stopped, log).not.toBeNull();
    expect(stopped?.[2]).toBe(stopped?.[1]);
    expect(stopped?.[3]).toBe('0');
    expect(log.indexOf('stream stopped')).toBeLessThan(log.lastIndexOf('wizard stopped'));
  }, 600_000);

  it('killed mid-stream: the screen says why, the wizard quits, verify accounts for every event', async () => {
    const t = await streaming(20);
    const producers = producerProcesses(state);
    expect(producers, 'the wizard runs one producer process').toHaveLength(1);
    process.kill(producers[0] ?? 0, 'SIGKILL');

    const stopped = await t.waitFor(
      (s) => s.includes('the producer process stopped unexpectedly (killed by SIGKILL)'),
      LONG,
    );
    expect(stopped).toContain('■ stopped');
    expect(stopped).not.toMatch(/^\s+at /m); // a reason, not a stack
    const shown = figure(stopped, 'acknowledged');
    expect(shown).toBeGreaterThanOrEqual(20);

    t.keys(['q']);
    await t.waitFor(() => t.exited(), LONG);
    expect(t.exitStatus()).toBe(0);

    // What the screen counted as acknowledged was journaled by the process before it died.
    const verified = await runCli(['verify', '--data-dir', dataDir, '--wait', '--timeout', '4m', '--json'], {
      env,
      timeoutMs: 300_000,
    });
    const report = verified.json.find((l) => l.type === 'report') as
      | { acknowledged: number; delivered: number; missing: number; ok: boolean }
      | undefined;
    expect(report, verified.stdout + verified.stderr).toMatchObject({ missing: 0, ok: true });
    expect(report?.acknowledged).toBeGreaterThanOrEqual(shown);
    expect(report?.delivered).toBe(report?.acknowledged);
    expect(verified.code).toBe(EXIT.ok);
  }, 600_000);
});
