// The version `kinesis-tui --version` prints: package.json's own, read when asked, so it can never drift
// from what was installed.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // From the compiled package this is dist/src/commands; under the test runner, src/commands.
  const here = import.meta.url;
  const path = new URL(here.includes('/dist/') ? '../../../package.json' : '../../package.json', here);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
