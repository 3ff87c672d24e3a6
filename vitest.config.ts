import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    pool: 'forks',
    // Test files run three at a time. Most of the suite waits (on a local cloud, Firehose's buffers, a
    // terminal), not computes: run one at a time (Vitest's default on 2 cores is cores - 1 = 1) it used
    // under half a core on average. Files share nothing: each starts its own local cloud on a free port,
    // in its own temp dirs, with its own tmux server.
    maxWorkers: 3,
    // The same environment everywhere: nothing inherited from CI or a developer's shell (see the file).
    setupFiles: ['./test/support/hermetic-env.ts'],
    // A local cloud per worker, reset and reused by the files that need only an empty one, and outside
    // tools probed once a run (see the files).
    globalSetup: ['./test/support/shared-clouds.ts', './test/support/tool-probes.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Every skipped test is listed with its reason, so a missing tool is visible in CI's output; every
    // file's time is listed, slowest first, so a file that got slower shows there too.
    reporters: ['default', './test/support/skipped-reporter.ts', './test/support/file-times-reporter.ts'],
    silent: 'passed-only',
  },
});
