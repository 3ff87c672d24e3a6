// The local cloud's data dir: private (0700), writable, and held by one local cloud at a time.
import { accessSync, chmodSync, constants, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../config/paths.js';

export class LocalCloudStartError extends Error {
  override name = 'LocalCloudStartError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates (0700) and claims the data dir; returns a function that releases it. */
export function claimDataDir(dataDir: string): () => void {
  try {
    makeDirs(dataDir);
    if (statSync(dataDir).uid === process.getuid?.()) chmodSync(dataDir, 0o700);
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new LocalCloudStartError(
      `cannot use ${dataDir} as the local cloud's data dir (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        'choose a writable folder with --data-dir',
    );
  }
  const pidFile = join(dataDir, 'local-cloud.pid');
  try {
    const holder = Number(readFileSync(pidFile, 'utf8'));
    if (holder && holder !== process.pid && alive(holder)) {
      throw new LocalCloudStartError(
        `another local cloud (pid ${holder}) is using ${dataDir}: stop it, or choose another folder with --data-dir`,
      );
    }
  } catch (error) {
    if (error instanceof LocalCloudStartError) throw error;
  }
  writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
  return () => rmSync(pidFile, { force: true });
}
