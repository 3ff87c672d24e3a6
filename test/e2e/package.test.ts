// The package as a user gets it: `npm pack` (what `npm publish` uploads), installed into an empty folder with
// plain `npm install`, then run from there with npx: --version, --help, the commands through the whole
// pipeline on the local cloud, and the wizard's first frame in a real terminal. The installed wizard must
// carry the Ink text-cache bound (patches/, shipped inside the tarball as bundled Ink) and load one React.
// npm installs from the machine's cache where it can (--prefer-offline; CI's `npm ci` fills it with the
// tarballs); what the cache lacks (package metadata, after a bare `npm ci`) comes from the registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkPatchPath, inkPatchProblems } from '../../scripts/ink-patch.mjs';
import { EXIT } from '../../src/commands/exit-codes.js';
import { type CliResult, cleanEnv, FAST_PIPELINE, runCli } from '../integration/pipeline/cli.js';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const noTmux = missingTool('tmux', ['-V']);
const LONG = 300_000;

/**
 * The environment of a user's shell: no variables npm sets for the scripts it runs (a nested npm would take
 * them as its own settings), but the machine's npm cache and settings (kept by test/support/hermetic-env.ts).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra);
  for (const name of Object.keys(env)) if (/^npm_/i.test(name)) delete env[name];
  for (const name of ['npm_config_cache', 'npm_config_userconfig']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/**
 * npm as a user runs it. In one full run on a loaded machine `npm install` of the tarball stopped after
 * extracting it and waited forever (npm's own hang: SIGTERM ended it at once, nothing of ours was running),
 * and spawnSync's timeout never fired in the test worker. So npm runs asynchronously, is killed when it
 * outlasts `timeoutMs`, and is tried once more, saying so; a second hang fails the test.
 */
async function npm(args: string[], cwd: string, timeoutMs = 240_000): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const run = await runCli(args, { command: ['npm'], cwd, env: userEnv(), timeoutMs });
    if (run.code === 0) return run.stdout;
    if (run.code === null && attempt === 1) {
      console.warn(`npm ${args.join(' ')} did not end within ${timeoutMs / 1000} s: killed, and run again`);
      continue;
    }
    throw new Error(
      `npm ${args.join(' ')} ${run.code === null ? `did not end within ${timeoutMs / 1000} s, twice` : `failed (exit ${run.code})`}:\n${run.stdout}\n${run.stderr}`,
    );
  }
}

let work: string;
let tarball: string;
let consumer: string;
let entries: string[];

