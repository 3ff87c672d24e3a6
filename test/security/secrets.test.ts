// With (fake) AWS credentials in the environment, as a user's shell has them, nothing kinesis-tui writes
// holds the secret: not its output, not the local cloud's log, not the wizard's log, not the journal, not
// anything else in its folders (state files, Lambda logs, delivered objects). And the folders it makes are
// private. The whole pipeline runs against a local cloud reached as an endpoint, so the user's own signed
// requests are what the local cloud sees.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/commands/exit-codes.js';
import { createClients } from '../../src/config/clients.js';
import { CLI, cleanEnv, FAST_PIPELINE, runCli } from '../integration/pipeline/cli.js';
import { createInlineFunction, invokeJson } from '../support/lambda.js';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';
import { waitFor } from '../support/wait.js';
import { commandOf, noProcfs, processTree } from './sockets.js';

const SECRET = `fakeSecret${randomBytes(12).toString('hex')}`;
const TOKEN = `fakeToken${randomBytes(12).toString('hex')}`;
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEKINESISTUI01',
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: TOKEN,
};

const work = tempDir('security-secrets-');
const stateDir = join(work, 'state');
const serverDir = join(work, 'server');
const env = cleanEnv({ ...CREDENTIALS, KINESIS_TUI_STATE_DIR: stateDir });
const noTmux = missingTool('tmux', ['-V']);
const noProc = noProcfs();

/** Every byte kinesis-tui printed, for the final check. */
const printed: string[] = [];
let server: ChildProcess | undefined;
let endpoint = '';

async function cli(args: string[], code: number = EXIT.ok) {
  const result = await runCli(args, { env, timeoutMs: 300_000 });
  printed.push(result.stdout, result.stderr);
  expect(result.code, result.stdout + result.stderr).toBe(code);
  return result;
}

/** Producer processes of a wizard started with this state dir (its environment names it). */
function producerProcesses(state: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return (
          commandOf(pid).includes('producer-process-main') &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`KINESIS_TUI_STATE_DIR=${state}\0`)
        );
      } catch {
        return false;
      }
    });
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function expectNoSecret(what: string, bytes: Buffer | string): void {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  expect(buffer.includes(SECRET), `${what} holds the secret access key`).toBe(false);
  expect(buffer.includes(TOKEN), `${what} holds the session token`).toBe(false);
}

