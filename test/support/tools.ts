import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Whether `command args` succeeds, asked once a run (tool-probes.ts keeps the answers). */
function succeeds(command: string, args: string[]): boolean {
  const dir = inject('toolProbes');
  const file =
    dir &&
    join(
      dir,
      createHash('sha256')
        .update(JSON.stringify([command, args]))
        .digest('hex'),
    );
  if (file) {
    try {
      return readFileSync(file, 'utf8') === 'ok';
    } catch {
      // not probed yet in this run
    }
  }
  const ok = spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 }).status === 0;
  if (file) writeFileSync(file, ok ? 'ok' : 'missing');
  return ok;
}

/**
 * Why a test that needs an outside tool cannot run here, or undefined when it can. Tests put the reason
 * in their title (`skipUnless`), so a skipped test says on screen what to install.
 */
export function missingTool(
  command: string,
  args: string[] = ['--version'],
  install = command,
): string | undefined {
  return succeeds(command, args)
    ? undefined
    : `${command} is not installed here (install ${install} to run it)`;
}

/** A title carrying the skip reason, for it.skipIf(reason)(skipTitle(title, reason), ...). */
export function skipTitle(title: string, reason: string | undefined): string {
  return reason ? `${title} [skipped: ${reason}]` : title;
}
