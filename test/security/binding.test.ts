// Every server the local cloud starts (the edge, kinesalite, s3rver, Lambda runtimes, anything else) binds
// 127.0.0.1 only: read from the kernel's socket tables for the whole process tree, so a backend that binds
// every interface (kinesalite's and s3rver's own CLIs do) cannot slip through.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/local-cloud/services.js';
import { CLI } from '../integration/pipeline/cli.js';
import { createInlineFunction, invokeJson } from '../support/lambda.js';
import { startTestCloud, stopTestCloud, tempDir } from '../support/local-cloud.js';
import { missingTool, skipTitle } from '../support/tools.js';
import { waitFor } from '../support/wait.js';
import { commandOf, type Listener, listenersOf, noProcfs, processTree } from './sockets.js';

const noProc = noProcfs();
const services = new Set(createServices().map((s) => s.name));
const noPython = missingTool('python3');

function describeListeners(listeners: Listener[]): string {
  return listeners.map((l) => `${l.protocol} ${l.address}:${l.port} pid ${l.pid} ${l.command}`).join('\n');
}

/** Checks the tree under `root`: every socket on 127.0.0.1, the edge's port among them, each backend listening. */
function expectLoopbackOnly(root: number, edgePort: number): Listener[] {
  const listeners = listenersOf(root);
  const shown = describeListeners(listeners);
  for (const l of listeners) expect(`${l.protocol} ${l.address}`, shown).toBe('tcp 127.0.0.1');
  expect(
    listeners.map((l) => l.port),
    shown,
  ).toContain(edgePort);
  // Not vacuous: the backends are in the tree and do listen (on loopback, as checked above).
  if (services.has('kinesis'))
    expect(
      listeners.some((l) => /kinesalite/.test(l.command)),
      shown,
    ).toBe(true);
  if (services.has('s3'))
    expect(
      listeners.some((l) => /s3rver|s3\/backend-main/.test(l.command)),
      shown,
    ).toBe(true);
  return listeners;
}

describe.skipIf(noProc)(skipTitle('servers bind 127.0.0.1 only', noProc), () => {
  const work = tempDir('security-binding-');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the local cloud started by the app: edge, backends and warm Lambda runtimes', async () => {
    const fixture = await startTestCloud({ dataDir: `${work}/embedded` });
    try {
      const { lambda } = fixture.clients;
      // Warm runtimes are children too: they must listen nowhere but loopback (they use IPC and pipes).
      await createInlineFunction(lambda, 'node-echo', 'exports.handler = async (e) => e;');
      expect((await invokeJson(lambda, 'node-echo', { ok: 1 })).payload).toEqual({ ok: 1 });
      if (!noPython) {
        await createInlineFunction(lambda, 'python-echo', 'def handler(event, context):\n  return event\n', {
          Runtime: 'python3.12',
        });
        expect((await invokeJson(lambda, 'python-echo', { ok: 2 })).payload).toEqual({ ok: 2 });
      }
      const runtimes = processTree(fixture.cloud.pid)
        .map(commandOf)
        .filter((c) => /runner|bootstrap|python/.test(c));
      expect(runtimes.length, 'warm Lambda runtimes in the tree').toBeGreaterThan(0);
      expectLoopbackOnly(fixture.cloud.pid, Number(new URL(fixture.cloud.endpoint).port));
    } finally {
      await stopTestCloud(fixture);
    }
  }, 120_000);

  it('`kinesis-tui local-cloud`, the standalone server for other tools', async () => {
    let child: ChildProcess | undefined;
    try {
      const server = spawn(
        process.execPath,
        [CLI, 'local-cloud', '--port', '0', '--data-dir', `${work}/alone`],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = server;
      let output = '';
      server.stdout?.on('data', (d: Buffer) => {
        output += d.toString('utf8');
      });
      server.stderr?.on('data', (d: Buffer) => {
        output += d.toString('utf8');
      });
      const endpoint = await waitFor(
        'the local cloud to say it is ready',
        () => /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
        { timeoutMs: 90_000 },
      );
      expectLoopbackOnly(server.pid ?? 0, Number(new URL(endpoint).port));
    } finally {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await new Promise((resolve) => child?.once('exit', resolve));
    }
  }, 120_000);
});
