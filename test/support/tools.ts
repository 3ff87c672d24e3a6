import { spawnSync } from 'node:child_process';

/**
 * Why a test that needs an outside tool cannot run here, or undefined when it can. Tests put the reason
 * in their title (`skipUnless`), so a skipped test says on screen what to install.
 */
export function missingTool(
  command: string,
  args: string[] = ['--version'],
  install = command,
): string | undefined {
  const probe = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return probe.status === 0 ? undefined : `${command} is not installed here (install ${install} to run it)`;
}

/** A title carrying the skip reason, for it.skipIf(reason)(skipTitle(title, reason), ...). */
export function skipTitle(title: string, reason: string | undefined): string {
  return reason ? `${title} [skipped: ${reason}]` : title;
}
