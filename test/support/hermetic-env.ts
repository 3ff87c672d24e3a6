// Vitest runs this in every test process before the test files: the environment the tests, and every
// process they start (the binary, the local cloud, tmux and what runs in it), is the same on any machine.
// CI sets CI=true (the wizard then refuses to start), a developer's shell may carry AWS_REGION, a profile,
// AWS_ENDPOINT_URL or NO_COLOR, and ~/.aws/config may name a default region: each changed what the binary
// did, so a test passed in one place and failed in another. Tests that want one of these set it themselves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Variables that change what kinesis-tui, the AWS SDK or the terminal libraries do. */
const INFLUENTIAL = [
  /^AWS_/, // credentials, profile, region, endpoint, retries, config file paths
  /^KINESIS_TUI_/, // state dir, fault rates
  /^XDG_/, // where env-paths puts the state dir
  /^(CI|NO_COLOR|FORCE_COLOR|COLUMNS|LINES)$/,
];

for (const name of Object.keys(process.env)) {
  if (INFLUENTIAL.some((pattern) => pattern.test(name))) delete process.env[name];
}

// npm keeps the machine's own cache and settings (registry, certificates), which live under the real home:
// the package test installs the packed tarball from that cache. Nothing of the app reads them.
const realHome = process.env.HOME;
if (realHome) {
  process.env.npm_config_cache ??= join(realHome, '.npm');
  process.env.npm_config_userconfig ??= join(realHome, '.npmrc');
}

// An empty home: no ~/.aws files, no state from an earlier run. Removed when the test process ends.
const home = mkdtempSync(join(tmpdir(), 'kinesis-tui-home-'));
process.env.HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
// Never wait on the EC2 instance metadata service for credentials or a region.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