/** `kinesis-tui <args>` from the folder it is installed in; --no-install: never fetched from the registry. */
function installed(args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return runCli(args, {
    command: ['npx', '--no-install', 'kinesis-tui'],
    cwd: consumer,
    env: userEnv(),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

beforeAll(async () => {
  work = tempDir('package-');
  // Packing runs prepack (refuses an unpatched Ink) and prepare (patches, builds: nothing to do after
  // `npm test`'s build), as `npm publish` would.
  // The last line npm pack prints is the tarball's name (the scripts' output comes before it).
  tarball = join(
    work,
    (await npm(['pack', '--pack-destination', work], root)).trim().split('\n').at(-1) ?? '',
  );
  entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true }\n');
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], consumer);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, LONG);

describe('the packed package', () => {
  it('holds the built program, the template, the licence and the patched Ink; no tests, sources or patches', () => {
    const files = entries.map((entry) => entry.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'cfn/pipeline.yaml',
        'events/shop.json',
        'dist/src/cli.js',
        'dist/src/local-cloud/main.js',
        'dist/src/pipeline/producer-process-main.js',
        'dist/lambda/index.js',
        'node_modules/ink/package.json',
        'node_modules/ink/build/measure-text.js',
        'node_modules/ink/build/wrap-text.js',
      ]),
    );
    const own = files.filter((file) => !file.startsWith('node_modules/'));
    expect(own.filter((file) => /^(test|bench|src|lambda|patches|scripts)\//.test(file))).toEqual([]);
    expect(own.filter((file) => /^dist\/(test|bench)\/|\.map$|\.tsbuildinfo$/.test(file))).toEqual([]);
    // React is Ink's peer: installed beside the package, never a second copy inside it. Nothing of the
    // development tools ships.
    const bundled = new Set(files.map((file) => /^node_modules\/((@[^/]+\/)?[^/]+)\//.exec(file)?.[1]));
    for (const name of ['react', 'patch-package', 'typescript', 'vitest', 'esbuild'])
      expect(bundled.has(name), name).toBe(false);
  });

  it('runs nothing at install: no install scripts of its own', () => {
    const packed = JSON.parse(
      readFileSync(join(consumer, 'node_modules/kinesis-tui/package.json'), 'utf8'),
    ) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall'])
      expect(packed.scripts?.[hook], hook).toBeUndefined();
  });
});

describe('the installed package', () => {
  it('prints its version with --version and -V, read from its package.json when run', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await installed([flag]);
      expect(run.stdout.trim(), run.stderr).toBe(manifest.version);
      expect(run.code).toBe(EXIT.ok);
    }
    // Not written into the code: the installed package.json says what it is.
    const path = join(consumer, 'node_modules/kinesis-tui/package.json');
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace(`"version": "${manifest.version}"`, '"version": "9.8.7-check"'));
      expect((await installed(['--version'])).stdout.trim()).toBe('9.8.7-check');
    } finally {
      writeFileSync(path, original);
    }
  });

  it('lists its commands with --help', async () => {
    const run = await installed(['--help']);
    expect(run.code).toBe(EXIT.ok);
    for (const command of ['wizard', 'deploy', 'stream', 'verify', 'teardown', 'status', 'local-cloud'])
      expect(run.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it("loads the patched Ink, with its text caches bounded, and one React for the app, Ink and Ink's renderer", async () => {
    const cli = join(consumer, 'node_modules/kinesis-tui/dist/src/cli.js');
    const fromCli = createRequire(cli);
    const inkEntry = fromCli.resolve('ink');
    const inkDir = dirname(dirname(inkEntry));
    expect(inkDir).toBe(join(consumer, 'node_modules/kinesis-tui/node_modules/ink'));
    const ink = JSON.parse(readFileSync(join(inkDir, 'package.json'), 'utf8')) as { version: string };
    expect(ink.version).toBe(manifest.dependencies.ink);
    expect(await inkPatchProblems(inkDir, inkPatchPath(ink.version))).toEqual([]);

    const react = fromCli.resolve('react');
    const fromInk = createRequire(inkEntry);
    expect(fromInk.resolve('react')).toBe(react);
    expect(createRequire(fromInk.resolve('react-reconciler')).resolve('react')).toBe(react);
  });

  it(
    'deploys, streams 50 events, verifies each of them and tears down, on the local cloud',
    async () => {
      const common = ['--data-dir', join(work, 'cloud'), '--json'];
      const deploy = await installed(['deploy', ...common, ...FAST_PIPELINE], { timeoutMs: LONG });
      expect(deploy.json.at(-2), deploy.stdout + deploy.stderr).toMatchObject({
        type: 'deployed',
        action: 'created',
        status: 'CREATE_COMPLETE',
      });
      const stream = await installed(['stream', ...common, '--count', '50'], { timeoutMs: LONG });
      expect(
        stream.json.find((l) => l.type === 'summary'),
        stream.stdout + stream.stderr,
      ).toMatchObject({ sent: 50, acknowledged: 50, failed: 0 });
      const verify = await installed(['verify', ...common, '--wait', '--timeout', '4m'], { timeoutMs: LONG });
      expect(
        verify.json.find((l) => l.type === 'report'),
        verify.stdout + verify.stderr,
      ).toMatchObject({ acknowledged: 50, delivered: 50, missing: 0, processingFailed: 0, ok: true });
      expect(verify.code).toBe(EXIT.ok);
      const teardown = await installed(['teardown', ...common], { timeoutMs: LONG });
      expect(teardown.json.at(-2), teardown.stdout + teardown.stderr).toMatchObject({ type: 'deleted' });
      expect(teardown.code).toBe(EXIT.ok);
    },
    4 * LONG,
  );

  describe('the wizard in a real terminal (tmux)', () => {
    let terminal: Terminal | undefined;
    afterAll(() => terminal?.close());

    it.skipIf(noTmux)(
      skipTitle('opens on the local cloud with the template it ships, and quits cleanly', noTmux),
      async () => {
        const state = join(work, 'state');
        const dataDir = join(work, 'wizard-cloud');
        // From the folder it is installed in, as a user runs it.
        terminal = openTerminal(
          ['sh', '-c', 'cd "$0" && exec npx --no-install kinesis-tui --data-dir "$1"', consumer, dataDir],
          { columns: 120, rows: 40, env: { KINESIS_TUI_STATE_DIR: state } },
        );
        const t = terminal;
        const first = await t.waitFor(
          (s) => s.includes('local cloud 127.0.0.1:') && s.includes('not deployed yet'),
          LONG,
        );
        expect(first).toMatch(/\[1 Deploy\] > +2 Stream +> +3 Verify +> +4 Cleanup/);
        expect(first).toContain('Resources (10)');
        // The local cloud it started is the installed package's own.
        const clouds = spawnSync('pgrep', ['-af', `local-cloud/main\\.js.*${dataDir}`], { encoding: 'utf8' });
        expect(clouds.stdout).toContain(
          join(consumer, 'node_modules/kinesis-tui/dist/src/local-cloud/main.js'),
        );
        t.keys(['q']);
        await t.waitFor(() => t.exited(), LONG);
        expect(t.exitStatus()).toBe(0);
      },
      2 * LONG,
    );
  });
});