beforeAll(async () => {
  // `kinesis-tui local-cloud` started from the same shell: its children inherit the credentials too.
  server = spawn(process.execPath, [CLI, 'local-cloud', '--port', '0', '--data-dir', serverDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString('utf8');
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
  server.on('exit', () => printed.push(output));
  endpoint = await waitFor(
    'the local cloud to say it is ready',
    () => /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
    { timeoutMs: 90_000 },
  );
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('secrets in the environment stay out of everything kinesis-tui writes', () => {
  it('deploy, stream, verify, status and teardown through an endpoint', async () => {
    const at = ['--endpoint-url', endpoint];
    await cli(['deploy', ...at, ...FAST_PIPELINE]);
    await cli(['stream', ...at, '--count', '40', '--rate', '100', '--json']);
    const verified = await cli(['verify', ...at, '--wait', '--timeout', '3m']);
    expect(verified.stdout).toMatch(/OK: all 40 acknowledged events are accounted for/);
    await cli(['status', ...at, '--json']);
    await cli(['teardown', ...at]);
  }, 600_000);

  it('a Lambda function printing its environment shows the local cloud’s placeholders, not the user’s keys', async () => {
    const clients = createClients({
      region: 'us-east-1',
      endpoint,
      credentials: {
        accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
      },
    });
    try {
      await createInlineFunction(
        clients.lambda,
        'print-env',
        'exports.handler = async () => { console.log(JSON.stringify(process.env)); return Object.keys(process.env).length; };',
      );
      const run = await invokeJson(clients.lambda, 'print-env', {}, true);
      expect(run.log).toMatch(/AWS_LAMBDA_FUNCTION_NAME/); // it did print its environment
      expectNoSecret('a function’s environment', run.log ?? '');
    } finally {
      clients.destroy();
    }
  }, 120_000);

  it('the embedded local cloud (the default target), with its log and data dir', async () => {
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/no stack "kinesis-tui" here/);
    await cli(['verify', '--region', 'us-east-1'], EXIT.target); // a failure message, too
  }, 120_000);

  it.skipIf(noTmux)(
    skipTitle('the wizard, with its debug log and its producer process', noTmux),
    async () => {
      const at = ['--endpoint-url', endpoint];
      await cli(['deploy', ...at, '--param', 'ShardCount=1']);
      const t = openTerminal([process.execPath, CLI, ...at], {
        columns: 100,
        rows: 30,
        env: { ...CREDENTIALS, KINESIS_TUI_STATE_DIR: stateDir },
      });
      try {
        printed.push(await t.waitFor((s) => s.includes(endpoint), 90_000));
        // Streaming: the producer process signs its calls with credentials it got over its IPC channel.
        await t.waitFor((s) => s.includes('CREATE_COMPLETE'), 90_000);
        t.keys(['2']);
        printed.push(await t.waitFor((s) => /acknowledged [1-9]/.test(s), 90_000));
        if (!noProc) {
          const producers = producerProcesses(stateDir);
          expect(producers, 'the wizard’s producer process').toHaveLength(1);
          for (const pid of producers) {
            expectNoSecret('the producer process’s command line', readFileSync(`/proc/${pid}/cmdline`));
            expectNoSecret('the producer process’s environment', readFileSync(`/proc/${pid}/environ`));
          }
        }
        t.keys(['q']);
        await t.waitFor(() => t.exited(), 60_000);
        printed.push(t.screen());
      } finally {
        t.close();
      }
      expect(readFileSync(join(stateDir, 'wizard.log'), 'utf8')).toMatch(/wizard stopped/);
      await cli(['teardown', ...at]);
    },
    600_000,
  );

  it.skipIf(noProc)(
    skipTitle(
      'the local cloud’s own processes do not carry the keys (only the command the user ran does)',
      noProc,
    ),
    () => {
      const pid = server?.pid ?? 0;
      const below = processTree(pid).filter((p) => p !== pid);
      const commands = below.map(commandOf);
      // Not vacuous: the backends and the warm Lambda runtime are among them.
      expect(
        commands.some((c) => /kinesalite/.test(c)),
        commands.join('\n'),
      ).toBe(true);
      expect(
        commands.some((c) => /s3\/backend-main/.test(c)),
        commands.join('\n'),
      ).toBe(true);
      for (const child of below) {
        let environ: Buffer;
        try {
          environ = readFileSync(`/proc/${child}/environ`);
        } catch {
          continue; // gone meanwhile
        }
        expectNoSecret(`the environment of ${commandOf(child)}`, environ);
      }
    },
  );

  it('none of it holds the secret, and the folders are private', async () => {
    // The standalone server writes its log as it goes; stop it so everything is on disk.
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    printed.forEach((text, i) => {
      expectNoSecret(`output #${i}`, text);
    });
    const files = [...filesUnder(stateDir), ...filesUnder(serverDir)];
    const names = files.map((f) => f.slice(work.length));
    // Not vacuous: the files the promise is about are among those read.
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/server\/local-cloud\.log$/),
        expect.stringMatching(/^\/state\/local-cloud\/local-cloud\.log$/),
        expect.stringMatching(/journal/),
        ...(noTmux ? [] : [expect.stringMatching(/wizard\.log$/)]),
      ]),
    );
    for (const file of files) expectNoSecret(file, readFileSync(file));
    for (const dir of [stateDir, join(stateDir, 'local-cloud'), serverDir]) {
      expect((statSync(dir).mode & 0o777).toString(8), `${dir} mode`).toBe('700');
    }
  }, 60_000);
});
