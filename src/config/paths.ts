// Where kinesis-tui keeps things on the user's machine: under the XDG state dir on Linux
// (~/.local/state/kinesis-tui), and the platform's equivalent elsewhere.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import envPaths from 'env-paths';

const paths = envPaths('kinesis-tui', { suffix: '' });

/** The state dir: local cloud data, producer journals, the debug log. */
export const stateDir = process.env.KINESIS_TUI_STATE_DIR ?? paths.log;

/** The embedded local cloud's default data dir. */
export const defaultLocalCloudDir = join(stateDir, 'local-cloud');

/**
 * `mkdir -p` for a path a user chose. Node's own recursive mkdir never returns on some virtual file
 * systems (a path under /proc spins forever), so the missing folders are made one level at a time.
 */
export function makeDirs(path: string, mode = 0o700): void {
  const target = resolve(path);
  try {
    if (statSync(target).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const parent = dirname(target);
    if (parent !== target) makeDirs(parent, mode);
    try {
      mkdirSync(target, { mode });
    } catch (made) {
      if ((made as NodeJS.ErrnoException).code !== 'EEXIST') throw made;
    }
    return;
  }
  const notDir = new Error(`ENOTDIR: not a directory, mkdir '${target}'`) as NodeJS.ErrnoException;
  notDir.code = 'ENOTDIR';
  throw notDir;
}

/** The wizard's debug log: what the SDK, Node and the wizard itself would otherwise print over the screen. */
export const wizardLogPath = join(stateDir, 'wizard.log');
